package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/teambition/rrule-go"
)

// ledger is what the load was told about its claims: by Idempotency-Key (also the claim's note),
// the id of each acknowledged claim, the code of each refusal, and the keys never answered.
type ledger struct {
	mu        sync.Mutex
	acked     map[string]string // key → claim id
	refused   map[string]string // key → problem code
	unknown   map[string]bool   // no final answer (gave up retrying)
	seq       atomic.Int64
	prefix    string
	live      []liveClaim // pending or approved, for approvals and cancellations
	retryFor  time.Duration
	hotTimes  []time.Time // completion times of successful hot claims, in order
	hotListID string
}

type liveClaim struct {
	id       string
	claimant int // index in world.communities
	pending  bool
}

func newLedger(prefix string, retryFor time.Duration) *ledger {
	return &ledger{acked: map[string]string{}, refused: map[string]string{}, unknown: map[string]bool{},
		prefix: prefix, retryFor: retryFor}
}

// claim posts one claim with a fresh Idempotency-Key, retrying the same request while the
// answer is retryable (for up to retryFor), and records the final answer.
func (l *ledger) claim(ctx context.Context, rec *recorder, op string, w *world, who int, target listing, rng *rand.Rand, nights int) answer {
	key := fmt.Sprintf("%s:%d", l.prefix, l.seq.Add(1))
	start := w.night(rng.IntN(min(nights, w.nights))).Add(time.Duration(rng.IntN(8)) * time.Hour)
	body := map[string]any{
		"listing_id": target.id, "quantity": 1, "note": key,
		"window": map[string]any{"start": start.Format(time.RFC3339), "end": start.Add(4 * time.Hour).Format(time.RFC3339)},
	}
	c := w.communities[who].c
	deadline := time.Now().Add(l.retryFor)
	var a answer
	for attempt := 0; ; attempt++ {
		a = c.do(ctx, "POST", "/api/v1/claims", body, "Idempotency-Key", key)
		rec.add(ctx, op, a)
		if !retryable(a) || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(min(time.Duration(50<<min(attempt, 4))*time.Millisecond, 500*time.Millisecond))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case a.status == http.StatusCreated:
		var cl struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		_ = json.Unmarshal(a.body, &cl)
		l.acked[key] = cl.ID
		l.live = append(l.live, liveClaim{id: cl.ID, claimant: who, pending: cl.Status == "pending"})
		if target.id == l.hotListID {
			l.hotTimes = append(l.hotTimes, time.Now())
		}
	case a.err == nil && a.status >= 400 && a.status < 500 && !retryable(a):
		l.refused[key] = a.code
	default:
		l.unknown[key] = true
	}
	return a
}

// pick takes a random live claim out of the pool (pending ones only when pending is true).
func (l *ledger) pick(rng *rand.Rand, pending bool) (liveClaim, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for tries := 0; tries < 8 && len(l.live) > 0; tries++ {
		i := rng.IntN(len(l.live))
		c := l.live[i]
		if pending && !c.pending {
			continue
		}
		l.live[i] = l.live[len(l.live)-1]
		l.live = l.live[:len(l.live)-1]
		return c, true
	}
	return liveClaim{}, false
}

func (l *ledger) putBack(c liveClaim) {
	l.mu.Lock()
	l.live = append(l.live, c)
	l.mu.Unlock()
}

// claimRow is a claim as read back at the end.
type claimRow struct {
	ID        string `json:"id"`
	ListingID string `json:"listing_id"`
	Quantity  int64  `json:"quantity"`
	Status    string `json:"status"`
	Note      string `json:"note"`
	Window    struct {
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
		RRule string    `json:"rrule"`
	} `json:"window"`
}

// verdict is the end-of-run check.
type verdict struct {
	claims, live       int
	lost, duplicated   int
	unexpected         int
	violations         int
	unknown, refused   int
	acked, unchecked   int
	violationsByListng map[string]int64
}

