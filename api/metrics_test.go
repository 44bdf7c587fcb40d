package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/repository/repotest"
)

func TestMetrics(t *testing.T) {
	t.Parallel()
	for _, engine := range repotest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := apitest.Start(t, engine, func(c *app.Config) { c.MetricsToken = "scrape-token-for-tests" })
			w := s.NewWorld()
			w.Admin.Do("GET", "/api/v1/orgs/"+w.UnitID, nil).Expect(http.StatusOK)

			// One claim created, one refused for capacity, one replayed: the replay is not a
			// second creation.
			start, end := apitest.Night(1)
			night := apitest.Window(start, end, "")
			offer := w.Liaison.Listing("offers", "parking", 2, []map[string]any{night}, nil)
			s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
			body := map[string]any{"listing_id": offer["id"], "quantity": 2, "window": night}
			keyed := w.Staff.With("Idempotency-Key", "metrics-test-1")
			keyed.Do("POST", "/api/v1/claims", body).Expect(http.StatusCreated)
			if r := keyed.Do("POST", "/api/v1/claims", body); r.Code != http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("replay: %d %s", r.Code, r.Body)
			}
			w.Staff.Claim(offer["id"].(string), 1, night).Problem(http.StatusConflict, "capacity_exceeded")

			r := w.Admin.Do("GET", "/metrics", nil)
			if r.Code != http.StatusOK {
				t.Fatalf("metrics for an admin: %d\n%.500s", r.Code, r.Body)
			}
			text := string(r.Body)
			for _, want := range []string{
				`gongjian_http_requests_total{method="GET",route="/api/v1/orgs/:id",status="200"} 1`,
				`gongjian_http_request_duration_seconds_bucket{method="POST",route="/api/v1/claims",status="409",le="+Inf"} 1`,
				`gongjian_http_problems_total{code="capacity_exceeded",route="/api/v1/claims"} 1`,
				`gongjian_claim_actions_total{action="create",outcome="ok"} 1`,
				`gongjian_claim_actions_total{action="create",outcome="capacity_exceeded"} 1`,
				`gongjian_capacity_conflicts_total{limit="listing"} 1`,
				`gongjian_capacity_conflicts_total{limit="claimant"} 0`,
				`gongjian_idempotency_replays_total{route="/api/v1/claims"} 1`,
				`gongjian_webhook_deliveries_total{result="succeeded"} 0`,
				`go_sql_in_use_connections{db_name="` + engine + `"}`,
				`go_sql_wait_count_total{db_name="` + engine + `"}`,
			} {
				if !strings.Contains(text, want) {
					t.Errorf("metrics lack %s", want)
				}
			}
			w.Liaison.Do("GET", "/metrics", nil).Problem(http.StatusForbidden, "forbidden")
			s.Anon().Do("GET", "/metrics", nil).Problem(http.StatusUnauthorized, "unauthenticated")
			scraper := s.Anon()
			scraper.Token = "scrape-token-for-tests"
			if r := scraper.Do("GET", "/metrics", nil); r.Code != http.StatusOK {
				t.Fatalf("scraper: %d", r.Code)
			}
		})
	}
}
