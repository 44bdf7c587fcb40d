package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/tokens"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		anon := s.Anon()
		ok := anon.Do("POST", "/api/v1/auth/login", map[string]string{"username": "ADMIN", "password": apitest.AdminPassword}).Expect(http.StatusOK)
		if ok["token_type"] != "Bearer" || ok["access_token"] == "" || ok["refresh_token"] == "" || ok["expires_in"].(float64) <= 0 {
			t.Fatalf("login response: %v", ok)
		}
		anon.Do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "wrong-password"}).Problem(http.StatusUnauthorized, "unauthenticated")
		anon.Do("POST", "/api/v1/auth/login", map[string]string{"username": "nobody", "password": "whatever-it-is"}).Problem(http.StatusUnauthorized, "unauthenticated")

		admin := s.Admin()
		me := admin.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		if me["username"] != "admin" || me["role"] != "admin" || me["org_id"] == "" || len(me["scopes"].([]any)) == 0 {
			t.Fatalf("me: %v", me)
		}
		anon.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
	})
}

func TestRefreshRotationAndReuse(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := s.Admin()
		anon := s.Anon()
		first := c.Refresh
		r1 := anon.Do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first}).Expect(http.StatusOK)
		second := r1["refresh_token"].(string)
		if second == first {
			t.Fatal("refresh token not rotated")
		}
		c2 := *c
		c2.Token = r1["access_token"].(string)
		c2.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)

		// Presenting the spent token again revokes the whole login: the new refresh token and
		// both access tokens stop working.
		anon.Do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first}).Problem(http.StatusUnauthorized, "unauthenticated")
		anon.Do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": second}).Problem(http.StatusUnauthorized, "unauthenticated")
		c2.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
		c.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")

		// Another login is unaffected, and logout ends it.
		other := s.Admin()
		other.Do("POST", "/api/v1/auth/logout", map[string]string{"refresh_token": other.Refresh}).Expect(http.StatusNoContent)
		other.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
		anon.Do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": other.Refresh}).Problem(http.StatusUnauthorized, "unauthenticated")
		anon.Do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": "made-up"}).Problem(http.StatusUnauthorized, "unauthenticated")
	})
}

func TestRejectedTokens(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		good := s.Admin()
		keys, err := repository.NewKeys(s.App.DB).ListKeys(context.Background())
		if err != nil || len(keys) == 0 {
			t.Fatalf("keys: %v %v", keys, err)
		}
		key := keys[0]
		// Take the subject and session of a real login so that only the property under test is wrong.
		parsed, _, err := jwt.NewParser().ParseUnverified(good.Token, jwt.MapClaims{})
		if err != nil {
			t.Fatal(err)
		}
		valid := parsed.Claims.(jwt.MapClaims)
		now := time.Now()
		claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
			m := jwt.MapClaims{}
			for k, v := range valid {
				m[k] = v
			}
			m["exp"], m["iat"], m["nbf"] = now.Add(time.Minute).Unix(), now.Unix(), now.Unix()
			if edit != nil {
				edit(m)
			}
			return m
		}
		sign := func(m jwt.MapClaims, method jwt.SigningMethod, secret any) string {
			tok := jwt.NewWithClaims(method, m)
			tok.Header["kid"] = key.Kid
			str, err := tok.SignedString(secret)
			if err != nil {
				t.Fatal(err)
			}
			return str
		}
		control := sign(claims(nil), jwt.SigningMethodHS256, key.Secret)
		noneTok := sign(claims(nil), jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType)
		parts := strings.Split(control, ".")
		tampered := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
		cases := map[string]string{
			"alg none":        noneTok,
			"wrong algorithm": sign(claims(nil), jwt.SigningMethodHS512, key.Secret),
			"bad signature":   tampered,
			"other key":       sign(claims(nil), jwt.SigningMethodHS256, []byte("another-secret-another-secret-32")),
			"expired":         sign(claims(func(m jwt.MapClaims) { m["exp"] = now.Add(-time.Hour).Unix() }), jwt.SigningMethodHS256, key.Secret),
			"no expiry":       sign(claims(func(m jwt.MapClaims) { delete(m, "exp") }), jwt.SigningMethodHS256, key.Secret),
			"wrong issuer":    sign(claims(func(m jwt.MapClaims) { m["iss"] = "someone-else" }), jwt.SigningMethodHS256, key.Secret),
			"wrong audience":  sign(claims(func(m jwt.MapClaims) { m["aud"] = []string{"other-api"} }), jwt.SigningMethodHS256, key.Secret),
			"garbage":         "not.a.jwt",
		}
		// The control token, forged with the same key and claims, works: so each failure below is
		// caused by the one property that differs.
		ctl := *good
		ctl.Token = control
		ctl.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		if valid["iss"] != tokens.Issuer {
			t.Fatalf("issuer %v", valid["iss"])
		}
		for name, tok := range cases {
			c := *good
			c.Token = tok
			r := c.Do("GET", "/api/v1/me", nil)
			if r.Code != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", name, r.Code)
				continue
			}
			r.Problem(http.StatusUnauthorized, "unauthenticated")
		}
	})
}

// A key added by another replica (or `gongjian keys rotate`) verifies at once: an unknown kid
// reloads the ring.
func TestKeyAddedElsewhereVerifies(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := s.Admin()
		store := repository.NewKeys(s.App.DB)
		kid, err := store.AddKey(context.Background(), time.Now().Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		keys, err := store.ListKeys(context.Background())
		if err != nil || keys[0].Kid != kid {
			t.Fatalf("newest key %v, want %s (%v)", keys, kid, err)
		}
		parsed, _, err := jwt.NewParser().ParseUnverified(c.Token, jwt.MapClaims{})
		if err != nil {
			t.Fatal(err)
		}
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, parsed.Claims)
		tok.Header["kid"] = kid
		signed, err := tok.SignedString(keys[0].Secret)
		if err != nil {
			t.Fatal(err)
		}
		fresh := *c
		fresh.Token = signed
		fresh.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		c.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK) // the old key still verifies
	})
}

// The login limit keys on the peer address: a forged X-Forwarded-For does not buy more attempts.
func TestLoginRateLimitIgnoresForwardedFor(t *testing.T) {
	t.Parallel()
	s := apitest.Start(t, repository.SQLite, nil)
	limited := false
	// Unknown usernames, so that no account lock answers first.
	for i := 0; i < 60 && !limited; i++ {
		c := s.Anon().With("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		r := c.Do("POST", "/api/v1/auth/login", map[string]string{"username": fmt.Sprintf("nobody%d", i), "password": "wrong-password"})
		if r.Code == http.StatusTooManyRequests {
			r.Problem(http.StatusTooManyRequests, "rate_limited")
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			limited = true
		}
	}
	if !limited {
		t.Fatal("60 rapid failed logins from one peer were never limited")
	}
}
