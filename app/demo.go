package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/schedule"
)

// DemoPassword is the password of every demo user; the demo is for trying the API locally.
const DemoPassword = "gongjian-demo"

// LoadDemo loads a Liuzhou district (柳州市城中区) with streets, communities, units, users,
// signed co-building agreements, offers and needs — only into a database without users, so it
// never touches real data. It prints how to log in.
func (a *App) LoadDemo(ctx context.Context, w io.Writer) error {
	ctx = context.WithoutCancel(ctx)
	created, err := a.Directory.Bootstrap(ctx, "柳州市城中区", "admin", DemoPassword)
	if err != nil {
		return err
	}
	if !created {
		fmt.Fprintln(w, "demo: the database already has users; demo data not loaded")
		return nil
	}
	admin, err := a.adminPrincipal(ctx)
	if err != nil {
		return err
	}
	d := demo{a: a, ctx: ctx, admin: admin}
	d.load()
	if d.err != nil {
		return d.err
	}
	fmt.Fprintf(w, `demo data loaded: 柳州市城中区 with 2 streets, 4 communities, 5 units, agreements, offers and needs.
log in with POST /api/v1/auth/login {"username": "...", "password": %q} as:
  admin         district admin
  coord-wuxing  coordinator of 五星街道        coord-gongyuan  coordinator of 公园街道
  staff-wuxing  staff of 五星社区              liaison-school  liaison of 柳州市第一中学
  liaison-bank  liaison of 柳州银行五星支行
API docs: http://localhost%s/docs
`, DemoPassword, a.Config.Addr)
	return nil
}

func (a *App) adminPrincipal(ctx context.Context) (domain.Principal, error) {
	users, err := a.Directory.ListUsers(ctx, domain.Principal{Role: domain.RoleAdmin}, domain.UserFilter{Page: domain.Page{Limit: 1}})
	if err != nil || len(users) == 0 {
		return domain.Principal{}, fmt.Errorf("demo admin: %v", err)
	}
	u := users[0]
	org, err := a.Directory.GetOrg(ctx, domain.Principal{Role: domain.RoleAdmin}, u.OrgID)
	if err != nil {
		return domain.Principal{}, err
	}
	return domain.Principal{UserID: u.ID, Role: domain.RoleAdmin, OrgID: org.ID, OrgKind: org.Kind, DistrictID: org.ID}, nil
}

// demo builds the data set, keeping the first error.
type demo struct {
	a     *App
	ctx   context.Context
	admin domain.Principal
	err   error
}

func (d *demo) org(kind domain.OrgKind, name string, parent *domain.Org, lat, lng float64, address string) domain.Org {
	if d.err != nil {
		return domain.Org{}
	}
	in := domain.OrgInput{Kind: &kind, Name: &name, Location: &domain.Location{Lat: lat, Lng: lng, Address: address}}
	if parent != nil {
		in.ParentID = &parent.ID
	}
	o, err := d.a.Directory.CreateOrg(d.ctx, d.admin, in)
	d.err = err
	return o
}

func (d *demo) user(username, name string, role domain.Role, org domain.Org) domain.Principal {
	if d.err != nil {
		return domain.Principal{}
	}
	pw, phone := DemoPassword, "13800001111"
	u, err := d.a.Directory.CreateUser(d.ctx, d.admin, domain.UserInput{
		Username: &username, Password: &pw, DisplayName: &name, Phone: &phone, Role: &role, OrgID: &org.ID,
	})
	d.err = err
	return domain.Principal{UserID: u.ID, Role: role, OrgID: org.ID, OrgKind: org.Kind, StreetID: org.StreetID}
}

func (d *demo) listing(p domain.Principal, side domain.Side, category, title string, qty int64, loc domain.Location, start time.Time, hours int, rule string) {
	if d.err != nil {
		return
	}
	windows := []domain.WindowInput{{Start: start, End: start.Add(time.Duration(hours) * time.Hour), RRule: rule}}
	_, d.err = d.a.Market.CreateListing(d.ctx, p, side, domain.ListingInput{
		Category: &category, Title: &title, Quantity: &qty, Location: &loc, Windows: &windows,
	})
}

func (d *demo) agreement(creator domain.Principal, a, b domain.Org, signers []domain.Principal, categories ...string) {
	if d.err != nil {
		return
	}
	today := time.Now().In(schedule.DefaultLocation())
	ag, err := d.a.Market.CreateAgreement(d.ctx, creator, domain.AgreementInput{
		PartyAOrgID: a.ID, PartyBOrgID: b.ID, Title: a.Name + "—" + b.Name + " 共建协议", Categories: categories,
		StartsOn: today.Format(domain.DateLayout), EndsOn: today.AddDate(1, 0, 0).Format(domain.DateLayout),
		Terms: "双方在街道统筹协调下开展资源共享、双向认领。",
	})
	if err != nil {
		d.err = err
		return
	}
	for _, s := range signers {
		if _, err := d.a.Market.SignAgreement(d.ctx, s, ag.ID); err != nil {
			d.err = err
			return
		}
	}
}

