package api_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
)

// clock is an injected clock that tests move.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func startWithClock(t *testing.T, engine string, clk *clock, tweak func(*app.Config)) *apitest.Server {
	return apitest.Start(t, engine, func(cfg *app.Config) {
		cfg.Clock = clk.Now
		if tweak != nil {
			tweak(cfg)
		}
	})
}

func offerBody() map[string]any {
	start, end := apitest.Night(1)
	return map[string]any{"category": "parking", "title": "t", "quantity": 2,
		"windows": []map[string]any{apitest.Window(start, end, "")}, "location": map[string]any{"lat": 24.3, "lng": 109.4}}
}

// TestIdempotencyAfterCrash kills a creating request (no answer, no clean-up, as kill -9 would)
// at the two points that used to leave a key stuck: after its key is reserved and before its
// transaction commits, and after the commit before its answer is stored. A retry with the same
// key and body gets 409 with Retry-After while the lease runs, then a 2xx naming the one
// resource there is.
func TestIdempotencyAfterCrash(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		for _, point := range []string{"reserved", "committed"} {
			t.Run(engine+"/"+point, func(t *testing.T) {
				t.Parallel()
				clk := newClock()
				s := startWithClock(t, engine, clk, nil)
				w := s.NewWorld()
				var armed atomic.Bool
				armed.Store(true)
				s.App.Crash = func(p string) bool { return p == point && armed.CompareAndSwap(true, false) }
				c := w.Liaison.With("Idempotency-Key", "crash-"+point)
				// Go's transport retries a request carrying Idempotency-Key once when its
				// connection drops, so the crashed call ends either in that error or in the
				// retry's 409.
				if r, err := c.Try("POST", "/api/v1/offers", offerBody()); err == nil && r.Code != http.StatusConflict {
					t.Fatalf("the crashed request answered %d %s", r.Code, r.Body)
				}
				r := c.Do("POST", "/api/v1/offers", offerBody())
				r.Problem(http.StatusConflict, "conflict")
				if r.Header.Get("Retry-After") == "" {
					t.Fatal("409 while the lease runs has no Retry-After")
				}
				clk.Add(s.App.Config.RequestTimeout + 10*time.Second)
				got := c.Do("POST", "/api/v1/offers", offerBody()).Expect(http.StatusCreated)
				again := c.Do("POST", "/api/v1/offers", offerBody()).Expect(http.StatusCreated)
				if got["id"] != again["id"] {
					t.Fatalf("replay names %v, first answer %v", again["id"], got["id"])
				}
				var list struct {
					Items []map[string]any `json:"items"`
				}
				w.Liaison.Do("GET", "/api/v1/offers?org_id="+w.UnitID, nil).Decode(&list)
				if len(list.Items) != 1 || list.Items[0]["id"] != got["id"] {
					t.Fatalf("%d offers after the crash and retries, want exactly the one answered", len(list.Items))
				}
			})
		}
	}
}

// TestLockPastDeadline holds the offer's row lock (SQLite: the write lock) longer than the request
// deadline: a claim answers 503 unavailable with Retry-After before the lock is released, while
// reads that need no lock and /healthz keep answering.
func TestLockPastDeadline(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := apitest.Start(t, engine, func(cfg *app.Config) { cfg.RequestTimeout = 2 * time.Second })
			w := s.NewWorld()
			s.Agreement(w.Coordinator, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
			start, end := apitest.Night(1)
			offer := w.Liaison.Listing("offers", "parking", 2, []map[string]any{apitest.Window(start, end, "")}, nil)

			ctx := context.Background()
			conn, err := s.App.DB.SQL().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			lock := "BEGIN IMMEDIATE"
			if s.Engine == "postgres" {
				lock = "BEGIN"
			}
			if _, err := conn.ExecContext(ctx, lock); err != nil {
				t.Fatal(err)
			}
			if s.Engine == "postgres" {
				if _, err := conn.ExecContext(ctx, "SELECT id FROM listings WHERE id = $1 FOR UPDATE", offer["id"]); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan *apitest.Response, 1)
			go func() { done <- w.Staff.Claim(offer["id"].(string), 1, apitest.Window(start, end, "")) }()
			w.Liaison.Do("GET", "/api/v1/offers", nil).Expect(http.StatusOK)
			s.Anon().Do("GET", "/healthz", nil).Expect(http.StatusOK)
			var claim *apitest.Response
			select {
			case claim = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("the claim waited for the lock past its deadline")
			}
			claim.Problem(http.StatusServiceUnavailable, "unavailable")
			if claim.Header.Get("Retry-After") == "" {
				t.Fatal("503 without Retry-After")
			}
			if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
				t.Fatal(err)
			}
			w.Staff.Claim(offer["id"].(string), 1, apitest.Window(start, end, "")).Expect(http.StatusCreated)
		})
	}
}

// TestDatabaseOutage stops the database from taking connections (and drops the pool's): every
// request answers 503 unavailable, never 500, and service comes back without a restart.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	if !slices.Contains(engines(), "postgres") {
		t.Skip("needs PostgreSQL (GONGJIAN_TEST_DATABASE_URL)")
	}
	s := apitest.Start(t, "postgres", func(cfg *app.Config) { cfg.RequestTimeout = 3 * time.Second })
	w := s.NewWorld()
	u, err := url.Parse(s.App.Config.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	admin, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	set := func(allow bool) {
		t.Helper()
		q := `ALTER DATABASE "` + name + `" WITH ALLOW_CONNECTIONS ` + map[bool]string{true: "true", false: "false"}[allow]
		if _, err := admin.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	set(false)
	defer set(true)
	if _, err := admin.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/offers", "/api/v1/claims", "/readyz"} {
		r := w.Liaison.Do("GET", path, nil)
		r.Problem(http.StatusServiceUnavailable, "unavailable")
		if r.Header.Get("Retry-After") == "" {
			t.Fatalf("GET %s: 503 without Retry-After", path)
		}
	}
	set(true)
	w.Liaison.Do("GET", "/api/v1/offers", nil).Expect(http.StatusOK)
	s.Anon().Do("GET", "/readyz", nil).Expect(http.StatusOK)
}

