package api_test

import (
	"math"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
)

// at places a listing north of the reference point by km kilometres.
func at(km float64) map[string]any {
	return map[string]any{"lat": 24.3264 + km/111.195, "lng": 109.4281}
}

func TestSuggestionsRankedAsDocumented(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		nights := apitest.Window(start, end, "FREQ=DAILY;COUNT=10")
		need := w.Staff.Listing("needs", "parking", 4, []map[string]any{nights}, map[string]any{"location": at(0)})
		// Same place, all nights, enough capacity, same category: score 1.
		best := w.Liaison.Listing("offers", "parking", 4, []map[string]any{nights}, map[string]any{"location": at(0)})
		// 1.5 km away (radius 3): distance term 0.5; half the capacity: fit 0.5.
		farther := w.Liaison2.Listing("offers", "parking", 2, []map[string]any{nights}, map[string]any{"location": at(1.5)})
		// Covers 5 of the 10 nights.
		fewer := w.Liaison2.Listing("offers", "parking", 4, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=5")}, map[string]any{"location": at(0)})
		// Not a match: beyond the need's 3 km, another category, or the need's own org.
		w.Liaison.Listing("offers", "parking", 4, []map[string]any{nights}, map[string]any{"location": at(5)})
		w.Liaison.Listing("offers", "legal", 4, []map[string]any{nights}, map[string]any{"location": at(0)})
		w.Staff.Listing("offers", "parking", 4, []map[string]any{nights}, map[string]any{"location": at(0)})

		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		got := w.Staff.Do("GET", "/api/v1/needs/"+need["id"].(string)+"/suggestions?limit=10", nil).Expect(http.StatusOK)
		items := got["items"].([]any)
		if len(items) != 3 {
			t.Fatalf("%d suggestions, want 3: %v", len(items), items)
		}
		want := []struct {
			id    string
			score float64
		}{
			{best["id"].(string), 1},
			{fewer["id"].(string), 0.3 + 0.4*0.5 + 0.2 + 0.1},
			{farther["id"].(string), 0.3*0.5 + 0.4 + 0.2*0.5 + 0.1},
		}
		for i, wnt := range want {
			it := items[i].(map[string]any)
			if it["listing"].(map[string]any)["id"] != wnt.id {
				t.Fatalf("rank %d is %v, want %s", i, it["listing"].(map[string]any)["title"], wnt.id)
			}
			if sc := it["score"].(float64); math.Abs(sc-wnt.score) > 1e-3 {
				t.Errorf("rank %d score %v, want %v (reasons %v)", i, sc, wnt.score, it["reasons"])
			}
		}
		top := items[0].(map[string]any)
		reasons := top["reasons"].(map[string]any)
		if reasons["category_exact"] != true || reasons["agreement_id"] == nil || top["quantity"].(float64) != 4 {
			t.Fatalf("top suggestion: %v", top)
		}
		if items[2].(map[string]any)["reasons"].(map[string]any)["agreement_id"] != nil {
			t.Fatalf("no agreement with the second unit, yet one is named")
		}
		// The mirror: needs for an offer.
		back := w.Liaison.Do("GET", "/api/v1/offers/"+best["id"].(string)+"/suggestions", nil).Expect(http.StatusOK)
		if items := back["items"].([]any); len(items) != 1 || items[0].(map[string]any)["listing"].(map[string]any)["id"] != need["id"] {
			t.Fatalf("offer suggestions: %v", back)
		}
		w.Staff.Do("GET", "/api/v1/needs/"+need["id"].(string)+"/suggestions?limit=0", nil).Problem(http.StatusUnprocessableEntity, "validation_failed")
	})
}

