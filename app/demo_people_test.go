package app_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestDemoPeople: the demo's people part is there and works through the API: people registered,
// hours served and reported to the employer, a pass a guard can check, a mini-program that can
// act for a member.
func TestDemoPeople(t *testing.T) {
	t.Parallel()
	for _, engine := range repotest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := apitest.Start(t, engine, func(c *app.Config) { c.BootstrapAdmin = "" })
			var out bytes.Buffer
			if err := s.App.LoadDemo(context.Background(), &out); err != nil {
				t.Fatal(err)
			}
			if err := s.App.LoadDemoPeople(context.Background(), &out); err != nil {
				t.Fatal(err)
			}
			// A second start loads nothing more.
			var again bytes.Buffer
			if err := s.App.LoadDemoPeople(context.Background(), &again); err != nil || again.Len() != 0 {
				t.Fatalf("second start: %v %q", err, again.String())
			}
			text := out.String()
			code := regexp.MustCompile(`check code ([0-9A-Z]{8})`).FindStringSubmatch(text)
			creds := regexp.MustCompile(`client_id (gj_[0-9a-f]+), client_secret (gjs_[A-Za-z0-9_-]+)`).FindStringSubmatch(text)
			if code == nil || creds == nil {
				t.Fatalf("demo output lacks the people part:\n%s", text)
			}
			staff := s.Login("staff-wuxing", app.DemoPassword)
			items := staff.Do("GET", "/api/v1/people?limit=100", nil).Expect(http.StatusOK)["items"].([]any)
			if len(items) != 5 {
				t.Fatalf("people: %d", len(items))
			}
			if p := staff.Do("GET", "/api/v1/people?status=pending", nil).Expect(http.StatusOK)["items"].([]any); len(p) != 1 {
				t.Fatalf("pending: %v", p)
			}
			school := s.Login("liaison-school", app.DemoPassword)
			me := school.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
			ms := school.Do("GET", "/api/v1/orgs/"+me["org_id"].(string)+"/member-service", nil).Expect(http.StatusOK)["items"].([]any)
			hours := 0.0
			for _, m := range ms {
				hours += m.(map[string]any)["hours"].(float64)
			}
			if len(ms) != 2 || hours != 15 {
				t.Fatalf("the school's members served %v h: %v", hours, ms)
			}
			if v := school.Do("GET", "/api/v1/passes/verify?code="+code[1], nil).Expect(http.StatusOK); v["person_name"] != "赵国庆" || v["status"] != "active" {
				t.Fatalf("pass: %v", v)
			}
			member := s.AsPerson(creds[1], creds[2], "demo-openid-liming")
			claims := member.Do("GET", "/api/v1/claims", nil).Expect(http.StatusOK)["items"].([]any)
			if len(claims) != 2 {
				t.Fatalf("李明's claims: %v", claims)
			}
			coord := s.Login("coord-wuxing", app.DemoPassword)
			st := coord.Do("GET", "/api/v1/stats/summary", nil).Expect(http.StatusOK)
			if st["people_registered"].(float64) != 5 || st["people_verified"].(float64) != 4 || st["volunteer_hours"].(float64) <= 0 {
				t.Fatalf("stats: %v %v %v", st["people_registered"], st["people_verified"], st["volunteer_hours"])
			}
		})
	}
}
