package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/webhooks"
)

func parseTime(t *testing.T, v any) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, v.(string))
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestWebhookRetries: a failing receiver is retried with growing back-off until it answers 2xx;
// one that never does is abandoned 24 h after the first attempt.
func TestWebhookRetries(t *testing.T) {
	t.Parallel()
	eachAllowPrivate(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		flaky := newReceiver(t, func(n int) int {
			if n <= 2 {
				return http.StatusInternalServerError
			}
			return http.StatusOK
		})
		dead := newReceiver(t, func(int) int { return http.StatusServiceUnavailable })
		fh := w.Liaison.Do("POST", "/api/v1/webhooks", hook(flaky.URL, "claim.created")).Expect(http.StatusCreated)["id"].(string)
		dh := w.Staff.Do("POST", "/api/v1/webhooks", hook(dead.URL, "claim.created")).Expect(http.StatusCreated)["id"].(string)
		claimStory(s, w)
		d := dispatcher(t, s, true, 100)

		now := time.Now()
		run(t, d, now)
		first := deliveries(t, w.Liaison, fh)[0]
		next := parseTime(t, first["next_attempt_at"])
		if first["status"] != "failed" || first["attempt"] != 1.0 || first["response_status"] != 500.0 ||
			!strings.Contains(first["error"].(string), "500") || next.Before(now.Add(15*time.Second)) || next.After(now.Add(30*time.Second)) {
			t.Fatalf("after a 500: %v (now %s)", first, now)
		}
		// Not due yet (the first back-off is 15–30 s): nothing is sent.
		if _, sent := run(t, d, now.Add(14*time.Second)); sent != 0 || flaky.count() != 1 {
			t.Fatalf("sent %d before the back-off ended", sent)
		}
		run(t, d, next)
		second := deliveries(t, w.Liaison, fh)[0]
		next2 := parseTime(t, second["next_attempt_at"])
		if second["status"] != "failed" || second["attempt"] != 2.0 || next2.Sub(next) < 30*time.Second || next2.Sub(next) > 60*time.Second {
			t.Fatalf("second attempt: %v", second)
		}
		run(t, d, next2)
		done := deliveries(t, w.Liaison, fh)[0]
		if done["status"] != "succeeded" || done["attempt"] != 3.0 || done["error"] != "" || flaky.count() != 3 {
			t.Fatalf("third attempt: %v", done)
		}
		// Every attempt is listed, oldest first, with its answer.
		attempts := done["attempts"].([]any)
		wantStatus := []float64{500, 500, 200}
		if len(attempts) != 3 {
			t.Fatalf("attempts: %v", attempts)
		}
		for i, a := range attempts {
			am := a.(map[string]any)
			if am["attempt"] != float64(i+1) || am["response_status"] != wantStatus[i] {
				t.Fatalf("attempt %d: %v", i+1, am)
			}
		}
		if !parseTime(t, attempts[1].(map[string]any)["at"]).Equal(next) {
			t.Fatalf("second attempt at %v, want %v", attempts[1].(map[string]any)["at"], next)
		}
		for i, r := range flaky.requests {
			if r.Header.Get("Gongjian-Delivery") != done["id"] {
				t.Fatalf("request %d: delivery id %q, want %v", i, r.Header.Get("Gongjian-Delivery"), done["id"])
			}
		}

		// The dead receiver, driven an hour at a time (the back-off cap): failed until 24 h after
		// its first attempt, then abandoned and left alone.
		for at := now.Add(time.Hour); at.Before(now.Add(24 * time.Hour)); at = at.Add(time.Hour) {
			run(t, d, at)
			if st := deliveries(t, w.Staff, dh)[0]["status"]; st != "failed" {
				t.Fatalf("at +%s: %v", at.Sub(now), st)
			}
		}
		run(t, d, now.Add(24*time.Hour))
		gone := deliveries(t, w.Staff, dh)[0]
		if gone["status"] != "abandoned" || gone["attempt"] != float64(dead.count()) || dead.count() < 25 || gone["response_status"] != 503.0 {
			t.Fatalf("abandoned: %v after %d requests", gone, dead.count())
		}
		if _, sent := run(t, d, now.Add(48*time.Hour)); sent != 0 {
			t.Fatalf("an abandoned delivery was sent again")
		}
	})
}

