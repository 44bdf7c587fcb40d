package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
)

func TestProblems(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		admin := w.Admin

		p := admin.Do("POST", "/api/v1/orgs", map[string]any{"kind": "planet", "name": ""}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		errs := p["errors"].([]any)
		if len(errs) == 0 || errs[0].(map[string]any)["field"] != "kind" {
			t.Fatalf("field errors: %v", p)
		}
		p = admin.Do("POST", "/api/v1/orgs", map[string]any{"kind": "street", "name": "x", "parent_id": w.DistrictID, "colour": "red"}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		if f := p["errors"].([]any)[0].(map[string]any); f["field"] != "colour" || f["code"] != "unknown" {
			t.Fatalf("unknown field: %v", p)
		}
		p = admin.Do("POST", "/api/v1/orgs", map[string]any{"kind": "street", "name": 42}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		if f := p["errors"].([]any)[0].(map[string]any); f["field"] != "name" || f["code"] != "invalid_type" {
			t.Fatalf("wrong type: %v", p)
		}
		admin.Do("POST", "/api/v1/orgs", `{"kind": "street",`).Problem(http.StatusBadRequest, "validation_failed")
		admin.Do("POST", "/api/v1/orgs", `{} {}`).Problem(http.StatusBadRequest, "validation_failed")
		admin.Do("POST", "/api/v1/orgs", "").Problem(http.StatusBadRequest, "validation_failed")
		admin.Do("POST", "/api/v1/orgs", map[string]any{"kind": "unit", "name": "x", "parent_id": w.StreetID, "location": map[string]any{"lat": 99, "lng": 0}}).Problem(http.StatusUnprocessableEntity, "validation_failed")

		big := `{"kind":"street","name":"` + strings.Repeat("x", 1<<20) + `"}`
		admin.Do("POST", "/api/v1/orgs", big).Problem(http.StatusRequestEntityTooLarge, "payload_too_large")

		admin.Do("GET", "/api/v1/orgs/does-not-exist", nil).Problem(http.StatusNotFound, "not_found")
		admin.Do("GET", "/api/v1/no-such-route", nil).Problem(http.StatusNotFound, "not_found")
		admin.Do("GET", "/api/v1/orgs?limit=101", nil).Problem(http.StatusUnprocessableEntity, "validation_failed")
		admin.Do("GET", "/api/v1/orgs?cursor=!!!", nil).Problem(http.StatusUnprocessableEntity, "validation_failed")

		// ETag and If-Match: a stale version is 412, the current one applies and bumps it.
		r := admin.Do("GET", "/api/v1/orgs/"+w.UnitID, nil)
		etag := r.Header.Get("ETag")
		if etag != `"1"` {
			t.Fatalf("ETag %q", etag)
		}
		admin.With("If-Match", `"7"`).Do("PATCH", "/api/v1/orgs/"+w.UnitID, map[string]any{"name": "A"}).Problem(http.StatusPreconditionFailed, "version_mismatch")
		ok := admin.With("If-Match", etag).Do("PATCH", "/api/v1/orgs/"+w.UnitID, map[string]any{"name": "A"})
		if ok.Expect(http.StatusOK)["version"].(float64) != 2 || ok.Header.Get("ETag") != `"2"` {
			t.Fatalf("patch: %s %v", ok.Body, ok.Header)
		}
		admin.With("If-Match", etag).Do("PATCH", "/api/v1/orgs/"+w.UnitID, map[string]any{"name": "B"}).Problem(http.StatusPreconditionFailed, "version_mismatch")

		// Language: zh-CN by default, English on request.
		zh := s.Anon().Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
		en := s.Anon().With("Accept-Language", "en-US,en;q=0.9,zh;q=0.5").Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
		if zh["title"] == en["title"] || en["title"] != "Unauthenticated" {
			t.Fatalf("titles zh %v en %v", zh["title"], en["title"])
		}
		if r := s.Anon().Do("GET", "/healthz", nil); r.Code != http.StatusOK || r.Header.Get("X-Request-Id") == "" {
			t.Fatalf("healthz: %d %v", r.Code, r.Header)
		}
		s.Anon().Do("GET", "/readyz", nil).Expect(http.StatusOK)
	})
}

func TestPagination(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		for i := 0; i < 5; i++ {
			w.Admin.Org("community", "c", w.Street2ID, nil)
		}
		seen := map[string]bool{}
		cursor := ""
		pages := 0
		for {
			var page struct {
				Items      []map[string]any `json:"items"`
				NextCursor *string          `json:"next_cursor"`
			}
			w.Admin.Do("GET", "/api/v1/orgs?kind=community&parent_id="+w.Street2ID+"&limit=2"+cursor, nil).Decode(&page)
			pages++
			for _, o := range page.Items {
				if seen[o["id"].(string)] {
					t.Fatalf("item repeated across pages")
				}
				seen[o["id"].(string)] = true
			}
			if page.NextCursor == nil {
				break
			}
			cursor = "&cursor=" + *page.NextCursor
		}
		if len(seen) != 5 || pages != 3 {
			t.Fatalf("saw %d items in %d pages", len(seen), pages)
		}
	})
}