// TestMatchingRunIsOptimal builds a street where pairing by highest score first is suboptimal:
// offer A (1 space) suits need X best and need Y well; offer B (1 space) suits only X. Greedy
// gives A to X and leaves Y unmet; the optimum gives A to Y and B to X.
func TestMatchingRunIsOptimal(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		n1s, n1e := apitest.Night(1)
		n2s, n2e := apitest.Night(2)
		both := apitest.Window(n1s, n1e, "FREQ=DAILY;COUNT=2")
		x := w.Staff.Listing("needs", "parking", 1, []map[string]any{apitest.Window(n1s, n1e, "")}, map[string]any{"location": at(0)})
		y := w.Staff.Listing("needs", "parking", 1, []map[string]any{apitest.Window(n2s, n2e, "")}, map[string]any{"location": at(0.6)})
		a := w.Liaison.Listing("offers", "parking", 1, []map[string]any{both}, map[string]any{"location": at(0)})
		b := w.Liaison2.Listing("offers", "parking", 1, []map[string]any{apitest.Window(n1s, n1e, "")}, map[string]any{"location": at(1.2)})
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)

		body := map[string]any{"street_id": w.StreetID, "from": n1s.Add(-time.Hour).Format(time.RFC3339), "to": n2e.Add(time.Hour).Format(time.RFC3339)}
		w.Coordinator2.Do("POST", "/api/v1/matching/runs", body).Problem(http.StatusForbidden, "forbidden")
		w.Staff.Do("POST", "/api/v1/matching/runs", body).Problem(http.StatusForbidden, "forbidden")
		run := w.Coordinator.Do("POST", "/api/v1/matching/runs", body).Expect(http.StatusCreated)
		stats := run["stats"].(map[string]any)
		if stats["needs"].(float64) != 2 || stats["offers"].(float64) != 2 || stats["candidates"].(float64) != 3 ||
			stats["matched_quantity"].(float64) != 2 || stats["unmet_quantity"].(float64) != 0 {
			t.Fatalf("stats: %v", stats)
		}
		pairs := map[string]string{}
		var objective float64
		for _, p := range run["proposals"].([]any) {
			pm := p.(map[string]any)
			pairs[pm["offer_id"].(string)] = pm["need_id"].(string)
			objective += pm["score"].(float64) * pm["quantity"].(float64)
		}
		if pairs[a["id"].(string)] != y["id"] || pairs[b["id"].(string)] != x["id"] {
			t.Fatalf("proposals %v: want A→Y and B→X", run["proposals"])
		}
		if math.Abs(objective-run["objective"].(float64)) > 1e-6 {
			t.Fatalf("objective %v, proposals sum to %v", run["objective"], objective)
		}
		// The stored run reads back the same.
		again := w.Coordinator.Do("GET", "/api/v1/matching/runs/"+run["id"].(string), nil).Expect(http.StatusOK)
		if len(again["proposals"].([]any)) != 2 {
			t.Fatalf("stored run: %v", again)
		}
		w.Coordinator2.Do("GET", "/api/v1/matching/runs/"+run["id"].(string), nil).Problem(http.StatusNotFound, "not_found")

		for _, p := range run["proposals"].([]any) {
			pm := p.(map[string]any)
			path := "/api/v1/matching/proposals/" + pm["id"].(string) + "/accept"
			if pm["offer_id"] == b["id"] {
				// The second unit signed nothing with the community: the proposal says so, and
				// accepting it fails like a claim would.
				if pm["agreement_id"] != nil {
					t.Fatalf("proposal without agreement names one: %v", pm)
				}
				w.Coordinator.Do("POST", path, nil).Problem(http.StatusUnprocessableEntity, "no_active_agreement")
				continue
			}
			w.Coordinator2.Do("POST", path, nil).Problem(http.StatusForbidden, "forbidden")
			claim := w.Coordinator.Do("POST", path, nil).Expect(http.StatusCreated)
			if claim["status"] != "approved" || claim["claimant_org_id"] != w.CommunityID || claim["listing_id"] != a["id"] || claim["quantity"].(float64) != 1 {
				t.Fatalf("accepted claim: %v", claim)
			}
			w.Coordinator.Do("POST", path, nil).Problem(http.StatusConflict, "conflict")
			// The capacity is now held: a direct claim on that night overflows.
			w.Staff.Claim(a["id"].(string), 1, apitest.Window(n2s, n2e, "")).Problem(http.StatusConflict, "capacity_exceeded")
		}
	})
}

// TestMatchingRunRespectsCapacities runs the engine over a street with many random listings and
// checks every proposal against the offers' capacities and the needs' quantities.
func TestMatchingRunRespectsCapacities(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, _ := apitest.Night(1)
		rng := rand.New(rand.NewPCG(3, 4))
		qty := map[string]float64{}
		posters := []*apitest.Client{w.Liaison, w.Liaison2, w.Staff}
		for i := 0; i < 40; i++ {
			kind := "offers"
			if i%2 == 1 {
				kind = "needs"
			}
			s0 := start.Add(time.Duration(rng.IntN(6)) * time.Hour)
			l := posters[rng.IntN(len(posters))].Listing(kind, []string{"parking", "venue", "sports"}[rng.IntN(3)], 1+rng.IntN(6),
				[]map[string]any{apitest.Window(s0, s0.Add(time.Duration(2+rng.IntN(6))*time.Hour), "FREQ=DAILY;COUNT=5")},
				map[string]any{"location": at(rng.Float64() * 2)})
			qty[l["id"].(string)] = l["quantity"].(float64)
		}
		run := w.Admin.Do("POST", "/api/v1/matching/runs", map[string]any{
			"street_id": w.StreetID, "from": start.Add(-time.Hour).Format(time.RFC3339), "to": start.Add(6 * 24 * time.Hour).Format(time.RFC3339),
		}).Expect(http.StatusCreated)
		used := map[string]float64{}
		var matched float64
		for _, p := range run["proposals"].([]any) {
			pm := p.(map[string]any)
			q := pm["quantity"].(float64)
			if q <= 0 || pm["score"].(float64) <= 0 || pm["score"].(float64) > 1 {
				t.Fatalf("proposal %v", pm)
			}
			used[pm["offer_id"].(string)] += q
			used[pm["need_id"].(string)] += q
			matched += q
		}
		for id, u := range used {
			if u > qty[id] {
				t.Fatalf("listing %s gets %v of %v", id, u, qty[id])
			}
		}
		if st := run["stats"].(map[string]any); st["matched_quantity"].(float64) != matched || matched == 0 {
			t.Fatalf("stats %v, proposals match %v", st, matched)
		}
	})
}

func TestCategories(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		list := w.Liaison.Do("GET", "/api/v1/categories", nil).Expect(http.StatusOK)["items"].([]any)
		if len(list) != 12 {
			t.Fatalf("%d built-in categories", len(list))
		}
		cat := map[string]any{"code": "charging", "name_zh": "充电桩", "name_en": "EV charging", "quantity_unit": "point", "related": []string{"parking"}}
		w.Coordinator.Do("POST", "/api/v1/categories", cat).Problem(http.StatusForbidden, "forbidden")
		w.Admin.Do("POST", "/api/v1/categories", cat).Expect(http.StatusCreated)
		w.Admin.Do("POST", "/api/v1/categories", cat).Problem(http.StatusConflict, "conflict")
		w.Admin.Do("POST", "/api/v1/categories", map[string]any{"code": "X!", "name_zh": "", "name_en": "x"}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		start, end := apitest.Night(1)
		w.Liaison.Listing("offers", "charging", 2, []map[string]any{apitest.Window(start, end, "")}, nil)
	})
}