// TestWebhookConcurrentFanOut: dispatchers of several replicas fanning out the same events
// create each delivery once.
func TestWebhookConcurrentFanOut(t *testing.T) {
	t.Parallel()
	eachAllowPrivate(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		rcv := newReceiver(t, func(int) int { return http.StatusOK })
		admin := w.Admin.Do("POST", "/api/v1/webhooks", hook(rcv.URL, "listing.created")).Expect(http.StatusCreated)["id"].(string)
		coord := w.Coordinator.Do("POST", "/api/v1/webhooks", hook(rcv.URL, "listing.created")).Expect(http.StatusCreated)["id"].(string)
		start, end := apitest.Night(1)
		const listings = 12
		for i := range listings {
			by := w.Liaison
			if i%2 == 1 {
				by = w.Staff
			}
			by.Listing("offers", "parking", 1, []map[string]any{apitest.Window(start, end, "")}, nil)
		}
		now := time.Now()
		var wg sync.WaitGroup
		counts := make([]int, 4)
		for i := range counts {
			d := dispatcher(t, s, true, 3) // small pages: the dispatchers race on every page
			setClock(d, now)
			wg.Go(func() {
				n, err := d.FanOut(context.Background())
				if err != nil {
					t.Errorf("fan out %d: %v", i, err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		if total := counts[0] + counts[1] + counts[2] + counts[3]; total != 2*listings {
			t.Fatalf("dispatchers created %v deliveries, want %d in all", counts, 2*listings)
		}
		for _, id := range []string{admin, coord} {
			seen := map[any]bool{}
			for _, dl := range deliveries(t, w.Admin, id) {
				if seen[dl["event_id"]] {
					t.Fatalf("event %v delivered twice to %s", dl["event_id"], id)
				}
				seen[dl["event_id"]] = true
			}
			if len(seen) != listings {
				t.Fatalf("webhook %s: %d deliveries, want %d", id, len(seen), listings)
			}
		}
		if _, sent := run(t, dispatcher(t, s, true, 3), now); sent != 2*listings || rcv.count() != 2*listings {
			t.Fatalf("sent %d, received %d", sent, rcv.count())
		}
	})
}

// TestWebhookDeleteStopsDeliveries: a deleted webhook gets neither its retries nor new events.
func TestWebhookDeleteStopsDeliveries(t *testing.T) {
	t.Parallel()
	eachAllowPrivate(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		rcv := newReceiver(t, func(int) int { return http.StatusBadGateway })
		id := w.Liaison.Do("POST", "/api/v1/webhooks", hook(rcv.URL, "claim.created", "listing.created")).Expect(http.StatusCreated)["id"].(string)
		start, end := apitest.Night(1)
		w.Liaison.Listing("offers", "parking", 1, []map[string]any{apitest.Window(start, end, "")}, nil)
		d := dispatcher(t, s, true, 100)
		now := time.Now()
		run(t, d, now)
		if rcv.count() != 1 {
			t.Fatalf("received %d", rcv.count())
		}
		w.Liaison.Do("DELETE", "/api/v1/webhooks/"+id, nil).Expect(http.StatusNoContent)
		claimStory(s, w)
		if created, sent := run(t, d, now.Add(2*time.Hour)); created != 0 || sent != 0 || rcv.count() != 1 {
			t.Fatalf("after delete: created %d, sent %d, received %d", created, sent, rcv.count())
		}
		w.Liaison.Do("GET", "/api/v1/webhooks/"+id+"/deliveries", nil).Problem(http.StatusNotFound, "not_found")
	})
}

// TestWebhookDeliveryRefusesPrivateAddress: a webhook accepted by a server allowing private
// addresses is still not delivered by a dispatcher that does not, because the dialer checks
// the address it connects to (as after a DNS change).
func TestWebhookDeliveryRefusesPrivateAddress(t *testing.T) {
	t.Parallel()
	eachAllowPrivate(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		rcv := newReceiver(t, func(int) int { return http.StatusOK })
		id := w.Liaison.Do("POST", "/api/v1/webhooks", hook(rcv.URL, "claim.created")).Expect(http.StatusCreated)["id"].(string)
		claimStory(s, w)
		run(t, dispatcher(t, s, false, 100), time.Now())
		dl := deliveries(t, w.Liaison, id)[0]
		if rcv.count() != 0 || dl["status"] != "failed" || dl["response_status"] != nil ||
			!strings.Contains(dl["error"].(string), "non-public address") || strings.Contains(dl["error"].(string), rcv.URL) {
			t.Fatalf("received %d; delivery %v", rcv.count(), dl)
		}
	})
}

// TestSlowReceiverDeliveredOnce: a receiver slower than the delivery lease, and a second replica
// polling for due deliveries all the while. The sending replica renews its lease as long as the
// send runs, so the other never claims the delivery and the receiver gets it once.
func TestSlowReceiverDeliveredOnce(t *testing.T) {
	t.Parallel()
	eachAllowPrivate(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		const lease = 300 * time.Millisecond
		rcv := newReceiver(t, func(int) int {
			time.Sleep(4 * lease)
			return http.StatusOK
		})
		id := w.Liaison.Do("POST", "/api/v1/webhooks", hook(rcv.URL, "claim.created")).Expect(http.StatusCreated)["id"].(string)
		claimStory(s, w)
		opts := webhooks.Options{Client: webhooks.NewHTTPClient(true), Lease: lease, Now: time.Now}
		a, b := dispatcherWith(t, s, opts), dispatcherWith(t, s, opts)
		if _, err := a.FanOut(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Both replicas poll until the receiver has answered once and a little beyond; whichever
		// claims the delivery first sends it.
		ctx, cancel := context.WithTimeout(context.Background(), 12*lease)
		defer cancel()
		var wg sync.WaitGroup
		for _, d := range []*webhooks.Dispatcher{a, b} {
			wg.Go(func() {
				for ctx.Err() == nil {
					if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
						t.Errorf("deliver: %v", err)
					}
					time.Sleep(lease / 6)
				}
			})
		}
		wg.Wait()
		if n := rcv.count(); n != 1 {
			t.Fatalf("the receiver got the delivery %d times", n)
		}
		if d := deliveries(t, w.Liaison, id)[0]; d["status"] != "succeeded" || d["attempt"] != 1.0 {
			t.Fatalf("delivery: %v", d)
		}
	})
}
