package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
)

// TestSuggestionsCountHeldCapacity: a suggestion offers what is left at the fullest instant,
// whether the holds share one interval (summed by the store) or overlap partly.
func TestSuggestionsCountHeldCapacity(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		nights := apitest.Window(start, end, "FREQ=DAILY;COUNT=5")
		need := w.Staff.Listing("needs", "parking", 9, []map[string]any{nights}, map[string]any{"location": at(0)})
		offer := w.Liaison.Listing("offers", "parking", 10, []map[string]any{nights}, map[string]any{"location": at(0)})
		id := offer["id"].(string)
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		suggested := func() float64 {
			t.Helper()
			items := w.Staff.Do("GET", "/api/v1/needs/"+need["id"].(string)+"/suggestions", nil).Expect(http.StatusOK)["items"].([]any)
			if len(items) != 1 {
				t.Fatalf("%d suggestions, want 1", len(items))
			}
			return items[0].(map[string]any)["quantity"].(float64)
		}
		if q := suggested(); q != 9 {
			t.Fatalf("nothing held: quantity %v, want 9", q)
		}
		// Two claims over the same night (one interval), and a third overlapping part of it.
		night := apitest.Window(start, end, "")
		w.Staff.Claim(id, 3, night).Expect(http.StatusCreated)
		w.Staff.Claim(id, 2, night).Expect(http.StatusCreated)
		w.Staff.Claim(id, 1, apitest.Window(start.Add(2*time.Hour), start.Add(4*time.Hour), "")).Expect(http.StatusCreated)
		// Another night, less held: it does not matter, the fullest instant does.
		s2, e2 := apitest.Night(2)
		w.Staff.Claim(id, 4, apitest.Window(s2, e2, "")).Expect(http.StatusCreated)
		if q := suggested(); q != 4 {
			t.Fatalf("6 of 10 held at the fullest instant: quantity %v, want 4", q)
		}
	})
}
