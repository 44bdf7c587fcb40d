package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/repository/repotest"
)

// eachEngine runs fn on a fresh server per engine, one after the other: browsers are heavy
// on a small machine.
func eachEngine(t *testing.T, tweak func(*app.Config), fn func(t *testing.T, s *apitest.Server)) {
	t.Helper()
	chromiumPath(t)
	for _, engine := range repotest.Engines() {
		t.Run(engine, func(t *testing.T) { fn(t, apitest.Start(t, engine, tweak)) })
	}
}

// market is a world with an agreement on parking between the community and the unit and the
// unit's nightly parking offer.
type market struct {
	*apitest.World
	offer map[string]any
}

func newMarket(s *apitest.Server) market {
	w := s.NewWorld()
	s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
	start, end := apitest.Night(1)
	offer := w.Liaison.Listing("offers", "parking", 1000, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=60")},
		map[string]any{"title": "夜间错时停车"})
	return market{World: w, offer: offer}
}

// weekdayNight is the first night from 19:00 on a weekday at least days from today.
func weekdayNight(days int) (time.Time, time.Time) {
	for {
		start, end := apitest.Night(days)
		if wd := start.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return start, end
		}
		days++
	}
}

func status(t *testing.T, c *apitest.Client, id string) map[string]any {
	t.Helper()
	return c.Do("GET", "/api/v1/claims/"+id, nil).Expect(http.StatusOK)
}

func TestLogin(t *testing.T) {
	eachEngine(t, nil, func(t *testing.T, s *apitest.Server) {
		s.NewWorld()
		b := newTab(t, s.URL)
		b.open("")
		b.find("button", "登录", 0)
		b.axe("log-in")

		// A wrong password shows the problem's detail, in Chinese.
		want := s.Anon().With("Accept-Language", "zh-CN").Do("POST", "/api/v1/auth/login",
			map[string]string{"username": "coord", "password": "not-the-password"}).Map()["detail"].(string)
		b.typeIn("用户名", "coord")
		b.typeIn("密码", "not-the-password")
		b.click("button", "登录")
		b.waitText(want)
		if b.has("button", "退出") {
			t.Fatal("logged in with a wrong password")
		}

		b.fill("密码", apitest.Password)
		b.click("button", "登录")
		b.find("button", "退出", 0)
		banner := eval[string](b, `document.querySelector("header").innerText`)
		if !strings.Contains(banner, "coord") || !strings.Contains(banner, "街道协调员") {
			t.Fatalf("banner %q lacks the display name and role", banner)
		}
		for _, name := range []string{"待审批", "认领", "资源清单", "需求清单", "共建协议", "匹配", "统计"} {
			b.find("link", name, 0)
		}
		if b.has("link", "组织与用户") || b.has("link", "应用") {
			t.Fatal("a coordinator sees the admins' pages")
		}
		b.settle()
		b.axe("inbox (empty)")

		// Log out, then in as a liaison officer: no inbox, no matching.
		b.click("button", "退出")
		b.find("button", "登录", 0)
		b.typeIn("用户名", "liaison")
		b.typeIn("密码", apitest.Password)
		b.click("button", "登录")
		b.find("link", "认领", 0)
		if !strings.Contains(eval[string](b, `document.querySelector("header").innerText`), "单位联络员") {
			t.Fatal("banner lacks 单位联络员")
		}
		if b.has("link", "待审批") || b.has("link", "匹配") {
			t.Fatal("a liaison officer sees 待审批 or 匹配")
		}
	})
}

func TestExpiredSessionReturnsToLogin(t *testing.T) {
	eachEngine(t, nil, func(t *testing.T, s *apitest.Server) {
		s.NewWorld()
		b := newTab(t, s.URL)
		b.login("coord", apitest.Password)
		// The session is revoked elsewhere (the refresh token is spent), then the tab is reloaded
		// with a forged access token: the refresh fails and the console returns to log-in.
		eval[chromedp.Void](b, `(() => { const k = "gongjian.session"; const s = JSON.parse(sessionStorage.getItem(k));
			s.access = "expired"; s.refresh = "spent"; sessionStorage.setItem(k, JSON.stringify(s)); })()`)
		b.do(chromedp.Reload())
		b.find("button", "登录", 0)
		b.waitText("登录已过期")
	})
}

