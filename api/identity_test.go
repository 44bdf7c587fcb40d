package api_test

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
)

// behindProxy starts a server on engine that believes X-Forwarded-For from the loopback proxy, so
// a test can log in "from" several client addresses.
func behindProxy(t *testing.T, engine string) *apitest.Server {
	t.Helper()
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	_, loopback6, _ := net.ParseCIDR("::1/128")
	return apitest.Start(t, engine, func(c *app.Config) { c.TrustedProxies = []*net.IPNet{loopback, loopback6} })
}

func eachBehindProxy(t *testing.T, fn func(t *testing.T, s *apitest.Server)) {
	for _, engine := range engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, behindProxy(t, engine))
		})
	}
}

func loginFrom(s *apitest.Server, addr, username, password string) *apitest.Response {
	return s.Anon().With("X-Forwarded-For", addr).Do("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password})
}

// answer is what a client can tell from a login response.
func answer(r *apitest.Response) string {
	p := r.Map()
	return fmt.Sprintf("%d %v %v %v retry-after=%q", r.Code, p["code"], p["title"], p["detail"], r.Header.Get("Retry-After"))
}

// TestLoginLockoutIndistinguishable: an unknown username meets the same answers after the same
// number of failures as a real one, and a lock from one address does not lock the real user out
// from another.
func TestLoginLockoutIndistinguishable(t *testing.T) {
	t.Parallel()
	eachBehindProxy(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		var real, ghost []string
		for i := range domain.AddressLimit.Free + 2 {
			real = append(real, answer(loginFrom(s, "198.51.100.7", "liaison", "wrong-guess-"+strconv.Itoa(i))))
			ghost = append(ghost, answer(loginFrom(s, "198.51.100.7", "no-such-user", "wrong-guess-"+strconv.Itoa(i))))
		}
		for i := range real {
			if real[i] != ghost[i] {
				t.Fatalf("attempt %d: real account %q, unknown username %q", i+1, real[i], ghost[i])
			}
		}
		r := loginFrom(s, "198.51.100.7", "liaison", "wrong")
		r.Problem(http.StatusTooManyRequests, "rate_limited")
		if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 61 {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
		for i, a := range real {
			want := http.StatusUnauthorized
			if i >= domain.AddressLimit.Free {
				want = http.StatusTooManyRequests
			}
			if a[:3] != strconv.Itoa(want) {
				t.Fatalf("attempt %d answered %s, want %d", i+1, a, want)
			}
		}
		// The right password from the locked address waits too; from elsewhere it works, and
		// sessions already open are unaffected.
		loginFrom(s, "198.51.100.7", "liaison", apitest.Password).Problem(http.StatusTooManyRequests, "rate_limited")
		loginFrom(s, "203.0.113.9", "liaison", apitest.Password).Expect(http.StatusOK)
		loginFrom(s, "198.51.100.7", "staff", apitest.Password).Expect(http.StatusOK)
		w.Liaison.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)

		// A guesser spreading over many addresses meets the per-account lock, for an unknown
		// username exactly as for a real one.
		for _, user := range []string{"liaison2", "ghost2"} {
			var last *apitest.Response
			for i := range domain.AccountLimit.Free {
				last = loginFrom(s, fmt.Sprintf("2001:db8:%x::1", i), user, "spread-guess")
				last.Problem(http.StatusUnauthorized, "unauthenticated")
			}
			loginFrom(s, "2001:db8:ffff::1", user, "spread-guess").Problem(http.StatusTooManyRequests, "rate_limited")
		}
		loginFrom(s, "192.0.2.200", "liaison2", apitest.Password).Problem(http.StatusTooManyRequests, "rate_limited")
	})
}

// TestLoginLockoutUnderParallelGuesses: guesses sent at once cannot slip past the lock; exactly
// AddressLimit.Free of them are checked.
func TestLoginLockoutUnderParallelGuesses(t *testing.T) {
	t.Parallel()
	eachBehindProxy(t, func(t *testing.T, s *apitest.Server) {
		s.NewWorld()
		for j, user := range []string{"liaison", "nobody-here"} {
			const n = 16
			addr := fmt.Sprintf("198.51.100.%d", 20+j)
			codes := make([]int, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes[i] = loginFrom(s, addr, user, "parallel-"+strconv.Itoa(i)).Code
				}()
			}
			wg.Wait()
			count := map[int]int{}
			for _, c := range codes {
				count[c]++
			}
			if count[http.StatusUnauthorized] != domain.AddressLimit.Free || count[http.StatusTooManyRequests] != n-domain.AddressLimit.Free {
				t.Fatalf("%s: answers %v, want %d×401 and the rest 429", user, count, domain.AddressLimit.Free)
			}
		}
	})
}

