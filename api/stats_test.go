package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
)

// statsFigures renders a figures object as "offers needs claims approved fulfilled q_offered q_claimed".
func statsFigures(t *testing.T, v any) string {
	t.Helper()
	m := v.(map[string]any)
	var parts []string
	for _, k := range []string{"offers", "needs", "claims", "approved", "fulfilled", "quantity_offered", "quantity_claimed"} {
		n, ok := m[k].(float64)
		if !ok {
			t.Fatalf("%s missing in %v", k, m)
		}
		b, _ := json.Marshal(n)
		parts = append(parts, string(b))
	}
	return strings.Join(parts, " ")
}

// statsRows renders by_category as "category: figures" lines and the totals.
func statsRows(t *testing.T, s map[string]any) (string, string) {
	t.Helper()
	var rows []string
	for _, r := range s["by_category"].([]any) {
		rows = append(rows, r.(map[string]any)["category"].(string)+": "+statsFigures(t, r))
	}
	return strings.Join(rows, "; "), statsFigures(t, s["totals"])
}

// TestStatsSummary counts a small crafted story, as JSON and CSV, for each role.
func TestStatsSummary(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		n1s, n1e := apitest.Night(1)
		night := func(d int) map[string]any { st, en := apitest.Night(d); return apitest.Window(st, en, "") }
		o1 := w.Liaison.Listing("offers", "parking", 10, []map[string]any{apitest.Window(n1s, n1e, "FREQ=DAILY;COUNT=10")}, nil)["id"].(string)
		o2 := w.Liaison.Listing("offers", "meeting_room", 2, []map[string]any{night(1)}, nil)["id"].(string)
		w.Liaison2.Listing("offers", "parking", 5, []map[string]any{night(1)}, nil)
		w.Staff.Listing("needs", "parking", 8, []map[string]any{night(1)}, nil)
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking", "meeting_room"}, nil)
		claim := func(listing string, qty, d int) string {
			return w.Staff.Claim(listing, qty, night(d)).Expect(http.StatusCreated)["id"].(string)
		}
		act := func(c *apitest.Client, id, action string, body any) {
			c.Do("POST", "/api/v1/claims/"+id+"/"+action, body).Expect(http.StatusOK)
		}
		c1, c2, c3 := claim(o1, 6, 1), claim(o1, 3, 2), claim(o1, 2, 3)
		claim(o2, 1, 1) // stays pending
		c5 := claim(o1, 1, 4)
		act(w.Coordinator, c1, "approve", nil)
		act(w.Coordinator, c2, "approve", nil)
		act(w.Coordinator, c3, "reject", map[string]any{"reason": "不合适"})
		act(w.Liaison, c1, "confirm", nil)
		act(w.Staff, c1, "confirm", nil)
		act(w.Staff, c1, "feedback", map[string]any{"rating": 4})
		act(w.Staff, c2, "cancel", nil) // approved once: still counts as approved
		act(w.Staff, c5, "cancel", nil)

		const path = "/api/v1/stats/summary"
		adminRows := "meeting_room: 1 0 1 0 0 2 1; parking: 2 1 4 2 1 15 12"
		for _, r := range []struct {
			name        string
			c           *apitest.Client
			query       string
			rows, total string
			rated       bool
		}{
			{"admin", w.Admin, "", adminRows, "3 1 5 2 1 17 13", true},
			{"admin, the street", w.Admin, "?street_id=" + w.StreetID, adminRows, "3 1 5 2 1 17 13", true},
			{"admin, another street", w.Admin, "?street_id=" + w.Street2ID, "", "0 0 0 0 0 0 0", false},
			{"coordinator", w.Coordinator, "", adminRows, "3 1 5 2 1 17 13", true},
			{"coordinator of another street", w.Coordinator2, "", "", "0 0 0 0 0 0 0", false},
			{"liaison: its offers and their claims", w.Liaison, "", "meeting_room: 1 0 1 0 0 2 1; parking: 1 0 4 2 1 10 12", "2 0 5 2 1 12 13", true},
			{"liaison of another unit", w.Liaison2, "", "parking: 1 0 0 0 0 5 0", "1 0 0 0 0 5 0", false},
			{"community staff: its need and its claims", w.Staff, "", "meeting_room: 0 0 1 0 0 0 1; parking: 0 1 4 2 1 0 12", "0 1 5 2 1 0 13", true},
			{"an earlier range", w.Admin, "?from=2020-01-01&to=2020-02-01", "", "0 0 0 0 0 0 0", false},
		} {
			got := r.c.Do("GET", path+r.query, nil).Expect(http.StatusOK)
			rows, total := statsRows(t, got)
			if rows != r.rows || total != r.total {
				t.Errorf("%s: rows %q totals %q; want %q, %q", r.name, rows, total, r.rows, r.total)
			}
			if !r.rated {
				if got["fulfilment_rate"] != nil || got["median_hours_to_decision"] != nil || got["average_rating"] != nil {
					t.Errorf("%s: rates without data: %v", r.name, got)
				}
				continue
			}
			// Decisions came milliseconds after the claims: the median is a small positive number.
			if med, ok := got["median_hours_to_decision"].(float64); !ok || med <= 0 || med > 0.1 {
				t.Errorf("%s: median_hours_to_decision %v", r.name, got["median_hours_to_decision"])
			}
			if got["fulfilment_rate"] != 0.5 || got["average_rating"] != 4.0 {
				t.Errorf("%s: fulfilment_rate %v, average_rating %v", r.name, got["fulfilment_rate"], got["average_rating"])
			}
		}

		// The default range is the 30 days before now, and says so.
		got := w.Coordinator.Do("GET", path, nil).Expect(http.StatusOK)
		from, _ := time.Parse(time.RFC3339, got["from"].(string))
		to, _ := time.Parse(time.RFC3339, got["to"].(string))
		if to.Sub(from) != 30*24*time.Hour || time.Since(to) > time.Minute || got["street_id"] != w.StreetID || got["org_id"] != nil {
			t.Fatalf("default range: %v", got)
		}

		wantCSV := "category,offers,needs,claims,approved,fulfilled,quantity_offered,quantity_claimed\n" +
			"meeting_room,1,0,1,0,0,2,1\nparking,2,1,4,2,1,15,12\nTOTAL,3,1,5,2,1,17,13\n"
		for _, accept := range []string{"text/csv", "application/json;q=0.5, text/csv"} {
			res := w.Admin.With("Accept", accept).Do("GET", path, nil)
			if res.Code != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || string(res.Body) != wantCSV {
				t.Fatalf("Accept %q: %d %s\n%s", accept, res.Code, res.Header.Get("Content-Type"), res.Body)
			}
		}
		if res := w.Admin.With("Accept", "text/csv;q=0.5, application/json").Do("GET", path, nil); !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("JSON preferred: %s", res.Header.Get("Content-Type"))
		}

		w.Coordinator.Do("GET", path+"?street_id="+w.Street2ID, nil).Problem(http.StatusForbidden, "forbidden")
		feedApp(t, s, w.Admin, w.UnitID, "listings:read", "claims:read", "events:read").Do("GET", path, nil).Problem(http.StatusForbidden, "forbidden")
		s.Anon().Do("GET", path, nil).Problem(http.StatusUnauthorized, "unauthenticated")
		for _, q := range []string{"from=2026-02-01&to=2026-02-01", "from=2024-01-01&to=2025-01-02", "from=yesterday", "to=2026-13-01"} {
			w.Admin.Do("GET", path+"?"+q, nil).Problem(http.StatusUnprocessableEntity, "validation_failed")
		}
	})
}
