package web_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"sort"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
)

var noAdmin = func(c *app.Config) { c.BootstrapAdmin = "" }

func demoServer(t *testing.T, s *apitest.Server) {
	t.Helper()
	if err := s.App.LoadDemo(context.Background(), io.Discard); err != nil {
		t.Fatal(err)
	}
}

// TestClaimsPageActions: community staff confirm fulfilment, give feedback, cancel and read a
// claim's history on the demo data.
func TestClaimsPageActions(t *testing.T) {
	eachEngine(t, noAdmin, func(t *testing.T, s *apitest.Server) {
		demoServer(t, s)
		staff := s.Login("staff-wuxing", app.DemoPassword)
		b := newTab(t, s.URL)
		b.login("staff-wuxing", app.DemoPassword)
		if b.has("link", "待审批") || b.has("link", "匹配") {
			t.Fatal("community staff see 待审批 or 匹配")
		}
		b.click("link", "认领")
		b.settle()
		b.axe("claims")
		b.fill("按状态筛选", "approved")
		b.waitJS("only approved claims", `[...document.querySelectorAll("main tbody .badge")].every(e => e.textContent === "已批准")`)
		// Confirm every approved claim: the one the school confirmed already becomes fulfilled.
		for n := len(b.lookup("button", "确认完成")); n > 0; n-- {
			b.click("button", "确认完成")
			b.dialog()
			b.click("button", "确认完成")
			b.waitJS("the dialog to close", `!document.querySelector("dialog")`)
			b.waitCount("button", "确认完成", n-1)
		}
		b.waitText("已确认完成。")
		b.click("button", "评价")
		b.dialog()
		b.fill("评分", "4")
		b.typeIn("评语", "车位安排有序")
		b.axe("feedback dialog")
		b.click("button", "提交")
		b.waitText("评价已提交。")
		rated := 0
		for _, c := range staff.Do("GET", "/api/v1/claims?status=fulfilled&limit=100", nil).Expect(http.StatusOK)["items"].([]any) {
			if c.(map[string]any)["feedback_comment"] == "车位安排有序" {
				rated++
			}
		}
		if rated != 1 {
			t.Fatalf("%d claims carry the feedback given", rated)
		}

		b.fill("按状态筛选", "pending")
		b.waitJS("only pending claims", `[...document.querySelectorAll("main tbody .badge")].every(e => e.textContent === "待审批")`)
		before := len(staff.Do("GET", "/api/v1/claims?status=cancelled&limit=100", nil).Expect(http.StatusOK)["items"].([]any))
		b.click("button", "取消")
		b.dialog()
		b.typeIn("取消原因（可选）", "活动取消")
		b.click("button", "取消")
		b.waitText("认领已取消。")
		if after := len(staff.Do("GET", "/api/v1/claims?status=cancelled&limit=100", nil).Expect(http.StatusOK)["items"].([]any)); after != before+1 {
			t.Fatalf("%d cancelled claims after 取消, want %d", after, before+1)
		}
		b.click("button", "历史")
		b.waitText("处理记录")
		b.waitText("活动取消")
	})
}

// TestCoordinatorSignsAgreement: the demo street has an agreement awaiting its signature.
func TestCoordinatorSignsAgreement(t *testing.T) {
	eachEngine(t, noAdmin, func(t *testing.T, s *apitest.Server) {
		demoServer(t, s)
		b := newTab(t, s.URL)
		b.login("coord-wuxing", app.DemoPassword)
		b.click("link", "共建协议")
		b.settle()
		b.axe("agreements")
		b.click("button", "签署")
		b.dialog()
		b.click("button", "签署")
		b.waitText("已签署")
		coord := s.Login("coord-wuxing", app.DemoPassword)
		me := coord.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		signed := false
		for _, a := range coord.Do("GET", "/api/v1/agreements?org_id="+me["org_id"].(string), nil).Expect(http.StatusOK)["items"].([]any) {
			for _, sig := range a.(map[string]any)["signatures"].([]any) {
				signed = signed || sig.(map[string]any)["org_id"] == me["org_id"]
			}
		}
		if !signed {
			t.Fatal("no signature of the street after 签署")
		}
	})
}