func TestInboxApproveRejectAndBulk(t *testing.T) {
	eachEngine(t, nil, func(t *testing.T, s *apitest.Server) {
		m := newMarket(s)
		id := m.offer["id"].(string)
		ws, we := weekdayNight(1)
		c1 := m.Staff.Claim(id, 2, apitest.Window(ws, we, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=5")).Expect(http.StatusCreated)["id"].(string)
		s2, e2 := apitest.Night(2)
		c2 := m.Staff.Claim(id, 1, apitest.Window(s2, e2, "")).Expect(http.StatusCreated)["id"].(string)
		s3, e3 := apitest.Night(3)
		c3 := m.Staff.Claim(id, 1, apitest.Window(s3, e3, "")).Expect(http.StatusCreated)["id"].(string)

		b := newTab(t, s.URL)
		b.login("coord", apitest.Password)
		b.waitJS("three pending rows", `document.querySelectorAll("tr[data-claim]").length === 3`)
		order := eval[[]string](b, `[...document.querySelectorAll("tr[data-claim]")].map(r => r.dataset.claim)`)
		if strings.Join(order, ",") != strings.Join([]string{c1, c2, c3}, ",") {
			t.Fatalf("rows %v, want oldest first %v", order, []string{c1, c2, c3})
		}
		b.waitText("每周一至周五 19:00–07:00")
		b.waitText("夜间错时停车")
		b.waitText("2天23小时")
		b.axe("inbox")

		b.click("button", "批准", 0)
		b.waitJS("the approved row to leave", `document.querySelectorAll("tr[data-claim]").length === 2`)
		if st := status(t, m.Coordinator, c1)["status"]; st != "approved" {
			t.Fatalf("claim 1 is %v after 批准", st)
		}

		b.click("button", "驳回", 0)
		b.dialog()
		b.typeIn("理由", "与社区活动时间冲突")
		b.axe("reject dialog")
		b.click("button", "确认")
		b.waitJS("the rejected row to leave", `document.querySelectorAll("tr[data-claim]").length === 1`)
		got := status(t, m.Coordinator, c2)
		if got["status"] != "rejected" {
			t.Fatalf("claim 2 is %v after 驳回", got["status"])
		}
		hist := got["history"].([]any)
		if note := hist[len(hist)-1].(map[string]any)["note"]; note != "与社区活动时间冲突" {
			t.Fatalf("rejection note %v", note)
		}

		b.click("checkbox", "选择：夜间错时停车（五星社区）")
		b.click("button", "批量批准")
		b.waitText("没有待审批的认领")
		if st := status(t, m.Coordinator, c3)["status"]; st != "approved" {
			t.Fatalf("claim 3 is %v after 批量批准", st)
		}
	})
}

func TestMatchingRunAndAccept(t *testing.T) {
	eachEngine(t, nil, func(t *testing.T, s *apitest.Server) {
		m := newMarket(s)
		start, end := apitest.Night(1)
		need := m.Staff.Listing("needs", "parking", 4, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=5")},
			map[string]any{"title": "居民夜间停车"})

		b := newTab(t, s.URL)
		b.login("coord", apitest.Password)
		b.click("link", "匹配")
		b.settle()
		today := time.Now().In(apitest.Shanghai)
		b.fill("开始日期", today.Format("2006-01-02"))
		b.fill("结束日期", today.AddDate(0, 0, 8).Format("2006-01-02"))
		b.click("checkbox", "错时停车")
		b.click("button", "运行匹配")
		b.find("button", "接受", 0)
		b.waitText("居民夜间停车")
		b.waitText("距离")
		b.axe("matching")
		b.click("button", "接受", 0)
		b.waitText("已接受")
		claims := m.Coordinator.Do("GET", "/api/v1/claims?listing_id="+m.offer["id"].(string), nil).Expect(http.StatusOK)["items"].([]any)
		if len(claims) != 1 {
			t.Fatalf("%d claims on the offer after 接受, want 1", len(claims))
		}
		c := claims[0].(map[string]any)
		if c["status"] != "approved" || c["claimant_org_id"] != need["org_id"] || c["quantity"].(float64) != 4 {
			t.Fatalf("accepted proposal made %v", c)
		}
		// The run is listed among the earlier ones.
		b.waitJS("the run in the list", `document.querySelectorAll(".runs li").length >= 1`)
	})
}

func TestPublishWeeklyOffer(t *testing.T) {
	eachEngine(t, nil, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		b := newTab(t, s.URL)
		b.login("liaison", apitest.Password)
		b.click("link", "资源清单")
		b.settle()
		b.find("button", "发布", 0)
		b.axe("offers")

		day := time.Now().In(apitest.Shanghai).AddDate(0, 0, 3)
		b.fill("类别", "parking")
		b.fill("标题", "工作日夜间停车位")
		b.fill("开始", day.Format("2006-01-02")+"T19:00")
		b.fill("结束", day.AddDate(0, 0, 1).Format("2006-01-02")+"T07:00")
		b.fill("重复", "weekly")
		for _, d := range []string{"周一", "周二", "周三", "周四", "周五", "周六", "周日"} {
			want := d != "周六" && d != "周日"
			sel := b.find("checkbox", d, 0)
			if eval[bool](b, fmt.Sprintf(`document.querySelector(%q).checked`, sel)) != want {
				b.click("checkbox", d)
			}
		}
		b.waitText("每周一至周五 19:00–07:00")
		b.fill("截止日期", day.AddDate(0, 2, 0).Format("2006-01-02"))
		b.fill("可见范围", "street")
		b.fill("地址", "市一中东门停车场")

		// A refused field shows the server's message beside it.
		b.fill("数量", "0")
		b.click("button", "发布")
		b.waitJS("the quantity's error", fmt.Sprintf(`(() => { const el = document.querySelector(%q);
			const d = el.getAttribute("aria-describedby"); return el.getAttribute("aria-invalid") === "true" && !!d && document.getElementById(d.split(" ")[0]).innerText.length > 0; })()`, b.find("", "数量", 0)))
		b.axe("offer form with an error")

		b.fill("数量", "5")
		b.click("button", "发布")
		b.waitText("已发布“工作日夜间停车位”")

		items := w.Liaison.Do("GET", "/api/v1/offers?org_id="+w.UnitID, nil).Expect(http.StatusOK)["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("%d offers, want 1", len(items))
		}
		o := items[0].(map[string]any)
		win := o["windows"].([]any)[0].(map[string]any)
		start, err := time.Parse(time.RFC3339, win["start"].(string))
		if err != nil {
			t.Fatal(err)
		}
		start = start.In(apitest.Shanghai)
		loc := o["location"].(map[string]any)
		switch {
		case o["title"] != "工作日夜间停车位" || o["category"] != "parking" || o["quantity"].(float64) != 5:
			t.Fatalf("offer %v", o)
		case start.Hour() != 19 || start.Format("2006-01-02") != day.Format("2006-01-02"):
			t.Fatalf("start %v, want 19:00 Shanghai on %s", start, day.Format("2006-01-02"))
		case !strings.HasPrefix(win["rrule"].(string), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"):
			t.Fatalf("rrule %v", win["rrule"])
		case o["visibility"] != "street" || o["valid_until"] == nil:
			t.Fatalf("visibility %v, valid_until %v", o["visibility"], o["valid_until"])
		case loc["address"] != "市一中东门停车场" || loc["lat"].(float64) != 24.3264 || loc["lng"].(float64) != 109.4281:
			t.Fatalf("location %v, want the org's with the address typed", loc)
		}
		// Its page shows availability per occurrence.
		b.click("link", "工作日夜间停车位")
		b.waitText("各时段余量")
		b.waitJS("occurrences", `document.querySelectorAll("section[aria-labelledby=av-h] tbody tr").length > 0`)
		b.axe("offer page")
	})
}

func TestEnglish(t *testing.T) {
	eachEngine(t, nil, func(t *testing.T, s *apitest.Server) {
		s.NewWorld()
		b := newTab(t, s.URL)
		b.login("coord", apitest.Password)
		b.click("button", "English")
		for _, name := range []string{"Pending", "Claims", "Offers", "Needs", "Agreements", "Matching", "Statistics"} {
			b.find("link", name, 0)
		}
		b.find("button", "中文", 0)
		b.find("button", "Log out", 0)
		if lang := eval[string](b, `document.documentElement.lang`); lang != "en" {
			t.Fatalf("html lang %q", lang)
		}
		if !strings.Contains(eval[string](b, `document.querySelector("header").innerText`), "Street coordinator") {
			t.Fatal("banner role not in English")
		}
		b.settle()
		b.axe("inbox in English")
		// The choice survives a reload; 中文 switches back.
		b.do(chromedp.Reload())
		b.find("link", "Statistics", 0)
		b.click("button", "中文")
		b.find("link", "统计", 0)
	})
}

func TestStatsChartsAndCSV(t *testing.T) {
	eachEngine(t, nil, func(t *testing.T, s *apitest.Server) {
		m := newMarket(s)
		start, end := apitest.Night(1)
		c := m.Staff.Claim(m.offer["id"].(string), 3, apitest.Window(start, end, "")).Expect(http.StatusCreated)["id"].(string)
		m.Coordinator.Do("POST", "/api/v1/claims/"+c+"/approve", map[string]any{}).Expect(http.StatusOK)

		b := newTab(t, s.URL)
		b.login("coord", apitest.Password)
		b.click("link", "统计")
		b.settle()
		b.waitJS("bars in both charts", `[...document.querySelectorAll("svg.chart")].filter(svg => [...svg.querySelectorAll("rect")].some(r => r.getBBox().width > 0)).length === 2`)
		b.axe("statistics")

		if _, err := chromedp.CallBrowser(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: b.downloads,
		}); err != nil {
			t.Fatal(err)
		}
		b.click("button", "导出 CSV")
		var file string
		for deadline := time.Now().Add(15 * time.Second); file == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			found, _ := filepath.Glob(filepath.Join(b.downloads, "*.csv"))
			if len(found) > 0 {
				file = found[0]
			}
		}
		if file == "" {
			t.Fatal("no .csv downloaded")
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if !strings.HasPrefix(lines[0], "category,offers,needs,claims") || !strings.HasPrefix(lines[1], "parking,1,0,1,1,") || !strings.HasPrefix(lines[len(lines)-1], "TOTAL,") {
			t.Fatalf("downloaded CSV:\n%s", data)
		}
	})
}

// TestDemoAsCoordinator opens the console on the demo data as the demo coordinator.
func TestDemoAsCoordinator(t *testing.T) {
	noAdmin := func(c *app.Config) { c.BootstrapAdmin = "" }
	eachEngine(t, noAdmin, func(t *testing.T, s *apitest.Server) {
		if err := s.App.LoadDemo(context.Background(), io.Discard); err != nil {
			t.Fatal(err)
		}
		b := newTab(t, s.URL)
		b.login("coord-wuxing", app.DemoPassword)
		b.waitJS("pending claims", `document.querySelectorAll("tr[data-claim]").length >= 5`)
		b.waitText("柳州市第一中学")
		b.click("link", "匹配")
		b.waitJS("earlier runs", `document.querySelectorAll(".runs li").length >= 1`)
		b.click("link", "统计")
		b.waitJS("non-empty charts", `[...document.querySelectorAll("svg.chart")].filter(svg => [...svg.querySelectorAll("rect")].some(r => r.getBBox().width > 0)).length === 2`)
		b.click("link", "共建协议")
		b.find("button", "签署", 0)
	})
}
