package api_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/repository"
)

func basicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

func TestOAuthTokenForms(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		created := registerApp(t, w.Admin, w.UnitID, "listings:read", "claims:write")
		id, secret := created["client_id"].(string), created["client_secret"].(string)

		// A form body, as OAuth libraries send it; no scope asks for every granted one.
		res := appToken(s, id, secret, "")
		tok := res.Expect(http.StatusOK)
		if tok["token_type"] != "Bearer" || tok["access_token"] == "" || tok["expires_in"].(float64) <= 0 || tok["scope"] != "listings:read claims:write" {
			t.Fatalf("token: %v", tok)
		}
		if _, ok := tok["refresh_token"]; ok {
			t.Fatal("client credentials get no refresh token")
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("Cache-Control %q", res.Header.Get("Cache-Control"))
		}
		// JSON, narrowed to one scope.
		js := s.Anon().Do("POST", "/api/v1/oauth/token", map[string]string{
			"grant_type": "client_credentials", "client_id": id, "client_secret": secret, "scope": "listings:read",
		}).Expect(http.StatusOK)
		if js["scope"] != "listings:read" {
			t.Fatalf("json: %v", js)
		}
		// HTTP Basic client authentication.
		basic := s.Anon().With("Authorization", basicAuth(id, secret)).With("Content-Type", "application/x-www-form-urlencoded").
			Do("POST", "/api/v1/oauth/token", "grant_type=client_credentials&scope=claims%3Awrite").Expect(http.StatusOK)
		if basic["scope"] != "claims:write" {
			t.Fatalf("basic: %v", basic)
		}

		// /me describes the app.
		app := s.Anon()
		app.Token = tok["access_token"].(string)
		me := app.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		if me["role"] != "app" || me["id"] != created["id"] || me["username"] != id || me["display_name"] != "停车小程序" ||
			me["org_id"] != w.UnitID || strings.Join(toStrings(me["scopes"]), " ") != "listings:read claims:write" {
			t.Fatalf("me: %v", me)
		}
		app.Do("GET", "/api/v1/clients", nil).Problem(http.StatusForbidden, "forbidden")
	})
}

func TestOAuthTokenErrors(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.Admin()
		district := admin.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)["org_id"].(string)
		unit := admin.Org("unit", "市第一中学", admin.Org("street", "五星街道", district, nil), nil)
		created := registerApp(t, admin, unit, "listings:read")
		id, secret := created["client_id"].(string), created["client_secret"].(string)
		form := s.Anon().With("Content-Type", "application/x-www-form-urlencoded")
		oauthProblem := func(r *apitest.Response, status int, code, oauthErr string) map[string]any {
			t.Helper()
			p := r.Problem(status, code)
			if p["error"] != oauthErr {
				t.Fatalf("error %v, want %s: %v", p["error"], oauthErr, p)
			}
			for _, c := range p["error_description"].(string) {
				if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
					t.Fatalf("error_description %q has a character RFC 6749 forbids", p["error_description"])
				}
			}
			return p
		}

		oauthProblem(appToken(s, id, "gjs_wrong", ""), http.StatusUnauthorized, "unauthenticated", "invalid_client")
		oauthProblem(appToken(s, "gj_unknown", secret, ""), http.StatusUnauthorized, "unauthenticated", "invalid_client")
		res := s.Anon().With("Authorization", basicAuth(id, "gjs_wrong")).With("Content-Type", "application/x-www-form-urlencoded").
			Do("POST", "/api/v1/oauth/token", "grant_type=client_credentials")
		oauthProblem(res, http.StatusUnauthorized, "unauthenticated", "invalid_client")
		if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Basic ") {
			t.Fatalf("WWW-Authenticate %q", res.Header.Get("WWW-Authenticate"))
		}
		oauthProblem(form.Do("POST", "/api/v1/oauth/token", "grant_type=password&client_id="+id+"&client_secret="+secret),
			http.StatusBadRequest, "validation_failed", "unsupported_grant_type")
		oauthProblem(form.Do("POST", "/api/v1/oauth/token", "client_id="+id+"&client_secret="+secret),
			http.StatusBadRequest, "validation_failed", "invalid_request")
		p := oauthProblem(appToken(s, id, secret, "listings:read listings:write"), http.StatusBadRequest, "validation_failed", "invalid_scope")
		if f := p["errors"].([]any)[0].(map[string]any)["field"]; f != "scope" {
			t.Fatalf("invalid scope field %v", f)
		}
		oauthProblem(s.Anon().Do("POST", "/api/v1/oauth/token", map[string]string{"grant_type": "client_credentials", "client_id": id, "client_secret": secret, "audience": "x"}),
			http.StatusBadRequest, "validation_failed", "invalid_request")
		oauthProblem(s.Anon().With("Authorization", basicAuth(id, secret)).Do("POST", "/api/v1/oauth/token",
			map[string]string{"grant_type": "client_credentials", "client_secret": secret}),
			http.StatusBadRequest, "validation_failed", "invalid_request")
		oauthProblem(s.Anon().With("Content-Type", "text/plain").Do("POST", "/api/v1/oauth/token", "grant_type=client_credentials"),
			http.StatusUnsupportedMediaType, "validation_failed", "invalid_request")
	})
}

