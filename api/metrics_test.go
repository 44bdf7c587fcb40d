package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/repository"
)

func TestMetrics(t *testing.T) {
	t.Parallel()
	s := apitest.Start(t, repository.SQLite, func(c *app.Config) { c.MetricsToken = "scrape-token-for-tests" })
	w := s.NewWorld()
	w.Admin.Do("GET", "/api/v1/orgs/"+w.UnitID, nil).Expect(http.StatusOK)
	r := w.Admin.Do("GET", "/metrics", nil)
	if r.Code != http.StatusOK || !strings.Contains(string(r.Body), `gongjian_http_requests_total{method="GET",route="/api/v1/orgs/:id",status="200"}`) {
		t.Fatalf("metrics for an admin: %d\n%.500s", r.Code, r.Body)
	}
	w.Liaison.Do("GET", "/metrics", nil).Problem(http.StatusForbidden, "forbidden")
	s.Anon().Do("GET", "/metrics", nil).Problem(http.StatusUnauthorized, "unauthenticated")
	scraper := s.Anon()
	scraper.Token = "scrape-token-for-tests"
	if r := scraper.Do("GET", "/metrics", nil); r.Code != http.StatusOK {
		t.Fatalf("scraper: %d", r.Code)
	}
}
