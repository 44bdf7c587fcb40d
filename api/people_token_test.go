package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
)

// TestPersonTokenExchange: RFC 8693 at /oauth/token, refused for unknown, pending and
// deactivated people and for apps without people:act; the token's subject is the person.
func TestPersonTokenExchange(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		id, secret := w.Admin.App(w.CommunityID, "people:write", "people:act")
		app := s.AppClient(id, secret)
		sun := app.Do("POST", "/api/v1/people", map[string]any{"name": "孙丽", "phone": "13912345678", "external_id": "openid-sun"}).Expect(http.StatusCreated)
		oauthError := func(r *apitest.Response, status int, want string) {
			t.Helper()
			if r.Code != status {
				t.Fatalf("status %d, want %d: %s", r.Code, status, r.Body)
			}
			if got := r.Map()["error"]; got != want {
				t.Fatalf("error %v, want %s: %s", got, want, r.Body)
			}
		}
		// Pending, then unknown: invalid_request.
		oauthError(s.ExchangeToken(id, secret, "openid-sun"), http.StatusBadRequest, "invalid_request")
		oauthError(s.ExchangeToken(id, secret, "openid-nobody"), http.StatusBadRequest, "invalid_request")
		w.Staff.Do("POST", "/api/v1/people/"+sun["id"].(string)+"/verify", nil).Expect(http.StatusOK)

		res := s.ExchangeToken(id, secret, "openid-sun")
		tok := res.Expect(http.StatusOK)
		if tok["issued_token_type"] != "urn:ietf:params:oauth:token-type:access_token" || tok["token_type"] != "Bearer" ||
			tok["expires_in"].(float64) <= 0 || tok["access_token"] == "" || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("exchange: %v", tok)
		}
		person := s.Anon()
		person.Token = tok["access_token"].(string)
		me := person.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		if me["role"] != "person" || me["person_id"] != sun["id"] || me["id"] != sun["id"] || me["display_name"] != "孙丽" || me["org_id"] != w.CommunityID {
			t.Fatalf("me: %v", me)
		}

		// JSON works as well as a form; a wrong token type or no subject is invalid_request.
		s.Anon().Do("POST", "/api/v1/oauth/token", map[string]string{
			"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "client_id": id, "client_secret": secret,
			"subject_token": "openid-sun", "subject_token_type": "urn:gongjian:token-type:external-id",
		}).Expect(http.StatusOK)
		form := s.Anon().With("Content-Type", "application/x-www-form-urlencoded")
		exchange := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"}, "client_id": {id}, "client_secret": {secret}}
		oauthError(form.Do("POST", "/api/v1/oauth/token", exchange.Encode()), http.StatusBadRequest, "invalid_request")
		exchange.Set("subject_token", "openid-sun")
		exchange.Set("subject_token_type", "urn:ietf:params:oauth:token-type:jwt")
		oauthError(form.Do("POST", "/api/v1/oauth/token", exchange.Encode()), http.StatusBadRequest, "invalid_request")
		// A wrong secret is invalid_client.
		oauthError(s.ExchangeToken(id, "gjs_wrong", "openid-sun"), http.StatusUnauthorized, "invalid_client")

		// An app without people:act: invalid_scope, even for a verified person it registered.
		writeOnly, writeSecret := w.Admin.App(w.CommunityID, "people:write")
		s.AppClient(writeOnly, writeSecret).Do("POST", "/api/v1/people", map[string]any{"name": "吴刚", "phone": "13912345678", "external_id": "openid-wu"})
		oauthError(s.ExchangeToken(writeOnly, writeSecret, "openid-wu"), http.StatusBadRequest, "invalid_scope")
		// Another app cannot use this app's external ids; an app of another street cannot act
		// for people of this one.
		actOther, actOtherSecret := w.Admin.App(w.UnitID, "people:act")
		oauthError(s.ExchangeToken(actOther, actOtherSecret, "openid-sun"), http.StatusBadRequest, "invalid_request")
		street2Community := w.Coordinator2.Org("community", "城中社区", w.Street2ID, nil)
		far, farSecret := w.Admin.App(street2Community, "people:act")
		linked := w.Staff.Person("郑和", w.CommunityID, map[string]any{"external_id": "openid-zheng", "external_client_id": id})
		oauthError(s.ExchangeToken(far, farSecret, "openid-zheng"), http.StatusBadRequest, "invalid_request")
		s.AsPerson(id, secret, "openid-zheng")

		// Deactivation ends the person's tokens at once, and the exchange refuses them.
		zheng := s.AsPerson(id, secret, "openid-zheng")
		zheng.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		w.Staff.Do("DELETE", "/api/v1/people/"+linked["id"].(string), nil).Expect(http.StatusNoContent)
		zheng.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
		oauthError(s.ExchangeToken(id, secret, "openid-zheng"), http.StatusBadRequest, "invalid_request")
	})
}