// TestOAuthTokenRateLimited: the token endpoint slows secret guessing as /auth/login does.
func TestOAuthTokenRateLimited(t *testing.T) {
	t.Parallel()
	s := apitest.Start(t, repository.SQLite, nil)
	for i := 0; i < 60; i++ {
		res := appToken(s, "gj_unknown", "gjs_guess", "")
		if res.Code == http.StatusTooManyRequests {
			res.Problem(http.StatusTooManyRequests, "rate_limited")
			if res.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			return
		}
		res.Problem(http.StatusUnauthorized, "unauthenticated")
	}
	t.Fatal("30 guesses in a row were never rate limited")
}

// TestAppActsForItsOrg: an app does what its org may, within its scopes (API.md §9).
func TestAppActsForItsOrg(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		offer := w.Staff.Listing("offers", "parking", 10, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=30")}, nil)
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		created := registerApp(t, w.Admin, w.UnitID, "listings:read", "claims:write")
		id, secret := created["client_id"].(string), created["client_secret"].(string)
		app := asApp(t, s, id, secret, "")

		items := app.Do("GET", "/api/v1/offers", nil).Expect(http.StatusOK)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != offer["id"] {
			t.Fatalf("offers: %v", items)
		}
		app.Do("GET", "/api/v1/offers/"+offer["id"].(string), nil).Expect(http.StatusOK)
		// No listings:write: the app may not post, not even for its own org.
		app.Do("POST", "/api/v1/offers", map[string]any{
			"category": "parking", "title": "夜间停车", "quantity": 5,
			"location": map[string]any{"lat": 24.3264, "lng": 109.4281, "address": "五星街"},
			"windows":  []map[string]any{apitest.Window(start, end, "")},
		}).Problem(http.StatusForbidden, "forbidden")

		// claims:write: the app claims as its unit.
		claim := app.Claim(offer["id"].(string), 3, apitest.Window(start, end, "")).Expect(http.StatusCreated)
		if claim["claimant_org_id"] != w.UnitID || claim["owner_org_id"] != w.CommunityID || claim["status"] != "pending" {
			t.Fatalf("claim: %v", claim)
		}
		// The unit's liaison sees the claim the app made, with the app as the actor.
		seen := w.Liaison.Do("GET", "/api/v1/claims/"+claim["id"].(string), nil).Expect(http.StatusOK)
		if h := seen["history"].([]any); h[0].(map[string]any)["actor_id"] != id {
			t.Fatalf("history: %v", h)
		}
		// Without claims:read it cannot list claims.
		app.Do("GET", "/api/v1/claims", nil).Problem(http.StatusForbidden, "forbidden")

		// A token narrowed to listings:read cannot claim, although the app could.
		narrow := asApp(t, s, id, secret, "listings:read")
		narrow.Claim(offer["id"].(string), 1, apitest.Window(start, end, "")).Problem(http.StatusForbidden, "forbidden")
		narrow.Do("GET", "/api/v1/offers", nil).Expect(http.StatusOK)
	})
}