// TestEveryPage opens every page each role may use, in both languages, runs axe-core on it (no
// serious or critical violation) and, at 390 px, checks that nothing but tables scrolls
// sideways. With GONGJIAN_CONSOLE_SCREENSHOTS=dir it saves a screenshot of each.
func TestEveryPage(t *testing.T) {
	eachEngine(t, noAdmin, func(t *testing.T, s *apitest.Server) {
		demoServer(t, s)
		coord := s.Login("coord-wuxing", app.DemoPassword)
		offer := coord.Do("GET", "/api/v1/offers?limit=1", nil).Expect(http.StatusOK)["items"].([]any)[0].(map[string]any)["id"].(string)
		need := coord.Do("GET", "/api/v1/needs?limit=1", nil).Expect(http.StatusOK)["items"].([]any)[0].(map[string]any)["id"].(string)
		shots := os.Getenv("GONGJIAN_CONSOLE_SCREENSHOTS") != ""
		visits := []struct {
			user  string
			pages []string
		}{
			{"admin", []string{"inbox", "claims", "offers", "needs", "agreements", "matching", "stats", "orgs", "apps"}},
			{"coord-wuxing", []string{"inbox", "offers/" + offer, "needs/" + need}},
			{"staff-wuxing", []string{"needs/" + need}},
			{"liaison-school", []string{"claims", "stats"}},
		}
		for _, v := range visits {
			b := newTab(t, s.URL)
			b.login(v.user, app.DemoPassword)
			for _, lang := range []string{"zh", "en"} {
				if lang == "en" {
					b.click("button", "English")
				}
				for _, p := range v.pages {
					b.open(p)
					b.settle()
					if p == "matching" {
						b.click("button", map[string]string{"zh": "运行匹配", "en": "Run matching"}[lang])
						b.waitJS("the proposals", `!!document.querySelector("#run-h")`)
					}
					b.axe(v.user + " " + p + " " + lang)
					if shots {
						b.screenshot(v.user + "-" + lang + "-" + p)
					}
				}
			}
			b.click("button", "中文")
			// A phone: 390 px wide.
			b.do(chromedp.EmulateViewport(390, 844))
			for _, p := range v.pages[:1] {
				b.open(p)
				b.settle()
				wide := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth + 1`)
				if wide {
					t.Errorf("%s at 390 px scrolls sideways", p)
				}
				b.axe(v.user + " " + p + " at 390 px")
				if shots {
					b.screenshot(v.user + "-390-" + p)
				}
			}
		}
	})
}

// TestInboxTimeToInteractive reports (does not assert) how long the inbox takes, from navigation
// to 200 rows with working buttons, with 200 pending claims.
func TestInboxTimeToInteractive(t *testing.T) {
	eachEngine(t, nil, func(t *testing.T, s *apitest.Server) {
		m := newMarket(s)
		id := m.offer["id"].(string)
		for i := 0; i < 200; i++ {
			start, end := apitest.Night(1 + i%50)
			m.Staff.Claim(id, 1, apitest.Window(start, end, "")).Expect(http.StatusCreated)
		}
		b := newTab(t, s.URL)
		b.login("coord", apitest.Password)
		b.waitJS("200 rows", `document.querySelectorAll("tr[data-claim]").length === 200`)
		var runs []float64
		for i := 0; i < 3; i++ {
			b.do(chromedp.Navigate(b.base + "/console/inbox"))
			ms := eval[float64](b, `new Promise(done => { const tick = () => {
				const rows = document.querySelectorAll("tr[data-claim]");
				const button = rows.length && rows[rows.length - 1].querySelector("button");
				if (rows.length === 200 && button && !button.disabled) done(performance.now()); else requestAnimationFrame(tick);
			}; tick(); })`, chromedp.EvalAwaitPromise)
			runs = append(runs, ms)
		}
		sort.Float64s(runs)
		t.Logf("time to interactive of the inbox with 200 pending claims on %s: median %.0f ms (runs %.0f ms)", s.Engine, runs[1], runs)
	})
}