// getRetry sends a GET, retrying while the server is unavailable (the check after a fault).
func getRetry(ctx context.Context, c *client, path string, v any) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		a := c.do(ctx, "GET", path, nil)
		if a.ok() {
			return json.Unmarshal(a.body, v)
		}
		if !retryable(a) || time.Now().After(deadline) {
			return fmt.Errorf("GET %s: %s %.200s", path, a.outcome(), a.body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// check reads every claim of every listing the load made and verifies the capacity invariant
// (at every instant the live claims of a listing sum to at most its quantity), that every
// acknowledged claim exists, and that no Idempotency-Key produced two claims.
func (l *ledger) check(ctx context.Context, w *world) (verdict, error) {
	v := verdict{violationsByListng: map[string]int64{}}
	byNote := map[string][]claimRow{}
	listings := append(append([]listing{}, w.offers...), w.hot)
	listings = append(listings, w.needs...)
	for _, ls := range listings {
		var cur struct {
			Quantity int64 `json:"quantity"`
		}
		if err := getRetry(ctx, w.admin, "/api/v1/"+ls.side+"/"+ls.id, &cur); err != nil {
			return v, err
		}
		var rows []claimRow
		cursor := ""
		for {
			var page struct {
				Items      []claimRow `json:"items"`
				NextCursor *string    `json:"next_cursor"`
			}
			path := "/api/v1/claims?limit=100&listing_id=" + ls.id
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			if err := getRetry(ctx, w.admin, path, &page); err != nil {
				return v, err
			}
			rows = append(rows, page.Items...)
			if page.NextCursor == nil || *page.NextCursor == "" {
				break
			}
			cursor = *page.NextCursor
		}
		type edge struct {
			at time.Time
			d  int64
		}
		var edges []edge
		for _, r := range rows {
			v.claims++
			byNote[r.Note] = append(byNote[r.Note], r)
			if r.Status != "pending" && r.Status != "approved" {
				continue
			}
			v.live++
			occs, err := occurrences(r.Window.Start, r.Window.End, r.Window.RRule)
			if err != nil {
				v.unchecked++
				continue
			}
			for _, o := range occs {
				edges = append(edges, edge{o[0], r.Quantity}, edge{o[1], -r.Quantity})
			}
		}
		// Ends before starts at the same instant: windows are half-open.
		sort.Slice(edges, func(i, j int) bool {
			if !edges[i].at.Equal(edges[j].at) {
				return edges[i].at.Before(edges[j].at)
			}
			return edges[i].d < edges[j].d
		})
		var held, peak int64
		for _, e := range edges {
			held += e.d
			peak = max(peak, held)
		}
		if peak > cur.Quantity {
			v.violations++
			v.violationsByListng[ls.id] = peak - cur.Quantity
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	v.acked, v.refused, v.unknown = len(l.acked), len(l.refused), len(l.unknown)
	for key, id := range l.acked {
		rs := byNote[key]
		found := false
		for _, r := range rs {
			found = found || r.ID == id
		}
		if !found {
			v.lost++
		}
	}
	for note, rs := range byNote {
		if len(rs) > 1 {
			v.duplicated += len(rs) - 1
		}
		if _, ok := l.acked[note]; !ok && !l.unknown[note] && len(rs) > 0 {
			v.unexpected += len(rs) // created although the client was told it was refused
		}
	}
	return v, nil
}

// occurrences expands a claim's window: the first occurrence and its RRULE (bounded by the
// effective UNTIL the service states), in the listings' zone.
func occurrences(start, end time.Time, rule string) ([][2]time.Time, error) {
	if rule == "" {
		return [][2]time.Time{{start, end}}, nil
	}
	opt, err := rrule.StrToROption(rule)
	if err != nil {
		return nil, err
	}
	opt.Dtstart = start.In(shanghai)
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, err
	}
	d := end.Sub(start)
	var out [][2]time.Time
	for _, o := range r.Between(start.Add(-time.Second), start.AddDate(2, 0, 0), true) {
		out = append(out, [2]time.Time{o, o.Add(d)})
	}
	return out, nil
}