func (d *demo) load() {
	district := domain.Org{ID: d.admin.OrgID, Kind: domain.KindDistrict}
	wuxing := d.org(domain.KindStreet, "五星街道", &district, 24.3268, 109.4132, "柳州市城中区五星街道办事处")
	gongyuan := d.org(domain.KindStreet, "公园街道", &district, 24.3182, 109.4085, "柳州市城中区公园街道办事处")
	wxCommunity := d.org(domain.KindCommunity, "五星社区", &wuxing, 24.3251, 109.4155, "五星社区党群服务站")
	d.org(domain.KindCommunity, "中山社区", &wuxing, 24.3290, 109.4120, "中山社区党群服务站")
	gyCommunity := d.org(domain.KindCommunity, "公园社区", &gongyuan, 24.3170, 109.4070, "公园社区党群服务站")
	d.org(domain.KindCommunity, "映山社区", &gongyuan, 24.3150, 109.4110, "映山社区党群服务站")
	school := d.org(domain.KindUnit, "柳州市第一中学", &wuxing, 24.3275, 109.4170, "五星街道文惠路")
	bank := d.org(domain.KindUnit, "柳州银行五星支行", &wuxing, 24.3260, 109.4140, "五星步行街")
	hospital := d.org(domain.KindUnit, "城中区人民医院", &gongyuan, 24.3190, 109.4060, "公园路")
	d.org(domain.KindUnit, "城中区司法局", &gongyuan, 24.3175, 109.4095, "公园路")
	d.org(domain.KindUnit, "柳州供电局城中营业厅", &wuxing, 24.3245, 109.4180, "中山中路")

	d.user("coord-wuxing", "五星街道党建办", domain.RoleCoordinator, wuxing)
	d.user("coord-gongyuan", "公园街道党建办", domain.RoleCoordinator, gongyuan)
	staff := d.user("staff-wuxing", "五星社区书记", domain.RoleCommunityStaff, wxCommunity)
	gyStaff := d.user("staff-gongyuan", "公园社区书记", domain.RoleCommunityStaff, gyCommunity)
	schoolL := d.user("liaison-school", "一中联络员", domain.RoleLiaison, school)
	bankL := d.user("liaison-bank", "银行联络员", domain.RoleLiaison, bank)
	hospL := d.user("liaison-hospital", "医院联络员", domain.RoleLiaison, hospital)

	d.agreement(staff, wxCommunity, school, []domain.Principal{staff, schoolL}, "parking", "sports", "venue", "patrol", "volunteer")
	d.agreement(staff, wxCommunity, bank, []domain.Principal{staff, bankL}, "parking", "meeting_room", "legal", "training")
	d.agreement(gyStaff, gyCommunity, hospital, []domain.Principal{gyStaff, hospL}, "medical", "elderly_care", "volunteer")

	loc := schedule.DefaultLocation()
	y, m, day := time.Now().In(loc).Date()
	evening := time.Date(y, m, day+1, 19, 0, 0, 0, loc)
	saturday := time.Date(y, m, day+1, 8, 0, 0, 0, loc)
	for saturday.Weekday() != time.Saturday {
		saturday = saturday.AddDate(0, 0, 1)
	}
	schoolLoc := domain.Location{Lat: 24.3275, Lng: 109.4170, Address: "柳州市第一中学"}
	bankLoc := domain.Location{Lat: 24.3260, Lng: 109.4140, Address: "柳州银行五星支行"}
	commLoc := domain.Location{Lat: 24.3251, Lng: 109.4155, Address: "五星社区"}
	hospLoc := domain.Location{Lat: 24.3190, Lng: 109.4060, Address: "城中区人民医院"}
	gyLoc := domain.Location{Lat: 24.3170, Lng: 109.4070, Address: "公园社区"}

	d.listing(schoolL, domain.SideOffer, "parking", "夜间错时停车位（教职工停车场）", 40, schoolLoc, evening, 12, "FREQ=DAILY;COUNT=180")
	d.listing(schoolL, domain.SideOffer, "sports", "周末开放田径场和篮球场", 3, schoolLoc, saturday, 10, "FREQ=WEEKLY;BYDAY=SA,SU;COUNT=40")
	d.listing(bankL, domain.SideOffer, "meeting_room", "营业部三楼会议室", 1, bankLoc, saturday, 8, "FREQ=WEEKLY;BYDAY=SA;COUNT=20")
	d.listing(bankL, domain.SideOffer, "parking", "夜间错时停车位（营业部地面车位）", 12, bankLoc, evening, 11, "FREQ=DAILY;COUNT=120")
	d.listing(staff, domain.SideNeed, "parking", "老旧小区居民夜间停车", 30, commLoc, evening, 12, "FREQ=DAILY;COUNT=180")
	d.listing(staff, domain.SideNeed, "venue", "暑期青少年活动场地", 1, commLoc, saturday, 6, "FREQ=WEEKLY;BYDAY=SA;COUNT=8")
	d.listing(staff, domain.SideOffer, "patrol", "社区网格员夜间治安巡逻", 4, commLoc, evening, 3, "FREQ=DAILY;COUNT=90")
	d.listing(schoolL, domain.SideNeed, "patrol", "上下学时段校门口护学巡逻", 2, schoolLoc, evening.Add(-12*time.Hour+30*time.Minute), 1, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=60")
	d.listing(hospL, domain.SideOffer, "medical", "周末社区义诊", 2, hospLoc, saturday, 4, "FREQ=WEEKLY;BYDAY=SA;COUNT=12")
	d.listing(gyStaff, domain.SideNeed, "elderly_care", "空巢老人上门健康随访", 10, gyLoc, saturday, 4, "FREQ=WEEKLY;BYDAY=SA;COUNT=12")
}
