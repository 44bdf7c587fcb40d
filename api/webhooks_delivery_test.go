package api_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/webhooks"
)

// receiver is a webhook endpoint that records what it gets and answers with status(n), n
// counting requests from 1.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	bodies   [][]byte
	status   func(n int) int
}

func newReceiver(t *testing.T, status func(n int) int) *receiver {
	r := &receiver{status: status}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests, r.bodies = append(r.requests, req), append(r.bodies, body)
		n := len(r.requests)
		r.mu.Unlock()
		w.WriteHeader(r.status(n))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

// dispatcher drives the server's webhooks by hand; private addresses are allowed because the
// receivers listen on 127.0.0.1.
func dispatcher(t *testing.T, s *apitest.Server, allowPrivate bool, pageSize int) *webhooks.Dispatcher {
	t.Helper()
	return dispatcherWith(t, s, webhooks.Options{Client: webhooks.NewHTTPClient(allowPrivate), PageSize: pageSize})
}

// dispatcherClocks are the clocks of the test dispatchers, which run() sets.
var dispatcherClocks sync.Map // *webhooks.Dispatcher → *clock

func dispatcherWith(t *testing.T, s *apitest.Server, o webhooks.Options) *webhooks.Dispatcher {
	t.Helper()
	clk := newClock()
	o.Store, o.Events = repository.NewWebhooks(s.App.DB), repository.NewEvents(s.App.DB)
	if o.Now == nil {
		o.Now = clk.Now
	}
	o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := webhooks.New(o)
	if err != nil {
		t.Fatal(err)
	}
	dispatcherClocks.Store(d, clk)
	return d
}

// setClock sets d's clock to now.
func setClock(d *webhooks.Dispatcher, now time.Time) {
	c, _ := dispatcherClocks.Load(d)
	c.(*clock).Set(now)
}

func run(t *testing.T, d *webhooks.Dispatcher, now time.Time) (created, sent int) {
	t.Helper()
	setClock(d, now)
	created, err := d.FanOut(context.Background())
	if err != nil {
		t.Fatalf("fan out: %v", err)
	}
	sent, err = d.DeliverDue(context.Background())
	if err != nil {
		t.Fatalf("deliver: %v", err)
	}
	return created, sent
}

func deliveries(t *testing.T, c *apitest.Client, hookID string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range c.Do("GET", "/api/v1/webhooks/"+hookID+"/deliveries?limit=100", nil).Expect(http.StatusOK)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// claimStory posts a unit's offer, an agreement, and the community's claim on it; it returns
// the claim id.
func claimStory(s *apitest.Server, w *apitest.World) string {
	start, end := apitest.Night(1)
	night := apitest.Window(start, end, "")
	offer := w.Liaison.Listing("offers", "parking", 5, []map[string]any{night}, nil)
	s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
	return w.Staff.Claim(offer["id"].(string), 1, night).Expect(http.StatusCreated)["id"].(string)
}

func TestWebhookDelivery(t *testing.T) {
	t.Parallel()
	eachAllowPrivate(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		mine := newReceiver(t, func(int) int { return http.StatusNoContent })
		other := newReceiver(t, func(int) int { return http.StatusOK })
		created := w.Liaison.Do("POST", "/api/v1/webhooks", hook(mine.URL+"/hook?k=1", "claim.created")).Expect(http.StatusCreated)
		// Unit 2 is not party to the claim: its liaison's webhook must stay silent.
		w.Liaison2.Do("POST", "/api/v1/webhooks", hook(other.URL, "claim.created", "listing.created")).Expect(http.StatusCreated)
		claimID := claimStory(s, w)

		d := dispatcher(t, s, true, 100)
		now := time.Now()
		if n, sent := run(t, d, now); n != 1 || sent != 1 || mine.count() != 1 || other.count() != 0 {
			t.Fatalf("created %d, sent %d; mine got %d, other %d", n, sent, mine.count(), other.count())
		}
		req, body := mine.requests[0], mine.bodies[0]
		if req.Method != http.MethodPost || req.URL.RequestURI() != "/hook?k=1" || req.Header.Get("Content-Type") != "application/json" ||
			req.Header.Get("Gongjian-Event") != "claim.created" {
			t.Fatalf("request %s %s %v", req.Method, req.URL, req.Header)
		}
		// The body is the item of the feed, as the creator reads it there.
		var item map[string]any
		for _, ev := range feedEvents(t, w.Liaison, "&types=claim.created", 100) {
			item = ev
		}
		var got map[string]any
		if err := json.Unmarshal(body, &got); err != nil || !reflect.DeepEqual(got, item) || got["subject_id"] != claimID {
			t.Fatalf("body %s, feed item %v (%v)", body, item, err)
		}
		checkSignature(t, req.Header.Get("Gongjian-Signature"), created["secret"].(string), body, now)
		// The delivery is what the document's callback of POST /webhooks says.
		v, err := apitest.Contract()
		if err != nil {
			t.Fatal(err)
		}
		if bad := v.CheckDelivery(req, body); len(bad) > 0 {
			t.Errorf("delivery breaks the document: %v", bad)
		}

		ds := deliveries(t, w.Liaison, created["id"].(string))
		if len(ds) != 1 || ds[0]["id"] != req.Header.Get("Gongjian-Delivery") || ds[0]["status"] != "succeeded" ||
			ds[0]["attempt"] != 1.0 || ds[0]["response_status"] != 204.0 || ds[0]["delivered_at"] == nil ||
			ds[0]["event_type"] != "claim.created" || ds[0]["event_id"] != item["id"] || ds[0]["error"] != "" {
			t.Fatalf("deliveries: %v", ds)
		}
		// Nothing is sent twice.
		if n, sent := run(t, d, now.Add(time.Hour)); n != 0 || sent != 0 {
			t.Fatalf("second run: created %d, sent %d", n, sent)
		}
	})
}

// checkSignature verifies Gongjian-Signature as a receiver would, without the server's code.
func checkSignature(t *testing.T, header, secret string, body []byte, now time.Time) {
	t.Helper()
	ts, mac, ok := strings.Cut(header, ",v1=")
	ts, tsOK := strings.CutPrefix(ts, "t=")
	if !ok || !tsOK || ts != strconv.FormatInt(now.Unix(), 10) {
		t.Fatalf("signature header %q", header)
	}
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts + "." + string(body)))
	if want := hex.EncodeToString(h.Sum(nil)); !hmac.Equal([]byte(mac), []byte(want)) {
		t.Fatalf("signature %s does not verify", header)
	}
}

// A webhook receives what its creator could read: once the creator is deactivated, it stops.
func TestWebhookStopsWithItsCreator(t *testing.T) {
	t.Parallel()
	eachAllowPrivate(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		rcv := newReceiver(t, func(int) int { return http.StatusOK })
		w.Coordinator.Do("POST", "/api/v1/webhooks", map[string]any{"url": rcv.URL, "events": []string{"claim.created"}}).Expect(http.StatusCreated)
		me := w.Coordinator.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		w.Admin.Do("DELETE", "/api/v1/users/"+me["id"].(string), nil).Expect(http.StatusNoContent)
		claimStory(s, w)
		if created, _ := run(t, dispatcher(t, s, true, 50), time.Now()); created != 0 || rcv.count() != 0 {
			t.Fatalf("deactivated creator's webhook: %d deliveries created, %d sent", created, rcv.count())
		}
	})
}
