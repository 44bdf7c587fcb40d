package api_test

import (
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
)

// approvedParking is a unit's parking offer of capacity 10 over a week of nights, claimed by the
// community for qty spaces every night and approved by the coordinator; it returns the claim.
func approvedParking(t *testing.T, s *apitest.Server, w *apitest.World, qty int) map[string]any {
	t.Helper()
	start, end := apitest.Night(1)
	offer := w.Liaison.Listing("offers", "parking", 10, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=7")}, nil)
	s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
	claim := w.Staff.Claim(offer["id"].(string), qty, apitest.Window(start, end, "FREQ=DAILY;COUNT=7")).Expect(http.StatusCreated)
	return w.Coordinator.Do("POST", "/api/v1/claims/"+claim["id"].(string)+"/approve", nil).Expect(http.StatusOK)
}

func TestPasses(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		appID, appSecret := w.Admin.App(w.CommunityID, "people:act")
		li := w.Staff.Person("李明", w.CommunityID, map[string]any{"external_id": "openid-li", "external_client_id": appID})
		claim := approvedParking(t, s, w, 3)
		cid := claim["id"].(string)
		path := "/api/v1/claims/" + cid + "/passes"
		start, end := apitest.Night(1)

		pass := w.Staff.Do("POST", path, map[string]any{"person_id": li["id"], "plate": "桂b12345"}).Expect(http.StatusCreated)
		code, _ := pass["code"].(string)
		if pass["status"] != "active" || pass["claim_id"] != cid || pass["person_name"] != "李明" || pass["quantity"].(float64) != 1 ||
			len(code) != 8 || pass["plate"] != "桂B12345" || pass["person_phone"] != "13912345678" {
			t.Fatalf("pass: %v", pass)
		}
		for _, ch := range code {
			if ch == '0' || ch == 'O' || ch == '1' || ch == 'I' {
				t.Fatalf("ambiguous symbol in %q", code)
			}
		}
		if w1, _ := pass["window"].(map[string]any); w1["rrule"] == nil {
			t.Fatalf("a pass without window takes the claim's: %v", pass)
		}

		// Refusals: the owner cannot issue; an unknown person; a person of another community;
		// a window outside the claim's; more than the claim holds.
		w.Liaison.Do("POST", path, map[string]any{"person_id": li["id"]}).Problem(http.StatusForbidden, "forbidden")
		w.Staff.Do("POST", path, map[string]any{"person_id": "nobody"}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		other := w.Coordinator.Org("community", "桂中社区", w.StreetID, nil)
		stranger := w.Coordinator.Person("外人", other, nil)
		w.Staff.Do("POST", path, map[string]any{"person_id": stranger["id"]}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		w.Staff.Do("POST", path, map[string]any{"person_id": li["id"], "window": apitest.Window(start.Add(-time.Hour), end, "")}).
			Problem(http.StatusUnprocessableEntity, "window_outside_availability")
		w.Staff.Do("POST", path, map[string]any{"person_id": li["id"], "quantity": 3}).Problem(http.StatusConflict, "capacity_exceeded")
		// The rest of the first night, as one pass of 2: exactly full.
		w.Staff.Do("POST", path, map[string]any{"person_id": li["id"], "quantity": 2, "window": apitest.Window(start, end, "")}).Expect(http.StatusCreated)
		w.Staff.Do("POST", path, map[string]any{"person_id": li["id"], "window": apitest.Window(start, start.Add(time.Hour), "")}).Problem(http.StatusConflict, "capacity_exceeded")
		// The second night still has 2 left.
		w.Staff.Do("POST", path, map[string]any{"person_id": li["id"], "quantity": 2, "window": apitest.Window(start.Add(24*time.Hour), end.Add(24*time.Hour), "")}).Expect(http.StatusCreated)

		// Verification at the gate: the owner's liaison sees the name, a masked phone, valid_now.
		v := w.Liaison.Do("GET", "/api/v1/passes/verify?code="+code, nil).Expect(http.StatusOK)
		if v["id"] != pass["id"] || v["person_name"] != "李明" || v["person_phone"] != "139****5678" || v["valid_now"] != false {
			t.Fatalf("verify: %v", v)
		}
		if v := w.Liaison.Do("GET", "/api/v1/passes/verify?code="+code[:4]+"-"+code[4:], nil).Expect(http.StatusOK); v["id"] != pass["id"] {
			t.Fatalf("verify with a dash: %v", v)
		}
		w.Liaison2.Do("GET", "/api/v1/passes/verify?code="+code, nil).Problem(http.StatusNotFound, "not_found")
		w.Liaison.Do("GET", "/api/v1/passes/verify?code=AAAAAAAA", nil).Problem(http.StatusNotFound, "not_found")
		w.Liaison.Do("GET", "/api/v1/passes/verify?code=short", nil).Problem(http.StatusUnprocessableEntity, "validation_failed")

		// Lists: the claim's orgs see the claim's passes; the person its own through GET /passes.
		if items := w.Liaison.Do("GET", path, nil).Expect(http.StatusOK)["items"].([]any); len(items) != 3 {
			t.Fatalf("owner's list: %v", items)
		}
		w.Liaison2.Do("GET", path, nil).Problem(http.StatusNotFound, "not_found")
		person := s.AsPerson(appID, appSecret, "openid-li")
		mine := person.Do("GET", "/api/v1/passes", nil).Expect(http.StatusOK)["items"].([]any)
		if len(mine) != 3 || mine[0].(map[string]any)["person_phone"] != "13912345678" {
			t.Fatalf("person's passes: %v", mine)
		}
		if items := w.Staff.Do("GET", "/api/v1/passes?person_id="+stranger["id"].(string), nil).Expect(http.StatusOK)["items"].([]any); len(items) != 0 {
			t.Fatalf("by person: %v", items)
		}
		w.Liaison2.Do("GET", "/api/v1/passes", nil).Expect(http.StatusOK)

		// Revocation: not the owner; the claimant, twice is fine; the space is free again.
		pid := pass["id"].(string)
		w.Liaison.Do("POST", "/api/v1/passes/"+pid+"/revoke", nil).Problem(http.StatusForbidden, "forbidden")
		if r := w.Staff.Do("POST", "/api/v1/passes/"+pid+"/revoke", map[string]any{"reason": "换车"}).Expect(http.StatusOK); r["status"] != "revoked" || r["revoked_at"] == nil {
			t.Fatalf("revoked: %v", r)
		}
		w.Staff.Do("POST", "/api/v1/passes/"+pid+"/revoke", nil).Expect(http.StatusOK)
		w.Staff.Do("POST", path, map[string]any{"person_id": li["id"], "window": apitest.Window(start, end, "")}).Expect(http.StatusCreated)

		// Events.
		var types []string
		for _, ev := range w.Staff.Do("GET", "/api/v1/events?types=pass.issued,pass.revoked", nil).Expect(http.StatusOK)["items"].([]any) {
			types = append(types, ev.(map[string]any)["type"].(string))
		}
		if len(types) != 5 || types[3] != "pass.revoked" {
			t.Fatalf("pass events: %v", types)
		}
	})
}

// TestConcurrentPassesNeverExceedTheClaim: 30 concurrent pass requests on a claim of quantity 5; at every
// instant the active passes hold at most 5.
func TestConcurrentPassesNeverExceedTheClaim(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		li := w.Staff.Person("李明", w.CommunityID, nil)
		claim := approvedParking(t, s, w, 5)
		path := "/api/v1/claims/" + claim["id"].(string) + "/passes"
		start, _ := apitest.Night(1)
		type req struct {
			start, end time.Time
			qty        int
		}
		var reqs []req
		for i := 0; i < 30; i++ {
			// Overlapping windows of 1 or 2 spaces across the first two nights.
			s0 := start.Add(time.Duration(i%6) * time.Hour)
			if i%3 == 0 {
				s0 = s0.Add(24 * time.Hour)
			}
			reqs = append(reqs, req{s0, s0.Add(4 * time.Hour), 1 + i%2})
		}
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			accepted []req
			gate     = make(chan struct{})
		)
		for _, r := range reqs {
			wg.Add(1)
			go func(r req) {
				defer wg.Done()
				<-gate
				res := w.Staff.Do("POST", path, map[string]any{"person_id": li["id"], "quantity": r.qty, "window": apitest.Window(r.start, r.end, "")})
				mu.Lock()
				defer mu.Unlock()
				switch res.Code {
				case http.StatusCreated:
					accepted = append(accepted, r)
				case http.StatusConflict:
					res.Problem(http.StatusConflict, "capacity_exceeded")
				default:
					t.Errorf("unexpected %d: %s", res.Code, res.Body)
				}
			}(r)
		}
		close(gate)
		wg.Wait()
		// Sweep the accepted passes: the peak never exceeds the claim's 5.
		type step struct {
			at    time.Time
			delta int
		}
		var steps []step
		for _, a := range accepted {
			steps = append(steps, step{a.start, a.qty}, step{a.end, -a.qty})
		}
		sort.Slice(steps, func(i, j int) bool {
			if !steps[i].at.Equal(steps[j].at) {
				return steps[i].at.Before(steps[j].at)
			}
			return steps[i].delta < steps[j].delta
		})
		level, peak := 0, 0
		for _, st := range steps {
			level += st.delta
			peak = max(peak, level)
		}
		t.Logf("%d of %d pass requests accepted; peak %d of 5", len(accepted), len(reqs), peak)
		if peak > 5 || peak < 4 {
			t.Fatalf("peak %d with %d passes accepted: the passes of a claim of 5 must fill it and never exceed it", peak, len(accepted))
		}
		items := w.Staff.Do("GET", path+"?limit=100", nil).Expect(http.StatusOK)["items"].([]any)
		if len(items) != len(accepted) {
			t.Fatalf("%d passes listed, %d accepted", len(items), len(accepted))
		}

		// The plain case: 30 identical requests for one space over the whole claim: exactly 5.
		plain := approvedParking(t, s, w, 5)
		plainPath := "/api/v1/claims/" + plain["id"].(string) + "/passes"
		var created sync.WaitGroup
		var n int
		gate2 := make(chan struct{})
		for i := 0; i < 30; i++ {
			created.Add(1)
			go func() {
				defer created.Done()
				<-gate2
				res := w.Staff.Do("POST", plainPath, map[string]any{"person_id": li["id"]})
				mu.Lock()
				defer mu.Unlock()
				if res.Code == http.StatusCreated {
					n++
				} else {
					res.Problem(http.StatusConflict, "capacity_exceeded")
				}
			}()
		}
		close(gate2)
		created.Wait()
		if n != 5 {
			t.Fatalf("%d of 30 identical pass requests accepted on a claim of 5", n)
		}
	})
}

