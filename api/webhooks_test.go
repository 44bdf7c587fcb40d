package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/repository/repotest"
)

// publicURL is a public address literal, so creating with it needs no DNS; nothing is sent to
// it in these tests.
const publicURL = "https://93.184.215.14/hooks/gongjian"

// eachAllowPrivate is apitest.Each on servers started with GONGJIAN_WEBHOOK_ALLOW_PRIVATE=true.
func eachAllowPrivate(t *testing.T, fn func(t *testing.T, s *apitest.Server)) {
	t.Helper()
	for _, engine := range repotest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, apitest.Start(t, engine, func(c *app.Config) { c.WebhookAllowPrivate = true }))
		})
	}
}

func hook(url string, events ...string) map[string]any {
	return map[string]any{"url": url, "events": events}
}

// fieldCode returns the field and code of a problem's first field error.
func fieldCode(p map[string]any) (string, string) {
	e := p["errors"].([]any)[0].(map[string]any)
	return e["field"].(string), e["code"].(string)
}

func TestWebhookValidation(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		for _, tc := range []struct {
			body        any
			field, code string
		}{
			{hook("http://93.184.215.14/x", "claim.created"), "url", "invalid"},
			{hook("ftp://93.184.215.14/x", "claim.created"), "url", "invalid"},
			{hook("/relative", "claim.created"), "url", "invalid"},
			{hook("https://user:pw@93.184.215.14/x", "claim.created"), "url", "invalid"},
			{hook("https://93.184.215.14/"+strings.Repeat("a", 2048), "claim.created"), "url", "too_long"},
			{hook("https://127.0.0.1/x", "claim.created"), "url", "private_address"},
			{hook("https://localhost:8443/x", "claim.created"), "url", "private_address"},
			{hook("https://10.1.2.3/x", "claim.created"), "url", "private_address"},
			{hook("https://192.168.1.1/x", "claim.created"), "url", "private_address"},
			{hook("https://169.254.169.254/latest/meta-data", "claim.created"), "url", "private_address"},
			{hook("https://100.64.0.1/x", "claim.created"), "url", "private_address"},
			{hook("https://[::1]/x", "claim.created"), "url", "private_address"},
			{hook("https://[fd00::1]/x", "claim.created"), "url", "private_address"},
			{hook("https://[::ffff:127.0.0.1]/x", "claim.created"), "url", "private_address"},
			{hook("https://0.0.0.0/x", "claim.created"), "url", "private_address"},
			{hook("https://[2002:a00:1::1]/x", "claim.created"), "url", "private_address"},
			{hook("https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/x", "claim.created"), "url", "private_address"},
			{hook("https://198.18.0.1/x", "claim.created"), "url", "private_address"},
			{hook("https://[::ffff:c612:1]/x", "claim.created"), "url", "private_address"},
			{hook(publicURL, "claim.created", "claim.exploded"), "events[1]", "unknown"},
			{hook(publicURL), "events", "required"},
			{map[string]any{"events": []string{"claim.created"}}, "url", "required"},
		} {
			p := w.Liaison.Do("POST", "/api/v1/webhooks", tc.body).Problem(http.StatusUnprocessableEntity, "validation_failed")
			if f, c := fieldCode(p); f != tc.field || c != tc.code {
				t.Errorf("%v: %s %s, want %s %s", tc.body, f, c, tc.field, tc.code)
			}
		}
		w.Liaison.Do("POST", "/api/v1/webhooks", map[string]any{"url": publicURL, "events": []string{"claim.created"}, "secret": "mine"}).
			Problem(http.StatusUnprocessableEntity, "validation_failed")
		s.Anon().Do("POST", "/api/v1/webhooks", hook(publicURL, "claim.created")).Problem(http.StatusUnauthorized, "unauthenticated")
	})
}

func TestWebhookAllowPrivate(t *testing.T) {
	t.Parallel()
	eachAllowPrivate(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		for _, u := range []string{"http://127.0.0.1:9/x", "https://localhost/x", "http://10.0.0.1/x"} {
			if got := w.Liaison.Do("POST", "/api/v1/webhooks", hook(u, "claim.created")).Expect(http.StatusCreated); got["url"] != u {
				t.Fatalf("created %v", got)
			}
		}
		// The flag relaxes the address checks, not the rest.
		p := w.Liaison.Do("POST", "/api/v1/webhooks", hook("ftp://127.0.0.1/x", "claim.created")).Problem(http.StatusUnprocessableEntity, "validation_failed")
		if f, c := fieldCode(p); f != "url" || c != "invalid" {
			t.Fatalf("ftp: %s %s", f, c)
		}
	})
}

