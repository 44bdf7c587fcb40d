package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
)

// registerApp has the admin register an app for org with scopes and returns the answer.
func registerApp(t *testing.T, admin *apitest.Client, org string, scopes ...string) map[string]any {
	t.Helper()
	return admin.Do("POST", "/api/v1/clients", map[string]any{"name": "停车小程序", "org_id": org, "scopes": scopes}).Expect(http.StatusCreated)
}

// appToken asks /oauth/token for a token with a form body, as OAuth libraries do.
func appToken(s *apitest.Server, clientID, secret, scope string) *apitest.Response {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
	if scope != "" {
		form.Set("scope", scope)
	}
	return s.Anon().With("Content-Type", "application/x-www-form-urlencoded").Do("POST", "/api/v1/oauth/token", form.Encode())
}

// asApp returns a client authenticated with an app's access token.
func asApp(t *testing.T, s *apitest.Server, clientID, secret, scope string) *apitest.Client {
	t.Helper()
	c := s.Anon()
	c.Token = appToken(s, clientID, secret, scope).Expect(http.StatusOK)["access_token"].(string)
	return c
}

func TestClientRegistration(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		body := map[string]any{"name": "停车小程序", "org_id": w.UnitID, "scopes": []string{"claims:write", "listings:read"}}
		for _, c := range []*apitest.Client{w.Coordinator, w.Staff, w.Liaison} {
			c.Do("POST", "/api/v1/clients", body).Problem(http.StatusForbidden, "forbidden")
			c.Do("GET", "/api/v1/clients", nil).Problem(http.StatusForbidden, "forbidden")
		}
		s.Anon().Do("GET", "/api/v1/clients", nil).Problem(http.StatusUnauthorized, "unauthenticated")

		for field, bad := range map[string]map[string]any{
			"org_id":    {"name": "x", "org_id": w.DistrictID, "scopes": []string{"listings:read"}},
			"scopes[0]": {"name": "x", "org_id": w.UnitID, "scopes": []string{"admin"}},
			"scopes":    {"name": "x", "org_id": w.UnitID, "scopes": []string{}},
			"name":      {"org_id": w.UnitID, "scopes": []string{"listings:read"}},
		} {
			p := w.Admin.Do("POST", "/api/v1/clients", bad).Problem(http.StatusUnprocessableEntity, "validation_failed")
			if f := p["errors"].([]any)[0].(map[string]any)["field"]; f != field {
				t.Errorf("%v: field %v, want %s", bad, f, field)
			}
		}
		w.Admin.Do("POST", "/api/v1/clients", map[string]any{"name": "x", "org_id": "nope", "scopes": []string{"listings:read"}}).
			Problem(http.StatusUnprocessableEntity, "validation_failed")

		idem := w.Admin.With("Idempotency-Key", "register-parking-app")
		res := idem.Do("POST", "/api/v1/clients", body)
		created := res.Expect(http.StatusCreated)
		if !strings.HasPrefix(created["client_id"].(string), "gj_") || !strings.HasPrefix(created["client_secret"].(string), "gjs_") ||
			created["name"] != "停车小程序" || created["org_id"] != w.UnitID || created["created_at"] == nil || created["id"] == "" ||
			strings.Join(toStrings(created["scopes"]), " ") != "listings:read claims:write" {
			t.Fatalf("created: %v", created)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("Cache-Control %q", cc)
		}
		// A retry with the same key is the first answer, not a second app; the secret is shown
		// only once, so the stored answer (and the replay) leaves it out.
		again := idem.Do("POST", "/api/v1/clients", body).Expect(http.StatusCreated)
		if again["client_id"] != created["client_id"] || again["id"] != created["id"] || again["client_secret"] != nil {
			t.Fatalf("replay: %v", again)
		}
		registerApp(t, w.Admin, w.CommunityID, "listings:read")

		first := w.Admin.Do("GET", "/api/v1/clients?limit=1", nil).Expect(http.StatusOK)
		items := first["items"].([]any)
		if len(items) != 1 || first["next_cursor"] == nil {
			t.Fatalf("first page: %v", first)
		}
		listed := items[0].(map[string]any)
		if listed["client_id"] != created["client_id"] || listed["revoked_at"] != nil {
			t.Fatalf("listed: %v", listed)
		}
		if _, ok := listed["client_secret"]; ok {
			t.Fatal("a list must never show a secret")
		}
		second := w.Admin.Do("GET", "/api/v1/clients?limit=1&cursor="+first["next_cursor"].(string), nil).Expect(http.StatusOK)
		if len(second["items"].([]any)) != 1 || second["next_cursor"] != nil {
			t.Fatalf("second page: %v", second)
		}
		byOrg := w.Admin.Do("GET", "/api/v1/clients?org_id="+w.CommunityID, nil).Expect(http.StatusOK)["items"].([]any)
		if len(byOrg) != 1 || byOrg[0].(map[string]any)["org_id"] != w.CommunityID {
			t.Fatalf("by org: %v", byOrg)
		}
		w.Liaison.Do("DELETE", "/api/v1/clients/"+created["id"].(string), nil).Problem(http.StatusForbidden, "forbidden")
		w.Admin.Do("DELETE", "/api/v1/clients/nope", nil).Problem(http.StatusNotFound, "not_found")
	})
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func TestClientRotateAndRevoke(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		created := registerApp(t, w.Admin, w.UnitID, "listings:read")
		id, clientID, old := created["id"].(string), created["client_id"].(string), created["client_secret"].(string)

		w.Coordinator.Do("POST", "/api/v1/clients/"+id+"/rotate-secret", nil).Problem(http.StatusForbidden, "forbidden")
		rotated := w.Admin.Do("POST", "/api/v1/clients/"+id+"/rotate-secret", nil).Expect(http.StatusOK)
		fresh := rotated["client_secret"].(string)
		until, err := time.Parse(time.RFC3339, rotated["previous_secret_expires_at"].(string))
		if err != nil || fresh == old || rotated["client_id"] != clientID || time.Until(until) < 23*time.Hour {
			t.Fatalf("rotated: %v (%v)", rotated, err)
		}
		// Both work during the grace period.
		app := asApp(t, s, clientID, fresh, "")
		asApp(t, s, clientID, old, "")
		app.Do("GET", "/api/v1/offers", nil).Expect(http.StatusOK)

		// Revoking ends the token already issued, at its next request.
		w.Admin.Do("DELETE", "/api/v1/clients/"+id, nil).Expect(http.StatusNoContent)
		app.Do("GET", "/api/v1/offers", nil).Problem(http.StatusUnauthorized, "unauthenticated")
		app.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
		if p := appToken(s, clientID, fresh, "").Problem(http.StatusUnauthorized, "unauthenticated"); p["error"] != "invalid_client" {
			t.Fatalf("token of a revoked app: %v", p)
		}
		w.Admin.Do("DELETE", "/api/v1/clients/"+id, nil).Expect(http.StatusNoContent)
		w.Admin.Do("POST", "/api/v1/clients/"+id+"/rotate-secret", nil).Problem(http.StatusConflict, "invalid_transition")
		listed := w.Admin.Do("GET", "/api/v1/clients", nil).Expect(http.StatusOK)["items"].([]any)[0].(map[string]any)
		if listed["revoked_at"] == nil {
			t.Fatalf("listed: %v", listed)
		}
	})
}

func TestClientRotateWithoutGrace(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := apitest.Start(t, engine, func(c *app.Config) { c.ClientSecretGrace = 0 })
			w := s.NewWorld()
			created := registerApp(t, w.Admin, w.UnitID, "listings:read")
			clientID, old := created["client_id"].(string), created["client_secret"].(string)
			rotated := w.Admin.Do("POST", "/api/v1/clients/"+created["id"].(string)+"/rotate-secret", nil).Expect(http.StatusOK)
			asApp(t, s, clientID, rotated["client_secret"].(string), "")
			if p := appToken(s, clientID, old, "").Problem(http.StatusUnauthorized, "unauthenticated"); p["error"] != "invalid_client" {
				t.Fatalf("old secret without grace: %v", p)
			}
		})
	}
}