// TestPersonTokenReads: a person token reads what API.md §9 says and nothing else.
func TestPersonTokenReads(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		id, secret := w.Admin.App(w.CommunityID, "people:act")
		sun := w.Staff.Person("孙丽", w.CommunityID, map[string]any{"external_id": "openid-sun", "external_client_id": id})
		other := w.Staff.Person("王五", w.CommunityID, nil)
		person := s.AsPerson(id, secret, "openid-sun")

		// Its own record, phone unmasked; nobody else's.
		if got := person.Do("GET", "/api/v1/people/"+sun["id"].(string), nil).Expect(http.StatusOK); got["phone"] != "13912345678" {
			t.Fatalf("own record: %v", got)
		}
		person.Do("GET", "/api/v1/people/"+other["id"].(string), nil).Problem(http.StatusNotFound, "not_found")
		if items := person.Do("GET", "/api/v1/people", nil).Expect(http.StatusOK)["items"].([]any); len(items) != 1 {
			t.Fatalf("people list: %v", items)
		}

		// Listings: public ones, and street-only ones of the person's street only.
		start, end := apitest.Night(1)
		win := []map[string]any{apitest.Window(start, end, "")}
		w.Liaison.Listing("offers", "parking", 5, win, nil)
		w.Liaison.Listing("offers", "sports", 5, win, map[string]any{"visibility": "street"})
		farUnit := w.Coordinator2.Org("unit", "城中单位", w.Street2ID, nil)
		farLiaison := w.Coordinator2.User("far-liaison", "liaison", farUnit)
		farLiaison.Listing("offers", "venue", 5, win, map[string]any{"visibility": "street"})
		if items := person.Do("GET", "/api/v1/offers", nil).Expect(http.StatusOK)["items"].([]any); len(items) != 2 {
			t.Fatalf("person sees %d offers, want 2: %v", len(items), items)
		}

		// Nothing an org does: no posting, no agreements, users, events, stats, webhooks, apps,
		// no registering people.
		person.Do("POST", "/api/v1/offers", map[string]any{"category": "parking", "title": "x", "quantity": 1,
			"location": map[string]any{"lat": 24.3, "lng": 109.4}, "windows": win}).Problem(http.StatusForbidden, "forbidden")
		person.Do("GET", "/api/v1/agreements", nil).Problem(http.StatusForbidden, "forbidden")
		person.Do("GET", "/api/v1/users", nil).Problem(http.StatusForbidden, "forbidden")
		person.Do("GET", "/api/v1/events", nil).Problem(http.StatusForbidden, "forbidden")
		person.Do("GET", "/api/v1/stats/summary", nil).Problem(http.StatusForbidden, "forbidden")
		person.Do("GET", "/api/v1/clients", nil).Problem(http.StatusForbidden, "forbidden")
		person.Do("POST", "/api/v1/webhooks", map[string]any{"url": "https://example.com/h", "events": []string{"claim.created"}}).Problem(http.StatusForbidden, "forbidden")
		person.Do("POST", "/api/v1/people", map[string]any{"name": "x", "phone": "13912345678", "community_id": w.CommunityID}).Problem(http.StatusForbidden, "forbidden")
		person.Do("POST", "/api/v1/people/"+other["id"].(string)+"/verify", nil).Problem(http.StatusNotFound, "not_found")

		// Revoking the app ends the person tokens it holds.
		var appID string
		for _, c := range w.Admin.Do("GET", "/api/v1/clients", nil).Expect(http.StatusOK)["items"].([]any) {
			if c.(map[string]any)["client_id"] == id {
				appID = c.(map[string]any)["id"].(string)
			}
		}
		w.Admin.Do("DELETE", "/api/v1/clients/"+appID, nil).Expect(http.StatusNoContent)
		person.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
	})
}
