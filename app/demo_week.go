package app

import (
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/schedule"
)

// weekday reports whether t falls Monday to Friday.
func weekday(t time.Time) bool { return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday }

// first returns the first time from t on, in steps of a day, whose day ok accepts.
func first(t time.Time, ok func(time.Time) bool) time.Time {
	for !ok(t) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

func saturday(t time.Time) bool { return t.Weekday() == time.Saturday }

// load builds the week: the district's orgs and users, agreements and listings a week ago, then
// claims made, decided and fulfilled over the following days, and matching runs.
func (d *demo) load() {
	loc := schedule.DefaultLocation()
	now := d.now.In(loc)
	y, m, dd := now.Date()
	midnight := time.Date(y, m, dd, 0, 0, 0, 0, loc)
	day := func(n int, h, min int) time.Time {
		return midnight.AddDate(0, 0, n).Add(time.Duration(h)*time.Hour + time.Duration(min)*time.Minute)
	}
	night := func(n int) time.Time { return day(n, 19, 0) }
	const twelve = 12 * time.Hour
	weekdays := "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"

	// A week ago the street office set the district up.
	d.at = day(-8, 9, 0)
	district := domain.Org{ID: d.admin.OrgID, Kind: domain.KindDistrict}
	wuxing := d.org(domain.KindStreet, "五星街道", &district, 24.3268, 109.4132, "柳州市城中区五星街道办事处", "覃主任", "0772-2801101")
	gongyuan := d.org(domain.KindStreet, "公园街道", &district, 24.3182, 109.4085, "柳州市城中区公园街道办事处", "韦主任", "0772-2801202")
	wxCommunity := d.org(domain.KindCommunity, "五星社区", &wuxing, 24.3251, 109.4155, "五星社区党群服务站", "莫书记", "13807721101")
	zsCommunity := d.org(domain.KindCommunity, "中山社区", &wuxing, 24.3290, 109.4120, "中山社区党群服务站", "黄主任", "13807721102")
	gyCommunity := d.org(domain.KindCommunity, "公园社区", &gongyuan, 24.3170, 109.4070, "公园社区党群服务站", "蓝书记", "13807721103")
	ysCommunity := d.org(domain.KindCommunity, "映山社区", &gongyuan, 24.3150, 109.4110, "映山社区党群服务站", "梁主任", "13807721104")
	school := d.org(domain.KindUnit, "柳州市第一中学", &wuxing, 24.3275, 109.4170, "五星街道文惠路", "陈老师", "13807721201")
	bank := d.org(domain.KindUnit, "柳州银行五星支行", &wuxing, 24.3260, 109.4140, "五星步行街", "李经理", "13807721202")
	hospital := d.org(domain.KindUnit, "城中区人民医院", &gongyuan, 24.3190, 109.4060, "公园路", "周医生", "13807721203")
	justice := d.org(domain.KindUnit, "城中区司法局", &gongyuan, 24.3175, 109.4095, "公园路", "刘科长", "13807721204")
	power := d.org(domain.KindUnit, "柳州供电局城中营业厅", &wuxing, 24.3245, 109.4180, "中山中路", "罗班长", "13807721205")

	d.user("coord-gongyuan", gongyuan)
	coord := d.user("coord-wuxing", wuxing)
	staff := d.user("staff-wuxing", wxCommunity)
	zsStaff := d.user("staff-zhongshan", zsCommunity)
	gyStaff := d.user("staff-gongyuan", gyCommunity)
	d.user("staff-yingshan", ysCommunity)
	schoolL := d.user("liaison-school", school)
	bankL := d.user("liaison-bank", bank)
	hospL := d.user("liaison-hospital", hospital)
	d.user("liaison-justice", justice)
	powerL := d.user("liaison-power", power)

	d.agreement(staff, wxCommunity, school, []domain.Principal{staff, schoolL}, "parking", "sports", "venue", "patrol", "volunteer")
	d.agreement(staff, wxCommunity, bank, []domain.Principal{staff, bankL}, "parking", "meeting_room", "legal", "training")
	d.agreement(gyStaff, gyCommunity, hospital, []domain.Principal{gyStaff, hospL}, "medical", "elderly_care", "volunteer")
	// Awaiting signatures: the power company has not signed yet; neither has the street.
	d.agreement(zsStaff, zsCommunity, power, []domain.Principal{zsStaff}, "training", "volunteer", "cleanup")
	d.agreement(coord, wuxing, bank, nil, "legal", "training")

	// Listings, published the next morning; their first occurrences are six days ago.
	d.at = day(-7, 10, 0)
	schoolLoc := domain.Location{Lat: 24.3275, Lng: 109.4170, Address: "柳州市第一中学"}
	bankLoc := domain.Location{Lat: 24.3260, Lng: 109.4140, Address: "柳州银行五星支行"}
	commLoc := domain.Location{Lat: 24.3251, Lng: 109.4155, Address: "五星社区"}
	zsLoc := domain.Location{Lat: 24.3290, Lng: 109.4120, Address: "中山社区"}
	hospLoc := domain.Location{Lat: 24.3190, Lng: 109.4060, Address: "城中区人民医院"}
	gyLoc := domain.Location{Lat: 24.3170, Lng: 109.4070, Address: "公园社区"}
	firstSat := first(day(-6, 0, 0), saturday)
	firstWeekday := first(day(-6, 0, 0), weekday)
	nextSat := first(day(1, 0, 0), saturday)
	nextWeekdayNight := first(night(1), weekday)

	schoolParking := d.listing(schoolL, domain.SideOffer, "parking", "夜间错时停车位（教职工停车场）", 40, schoolLoc, night(-6), twelve, "FREQ=DAILY;COUNT=120")
	schoolSports := d.listing(schoolL, domain.SideOffer, "sports", "周末开放田径场和篮球场", 3, schoolLoc, firstSat.Add(8*time.Hour), 10*time.Hour, "FREQ=WEEKLY;BYDAY=SA,SU;COUNT=40")
	bankRoom := d.listing(bankL, domain.SideOffer, "meeting_room", "营业部三楼会议室", 1, bankLoc, firstSat.Add(9*time.Hour), 8*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=20")
	bankParking := d.listing(bankL, domain.SideOffer, "parking", "夜间错时停车位（营业部地面车位）", 12, bankLoc, first(night(-6), weekday), twelve, weekdays+";COUNT=100")
	parkingNeed := d.listing(staff, domain.SideNeed, "parking", "老旧小区居民夜间停车", 30, commLoc, night(-6), twelve, "FREQ=DAILY;COUNT=120")
	venueNeed := d.listing(staff, domain.SideNeed, "venue", "暑期青少年活动场地", 1, commLoc, firstSat.Add(14*time.Hour), 6*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=8")
	patrol := d.listing(staff, domain.SideOffer, "patrol", "社区网格员夜间治安巡逻", 4, commLoc, day(-6, 20, 0), 3*time.Hour, "FREQ=DAILY;COUNT=90")
	schoolPatrol := d.listing(schoolL, domain.SideNeed, "patrol", "上下学时段校门口护学巡逻", 2, schoolLoc, firstWeekday.Add(7*time.Hour), time.Hour, weekdays+";COUNT=60")
	d.listing(hospL, domain.SideOffer, "medical", "周末社区义诊", 2, hospLoc, firstSat.Add(8*time.Hour), 4*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=12")
	d.listing(gyStaff, domain.SideNeed, "elderly_care", "空巢老人上门健康随访", 10, gyLoc, firstSat.Add(9*time.Hour), 3*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=12")
	d.listing(zsStaff, domain.SideNeed, "cleanup", "背街小巷环境整治志愿者", 20, zsLoc, firstSat.Add(8*time.Hour), 3*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=12")
	d.listing(powerL, domain.SideOffer, "training", "安全用电进社区讲座", 1, zsLoc, firstSat.Add(15*time.Hour), 2*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=8")

	// Six days ago: a night of parking and a school-day patrol, claimed, approved, used and rated.
	patrolDay := first(firstWeekday.AddDate(0, 0, 1), weekday).Add(7 * time.Hour)
	d.at = day(-6, 10, 0)
	parked := d.claim(staff, schoolParking, 10, night(-5), twelve, "", "周边老旧小区居民夜间停车")
	d.at = day(-6, 11, 0)
	guarded := d.claim(staff, schoolPatrol, 2, patrolDay, time.Hour, "", "社区网格员认领护学岗")
	d.at = day(-6, 12, 30)
	d.act(coord, parked, domain.ActionApprove, "同意，请做好车辆登记", 0)
	d.at = day(-6, 15, 0)
	d.act(coord, guarded, domain.ActionApprove, "", 0)
	d.at = day(-5, 14, 0)
	cancelled := d.claim(staff, schoolParking, 5, night(1), twelve, "FREQ=DAILY;COUNT=3", "为社区活动预留车位")
	d.at = day(-4, 8, 30)
	d.act(staff, parked, domain.ActionConfirm, "", 0)
	d.at = day(-4, 9, 0)
	d.act(schoolL, parked, domain.ActionConfirm, "", 0)
	d.at = day(-4, 9, 10)
	d.act(staff, parked, domain.ActionFeedback, "车位充足，居民满意", 5)
	d.at = day(-4, 9, 30)
	d.act(staff, cancelled, domain.ActionCancel, "活动改期，释放车位", 0)
	d.at = day(-4, 10, 0)
	rejected := d.claim(staff, bankRoom, 1, nextSat.Add(9*time.Hour), 8*time.Hour, "", "党员活动日借用会议室")
	d.at = day(-4, 15, 0)
	d.act(coord, rejected, domain.ActionReject, "该时段营业部有内部培训，建议改约下周", 0)
	d.at = patrolDay.Add(2 * time.Hour)
	d.act(staff, guarded, domain.ActionConfirm, "", 0)
	d.at = patrolDay.Add(3 * time.Hour)
	d.act(schoolL, guarded, domain.ActionConfirm, "", 0)
	d.at = patrolDay.Add(4 * time.Hour)
	d.act(staff, guarded, domain.ActionFeedback, "护学岗按时到位，建议增加一名志愿者", 4)
	// Never decided: it expires.
	d.at = later(d.now.Add(-d.hold-20*time.Hour), day(-7, 11, 0))
	d.claim(schoolL, venueNeed, 1, nextSat.Add(14*time.Hour), 6*time.Hour, "", "学校操场可供活动")
	d.at = day(-3, 9, 0)
	waiting := d.claim(staff, schoolParking, 4, night(-2), twelve, "", "社区志愿者夜间停车")
	d.at = day(-3, 11, 0)
	d.act(coord, waiting, domain.ActionApprove, "", 0)
	d.at = day(-3, 15, 0)
	weekly := d.claim(staff, bankParking, 8, nextWeekdayNight, twelve, weekdays+";COUNT=20", "居民夜间停车（工作日）")
	d.at = day(-3, 16, 30)
	d.act(coord, weekly, domain.ActionApprove, "同意，按工作日夜间开放", 0)
	d.at = day(-2, 10, 0)
	d.run(coord, wuxing, day(-2, 0, 0), 7)
	d.at = day(-1, 9, 0)
	d.act(schoolL, waiting, domain.ActionConfirm, "", 0) // the school confirmed; the community has not yet

	// Pending, oldest first: the first ones expire within the hour and within two.
	d.at = later(d.now.Add(-d.hold+40*time.Minute), day(-7, 12, 0))
	d.claim(staff, schoolParking, 6, night(1), twelve, "FREQ=DAILY;COUNT=7", "居民临时停车")
	d.at = later(d.now.Add(-d.hold+2*time.Hour), day(-7, 12, 30))
	d.claim(schoolL, venueNeed, 1, nextSat.AddDate(0, 0, 7).Add(14*time.Hour), 6*time.Hour, "", "学校体育馆可供使用")
	d.at = d.now.Add(-30 * time.Hour)
	d.claim(bankL, parkingNeed, 10, nextWeekdayNight, twelve, weekdays+";COUNT=10", "营业部车位夜间向居民开放")
	d.at = d.now.Add(-24 * time.Hour)
	d.claim(staff, bankRoom, 1, nextSat.AddDate(0, 0, 7).Add(9*time.Hour), 8*time.Hour, "", "党员活动日")
	d.at = d.now.Add(-5 * time.Hour)
	d.claim(staff, schoolSports, 1, nextSat.Add(8*time.Hour), 10*time.Hour, "", "社区篮球赛")
	d.at = d.now.Add(-time.Hour)
	d.claim(schoolL, patrol, 2, day(1, 20, 0), 3*time.Hour, "FREQ=DAILY;COUNT=5", "考试周夜间校园周边巡逻")

	// This morning's matching run; then the sweeper records the claim that expired.
	d.at = d.now
	d.run(coord, wuxing, midnight, 7)
	if d.err == nil {
		n, err := d.market.ExpireOverdue(d.ctx, 100)
		d.err = err
		d.statuses[domain.ClaimPending] -= n
		d.statuses[domain.ClaimExpired] += n
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