func TestWebhookSecretAndVisibility(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		body := hook(publicURL, "claim.approved", "claim.created", "claim.created")
		idem := w.Liaison.With("Idempotency-Key", "hook-1")
		res := idem.Do("POST", "/api/v1/webhooks", body)
		created := res.Expect(http.StatusCreated)
		secret, _ := created["secret"].(string)
		if !strings.HasPrefix(secret, "gjwh_") || len(secret) < 5+43 || created["id"] == "" || created["created_at"] == nil ||
			created["org_id"] != w.UnitID || created["street_id"] != nil || strings.Join(toStrings(created["events"]), " ") != "claim.created claim.approved" {
			t.Fatalf("created: %v", created)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("Cache-Control %q", res.Header.Get("Cache-Control"))
		}
		id := created["id"].(string)
		// Shown once: not in a replay, GET or the list.
		if again := idem.Do("POST", "/api/v1/webhooks", body).Expect(http.StatusCreated); again["id"] != id || again["secret"] != nil {
			t.Fatalf("replay: %v", again)
		}
		got := w.Liaison.Do("GET", "/api/v1/webhooks/"+id, nil).Expect(http.StatusOK)
		if _, ok := got["secret"]; ok || got["url"] != publicURL {
			t.Fatalf("get: %v", got)
		}
		list := w.Liaison.Do("GET", "/api/v1/webhooks", nil)
		if strings.Contains(string(list.Body), secret) || len(list.Expect(http.StatusOK)["items"].([]any)) != 1 {
			t.Fatalf("list: %s", list.Body)
		}

		// Coordinators get their street, admins everything, apps need events:read.
		if c := w.Coordinator.Do("POST", "/api/v1/webhooks", body).Expect(http.StatusCreated); c["street_id"] != w.StreetID || c["org_id"] != nil {
			t.Fatalf("coordinator: %v", c)
		}
		if a := w.Admin.Do("POST", "/api/v1/webhooks", body).Expect(http.StatusCreated); a["street_id"] != nil || a["org_id"] != nil {
			t.Fatalf("admin: %v", a)
		}
		feedApp(t, s, w.Admin, w.UnitID, "claims:read").Do("POST", "/api/v1/webhooks", body).Problem(http.StatusForbidden, "forbidden")
		if a := feedApp(t, s, w.Admin, w.UnitID, "events:read").Do("POST", "/api/v1/webhooks", body).Expect(http.StatusCreated); a["org_id"] != w.UnitID {
			t.Fatalf("app: %v", a)
		}

		// Others' webhooks are not there for them; admins see all.
		w.Liaison2.Do("GET", "/api/v1/webhooks/"+id, nil).Problem(http.StatusNotFound, "not_found")
		w.Liaison2.Do("GET", "/api/v1/webhooks/"+id+"/deliveries", nil).Problem(http.StatusNotFound, "not_found")
		w.Liaison2.Do("DELETE", "/api/v1/webhooks/"+id, nil).Problem(http.StatusNotFound, "not_found")
		if n := len(w.Liaison2.Do("GET", "/api/v1/webhooks", nil).Expect(http.StatusOK)["items"].([]any)); n != 0 {
			t.Fatalf("liaison2 lists %d webhooks", n)
		}
		w.Admin.Do("GET", "/api/v1/webhooks/"+id, nil).Expect(http.StatusOK)
		page := w.Admin.Do("GET", "/api/v1/webhooks?limit=2", nil).Expect(http.StatusOK)
		next, _ := page["next_cursor"].(string)
		rest := w.Admin.Do("GET", "/api/v1/webhooks?limit=2&cursor="+next, nil).Expect(http.StatusOK)
		if len(page["items"].([]any)) != 2 || next == "" || len(rest["items"].([]any)) != 2 {
			t.Fatalf("admin pages: %v / %v", page, rest)
		}
		if d := w.Liaison.Do("GET", "/api/v1/webhooks/"+id+"/deliveries", nil).Expect(http.StatusOK); len(d["items"].([]any)) != 0 {
			t.Fatalf("deliveries: %v", d)
		}

		w.Liaison.Do("DELETE", "/api/v1/webhooks/"+id, nil).Expect(http.StatusNoContent)
		w.Liaison.Do("GET", "/api/v1/webhooks/"+id, nil).Problem(http.StatusNotFound, "not_found")
		w.Liaison.Do("DELETE", "/api/v1/webhooks/"+id, nil).Problem(http.StatusNotFound, "not_found")
	})
}
