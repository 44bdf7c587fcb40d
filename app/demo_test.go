package app_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestDemo loads the demo into an empty database on each engine and checks the week it
// promises, then that a restart says the same instead of only "not loaded".
func TestDemo(t *testing.T) {
	apitestEach(t, func(t *testing.T, s *apitest.Server) {
		var out bytes.Buffer
		if err := s.App.LoadDemo(context.Background(), &out); err != nil {
			t.Fatal(err)
		}
		first := out.String()
		for _, want := range []string{"demo data loaded", "console: http://localhost:8080/console/", "API docs: http://localhost:8080/docs", `password "gongjian-demo"`} {
			if !strings.Contains(first, want) {
				t.Errorf("output lacks %q:\n%s", want, first)
			}
		}
		users := s.Login("admin", app.DemoPassword).Do("GET", "/api/v1/users?limit=100", nil).Expect(http.StatusOK)["items"].([]any)
		if len(users) < 12 {
			t.Fatalf("%d users", len(users))
		}
		for _, u := range users {
			name := u.(map[string]any)["username"].(string)
			if !strings.Contains(first, "  "+name+" ") {
				t.Errorf("the log-ins printed lack %s", name)
			}
			// Every printed log-in works.
			s.Login(name, app.DemoPassword)
		}

		coord := s.Login("coord-wuxing", app.DemoPassword)
		claims := coord.Do("GET", "/api/v1/claims?limit=100", nil).Expect(http.StatusOK)["items"].([]any)
		byStatus := map[string]int{}
		soon := 0
		for _, c := range claims {
			c := c.(map[string]any)
			byStatus[c["status"].(string)]++
			if c["status"] == "pending" {
				exp, _ := time.Parse(time.RFC3339Nano, c["expires_at"].(string))
				if time.Until(exp) < 3*time.Hour {
					soon++
				}
			}
			if c["listing_title"] == "" || c["claimant_org_name"] == "" {
				t.Errorf("claim without names: %v", c)
			}
		}
		for _, st := range []string{"pending", "approved", "rejected", "cancelled", "expired", "fulfilled"} {
			if byStatus[st] == 0 {
				t.Errorf("no %s claim in the demo: %v", st, byStatus)
			}
		}
		if soon < 1 {
			t.Errorf("no pending claim about to expire")
		}
		me := coord.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		org := coord.Do("GET", "/api/v1/orgs/"+me["org_id"].(string), nil).Expect(http.StatusOK)
		if org["contact_name"] == "" || org["contact_phone"] == "" {
			t.Errorf("the street has no contact: %v", org)
		}
		runs := coord.Do("GET", "/api/v1/matching/runs?street_id="+org["id"].(string), nil).Expect(http.StatusOK)["items"].([]any)
		if len(runs) < 2 {
			t.Errorf("%d matching runs", len(runs))
		}
		stats := coord.Do("GET", "/api/v1/stats/summary", nil).Expect(http.StatusOK)
		if tot := stats["totals"].(map[string]any); tot["claims"].(float64) == 0 || tot["fulfilled"].(float64) == 0 || stats["average_rating"] == nil {
			t.Errorf("statistics without numbers: %v", stats)
		}
		pending := coord.Do("GET", "/api/v1/agreements?status=pending_signatures", nil).Expect(http.StatusOK)["items"].([]any)
		if len(pending) < 1 {
			t.Errorf("no agreement awaiting the coordinator's signature")
		}

		// A restart prints the same log-ins and URLs.
		out.Reset()
		if err := s.App.LoadDemo(context.Background(), &out); err != nil {
			t.Fatal(err)
		}
		again := out.String()
		if !strings.Contains(again, "already loaded") {
			t.Errorf("restart says:\n%s", again)
		}
		if i, j := strings.Index(first, "console:"), strings.Index(again, "console:"); i < 0 || j < 0 || first[i:] != again[j:] {
			t.Errorf("restart prints other log-ins:\n%s\nthan the first start:\n%s", again, first)
		}
	})
}

func apitestEach(t *testing.T, fn func(t *testing.T, s *apitest.Server)) {
	for _, engine := range repotest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, apitest.Start(t, engine, func(c *app.Config) { c.BootstrapAdmin = ""; c.Addr = ":8080" }))
		})
	}
}