// TestProposalClaimsOnlyTheRun: a daily need and a daily offer over months, matched by a run of
// one week. Accepting the proposal claims the need's occurrences inside the week and nothing
// else: the claim's rule ends with the week, and the offer is free the week after.
func TestProposalClaimsOnlyTheRun(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		n1s, n1e := apitest.Night(1)
		daily := apitest.Window(n1s, n1e.Add(-10*time.Hour), "FREQ=DAILY;COUNT=180") // 19:00–21:00
		offer := w.Liaison.Listing("offers", "parking", 1, []map[string]any{daily}, nil)
		w.Staff.Listing("needs", "parking", 1, []map[string]any{daily}, nil)
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)

		from := n1s.Add(-time.Hour)
		to := from.Add(7 * 24 * time.Hour)
		run := w.Coordinator.Do("POST", "/api/v1/matching/runs", map[string]any{"street_id": w.StreetID,
			"from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}).Expect(http.StatusCreated)
		props := run["proposals"].([]any)
		if len(props) != 1 {
			t.Fatalf("proposals: %v", props)
		}
		claim := w.Coordinator.Do("POST", "/api/v1/matching/proposals/"+props[0].(map[string]any)["id"].(string)+"/accept", nil).Expect(http.StatusCreated)
		win := claim["window"].(map[string]any)
		last := n1s.Add(6 * 24 * time.Hour).UTC().Format("20060102T150405Z")
		if !strings.Contains(win["rrule"].(string), "UNTIL="+last) || strings.Contains(win["rrule"].(string), "COUNT") {
			t.Fatalf("claim window %v: want the rule to end at the run's last occurrence (UNTIL=%s)", win, last)
		}
		avail := w.Liaison.Do("GET", "/api/v1/offers/"+offer["id"].(string)+"/availability?from="+
			from.Format(time.RFC3339)+"&to="+to.Add(7*24*time.Hour).Format(time.RFC3339), nil).Expect(http.StatusOK)
		var held, free int
		for _, it := range avail["items"].([]any) {
			o := it.(map[string]any)
			start, _ := time.Parse(time.RFC3339, o["start"].(string))
			inRun := !start.Before(from) && start.Before(to)
			switch {
			case inRun && o["held"].(float64) == 1:
				held++
			case !inRun && o["held"].(float64) == 0:
				free++
			default:
				t.Fatalf("occurrence %v (in the run: %v)", o, inRun)
			}
		}
		if held != 7 || free != 7 {
			t.Fatalf("%d occurrences held in the run, %d free after it; want 7 and 7", held, free)
		}
	})
}

// TestWholeSecondsAndEffectiveUntil: a fractional second in a window is 422 (holds are whole
// seconds; two claims 0.6 s apart used to overlap unseen), and a claim's rule states the bound
// it holds as UNTIL, whether the client gave COUNT or nothing (the 366-day horizon).
func TestWholeSecondsAndEffectiveUntil(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		s.Agreement(w.Coordinator, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		start, end := apitest.Night(1)
		offer := w.Liaison.Listing("offers", "parking", 1, []map[string]any{apitest.Window(start, end, "FREQ=DAILY")}, nil)
		id := offer["id"].(string)
		frac := map[string]any{"start": start.Format(time.RFC3339), "end": end.Add(-600 * time.Millisecond).Format(time.RFC3339Nano)}
		p := w.Staff.Claim(id, 1, frac).Problem(http.StatusUnprocessableEntity, "validation_failed")
		if f, code := fieldCode(p); f != "window.end" || code != "fractional_seconds" {
			t.Fatalf("fractional end: %s %s", f, code)
		}
		body := offerBody()
		body["windows"] = []map[string]any{{"start": start.Add(300 * time.Millisecond).Format(time.RFC3339Nano), "end": end.Format(time.RFC3339)}}
		p = w.Liaison.Do("POST", "/api/v1/offers", body).Problem(http.StatusUnprocessableEntity, "validation_failed")
		if f, code := fieldCode(p); f != "windows[0].start" || code != "fractional_seconds" {
			t.Fatalf("fractional listing start: %s %s", f, code)
		}
		for _, tc := range []struct{ rule, until string }{
			{"FREQ=DAILY;COUNT=3", start.AddDate(0, 0, 2).UTC().Format("20060102T150405Z")},
			{"FREQ=DAILY;INTERVAL=100", start.AddDate(0, 0, 300).UTC().Format("20060102T150405Z")},
		} {
			c := w.Staff.Claim(id, 1, apitest.Window(start, end, tc.rule)).Expect(http.StatusCreated)
			rule := c["window"].(map[string]any)["rrule"].(string)
			if !strings.Contains(rule, "UNTIL="+tc.until) || strings.Contains(rule, "COUNT") {
				t.Fatalf("claim of %s reads %s, want UNTIL=%s", tc.rule, rule, tc.until)
			}
			w.Staff.Do("POST", "/api/v1/claims/"+c["id"].(string)+"/cancel", map[string]any{"reason": "test"}).Expect(http.StatusOK)
		}
	})
}
