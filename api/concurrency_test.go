package api_test

import (
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
)

// TestConcurrentClaimsNeverOverbook fires many simultaneous claims over HTTP at one offer with
// capacity 5 and checks the capacity invariant on what was accepted.
func TestConcurrentClaimsNeverOverbook(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		offer := w.Liaison.Listing("offers", "parking", 5, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=7")}, nil)
		id := offer["id"].(string)
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)

		type attempt struct {
			start, end time.Time
			qty        int
		}
		var attempts []attempt
		// 30 identical windows of one unit on the first night ...
		for i := 0; i < 30; i++ {
			attempts = append(attempts, attempt{start, end, 1})
		}
		// ... and 40 overlapping, shifted windows of 1–2 units across the first two nights.
		for i := 0; i < 40; i++ {
			off := time.Duration(i%8) * time.Hour
			s0 := start.Add(off)
			if i%2 == 1 {
				s0 = s0.Add(24 * time.Hour)
			}
			attempts = append(attempts, attempt{s0, s0.Add(4 * time.Hour), 1 + i%2})
		}
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			accepted []attempt
			codes    = map[int]int{}
			gate     = make(chan struct{})
		)
		for _, a := range attempts {
			wg.Add(1)
			go func(a attempt) {
				defer wg.Done()
				<-gate
				r := w.Staff.Claim(id, a.qty, apitest.Window(a.start, a.end, ""))
				mu.Lock()
				defer mu.Unlock()
				codes[r.Code]++
				if r.Code == http.StatusCreated {
					accepted = append(accepted, a)
				} else if r.Code == http.StatusConflict {
					r.Problem(http.StatusConflict, "capacity_exceeded")
				}
			}(a)
		}
		close(gate)
		wg.Wait()
		for code, n := range codes {
			if code != http.StatusCreated && code != http.StatusConflict {
				t.Errorf("%d responses with status %d", n, code)
			}
		}
		// Every instant where the held total can change is a window boundary.
		var instants []time.Time
		for _, a := range accepted {
			instants = append(instants, a.start, a.end)
		}
		sort.Slice(instants, func(i, j int) bool { return instants[i].Before(instants[j]) })
		peak := 0
		for _, at := range instants {
			held := 0
			for _, a := range accepted {
				if !at.Before(a.start) && at.Before(a.end) {
					held += a.qty
				}
			}
			if held > 5 {
				t.Fatalf("%d held at %v, capacity 5", held, at)
			}
			peak = max(peak, held)
		}
		if peak != 5 {
			t.Errorf("peak held %d: the offer should fill up under this load", peak)
		}
		// The server's own view agrees.
		avail := w.Staff.Do("GET", "/api/v1/offers/"+id+"/availability?from="+start.Format(time.RFC3339)+"&to="+start.Add(48*time.Hour).Format(time.RFC3339), nil).Expect(http.StatusOK)
		for _, it := range avail["items"].([]any) {
			if held := it.(map[string]any)["held"].(float64); held > 5 {
				t.Fatalf("availability reports %v held", held)
			}
		}
		t.Logf("%s: %d accepted, statuses %v", s.Engine, len(accepted), codes)
	})
}

// TestConcurrentIdempotentRetries sends the same creating request with one Idempotency-Key from
// many clients at once: exactly one listing is created, and every answer is that creation (201,
// same body) or 409 while it is still running.
func TestConcurrentIdempotentRetries(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		body := map[string]any{"category": "parking", "title": "t", "quantity": 2, "windows": []map[string]any{apitest.Window(start, end, "")},
			"location": map[string]any{"lat": 24.3, "lng": 109.4}}
		c := w.Liaison.With("Idempotency-Key", "same-key")
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			bodies = map[string]int{}
			codes  = map[int]int{}
			gate   = make(chan struct{})
		)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				r := c.Do("POST", "/api/v1/offers", body)
				mu.Lock()
				defer mu.Unlock()
				codes[r.Code]++
				if r.Code == http.StatusCreated {
					bodies[string(r.Body)]++
				}
			}()
		}
		close(gate)
		wg.Wait()
		if len(bodies) != 1 || codes[http.StatusCreated]+codes[http.StatusConflict] != 20 {
			t.Fatalf("codes %v, %d distinct bodies", codes, len(bodies))
		}
		var list struct {
			Items []map[string]any `json:"items"`
		}
		w.Liaison.Do("GET", "/api/v1/offers?org_id="+w.UnitID, nil).Decode(&list)
		if len(list.Items) != 1 {
			t.Fatalf("%d offers created", len(list.Items))
		}
	})
}

// TestTerminationRacesClaims terminates an agreement while claims under it are being made:
// afterwards none of them may be pending (termination cancels pending claims, and a claim made
// after it must fail), whatever the interleaving.
func TestTerminationRacesClaims(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		offer := w.Liaison.Listing("offers", "parking", 100, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=30")}, nil)
		agID := s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		var (
			wg   sync.WaitGroup
			gate = make(chan struct{})
			mu   sync.Mutex
			bad  []int
		)
		for i := 0; i < 30; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-gate
				s0 := start.Add(time.Duration(i%30) * 24 * time.Hour)
				r := w.Staff.Claim(offer["id"].(string), 1, apitest.Window(s0, s0.Add(time.Hour), ""))
				if r.Code != http.StatusCreated && r.Code != http.StatusUnprocessableEntity {
					mu.Lock()
					bad = append(bad, r.Code)
					mu.Unlock()
				}
			}(i)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			time.Sleep(5 * time.Millisecond)
			w.Liaison.Do("POST", "/api/v1/agreements/"+agID+"/terminate", map[string]any{"reason": "race"}).Expect(http.StatusOK)
		}()
		close(gate)
		wg.Wait()
		if len(bad) > 0 {
			t.Fatalf("unexpected statuses %v", bad)
		}
		var list struct {
			Items []map[string]any `json:"items"`
		}
		w.Staff.Do("GET", "/api/v1/claims?status=pending&limit=100", nil).Decode(&list)
		if len(list.Items) != 0 {
			t.Fatalf("%d claims still pending under a terminated agreement", len(list.Items))
		}
	})
}