// TestSessionsEndOnDeactivationAndPasswordChange: both end every session of the user at once,
// access and refresh tokens alike.
func TestSessionsEndOnDeactivationAndPasswordChange(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		refresh := func(c *apitest.Client) *apitest.Response {
			return s.Anon().Do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": c.Refresh})
		}

		// Password change by the user themself: the session used for it ends too.
		me := w.Liaison.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		other := s.Login("liaison", apitest.Password)
		w.Liaison.Do("PATCH", "/api/v1/users/"+me["id"].(string), map[string]any{"password": "a-new-password"}).Expect(http.StatusOK)
		for _, c := range []*apitest.Client{w.Liaison, other} {
			c.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
			refresh(c).Problem(http.StatusUnauthorized, "unauthenticated")
		}
		s.Anon().Do("POST", "/api/v1/auth/login", map[string]string{"username": "liaison", "password": apitest.Password}).
			Problem(http.StatusUnauthorized, "unauthenticated")
		fresh := s.Login("liaison", "a-new-password")
		fresh.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		// A profile edit without a password keeps sessions.
		fresh.Do("PATCH", "/api/v1/users/"+me["id"].(string), map[string]any{"display_name": "联络员"}).Expect(http.StatusOK)
		fresh.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		next := refresh(fresh).Expect(http.StatusOK)

		// Password reset by a manager.
		staffMe := w.Staff.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		w.Coordinator.Do("PATCH", "/api/v1/users/"+staffMe["id"].(string), map[string]any{"password": "reset-by-coord"}).Expect(http.StatusOK)
		w.Staff.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
		refresh(w.Staff).Problem(http.StatusUnauthorized, "unauthenticated")

		// Deactivation: access and refresh of every session end.
		second := s.Login("liaison2", apitest.Password)
		l2 := w.Liaison2.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		w.Coordinator.Do("DELETE", "/api/v1/users/"+l2["id"].(string), nil).Expect(http.StatusNoContent)
		for _, c := range []*apitest.Client{w.Liaison2, second} {
			c.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
			refresh(c).Problem(http.StatusUnauthorized, "unauthenticated")
		}
		s.Anon().Do("POST", "/api/v1/auth/login", map[string]string{"username": "liaison2", "password": apitest.Password}).
			Problem(http.StatusUnauthorized, "unauthenticated")

		// The liaison's rotated session still works.
		c := s.Anon()
		c.Token = next["access_token"].(string)
		c.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
	})
}

// BenchmarkFailedLogin compares a wrong password for a real account with any password for a
// username that does not exist (each attempt from a fresh address, so no lock answers first):
// both count the attempt under the throttle locks, look the username up and run one bcrypt
// comparison, so their times should match. The reference is each other. Unknown usernames vary
// (ghost-1, ghost-2, ...), and the real account logs in well now and then (not timed), so that
// neither meets the per-account lock.
func BenchmarkFailedLogin(b *testing.B) {
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	s := apitest.Start(b, repository.SQLite, func(c *app.Config) {
		c.TrustedProxies = []*net.IPNet{loopback}
		c.BcryptCost = 10 // the production default, so bcrypt weighs as it does in production
	})
	s.NewWorld()
	client := &http.Client{}
	for _, user := range []string{"liaison", "ghost"} {
		b.Run(user, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				name := user
				if user == "ghost" {
					name = "ghost-" + strconv.Itoa(i)
				} else if i%20 == 1 {
					b.StopTimer()
					loginFrom(s, "192.0.2.1", user, apitest.Password).Expect(http.StatusOK)
					b.StartTimer()
				}
				body := strings.NewReader(`{"username":"` + name + `","password":"wrong-password"}`)
				req, _ := http.NewRequest("POST", s.URL+"/api/v1/auth/login", body)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
				res, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusUnauthorized {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}