// TestPassValidNow: a pass reads valid_now while one of its occurrences is under way and its
// claim approved, and not once revoked.
func TestPassValidNow(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		li := w.Staff.Person("李明", w.CommunityID, nil)
		start, end := underWayFor(12 * time.Hour)
		win := apitest.Window(start, end, "")
		offer := w.Liaison.Listing("offers", "parking", 4, []map[string]any{win}, nil)
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		claim := w.Staff.Claim(offer["id"].(string), 2, win).Expect(http.StatusCreated)
		path := "/api/v1/claims/" + claim["id"].(string)
		// Not approved yet: no passes.
		w.Staff.Do("POST", path+"/passes", map[string]any{"person_id": li["id"]}).Problem(http.StatusConflict, "invalid_transition")
		w.Coordinator.Do("POST", path+"/approve", nil).Expect(http.StatusOK)
		pass := w.Staff.Do("POST", path+"/passes", map[string]any{"person_id": li["id"], "plate": "桂B12345"}).Expect(http.StatusCreated)
		if pass["valid_now"] != true {
			t.Fatalf("a pass under way: %v", pass)
		}
		code := pass["code"].(string)
		if v := w.Liaison.Do("GET", "/api/v1/passes/verify?code="+code, nil).Expect(http.StatusOK); v["valid_now"] != true || v["plate"] != "桂B12345" {
			t.Fatalf("guard's view: %v", v)
		}
		w.Staff.Do("POST", "/api/v1/passes/"+pass["id"].(string)+"/revoke", nil).Expect(http.StatusOK)
		if v := w.Liaison.Do("GET", "/api/v1/passes/verify?code="+code, nil).Expect(http.StatusOK); v["valid_now"] != false {
			t.Fatalf("a revoked pass: %v", v)
		}
	})
}
