package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
)

// feedApp registers an app of org with scopes and returns a client holding its token.
func feedApp(t *testing.T, s *apitest.Server, admin *apitest.Client, org string, scopes ...string) *apitest.Client {
	t.Helper()
	reg := admin.Do("POST", "/api/v1/clients", map[string]any{"name": "feed app", "org_id": org, "scopes": scopes}).Expect(http.StatusCreated)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {reg["client_id"].(string)},
		"client_secret": {reg["client_secret"].(string)}, "scope": {strings.Join(scopes, " ")}}
	c := s.Anon()
	c.Token = s.Anon().With("Content-Type", "application/x-www-form-urlencoded").
		Do("POST", "/api/v1/oauth/token", form.Encode()).Expect(http.StatusOK)["access_token"].(string)
	return c
}

// feedEvents reads the whole feed visible to c, following next_cursor in pages of limit.
func feedEvents(t *testing.T, c *apitest.Client, query string, limit int) []map[string]any {
	t.Helper()
	var out []map[string]any
	path := "/api/v1/events?limit=" + strconv.Itoa(limit) + query
	for cursor := ""; ; {
		p := path
		if cursor != "" {
			p += "&after=" + url.QueryEscape(cursor)
		}
		page := c.Do("GET", p, nil).Expect(http.StatusOK)
		items := page["items"].([]any)
		if len(items) > limit {
			t.Fatalf("page of %d items, limit %d", len(items), limit)
		}
		for _, it := range items {
			out = append(out, it.(map[string]any))
		}
		next, _ := page["next_cursor"].(string)
		if next == "" {
			return out
		}
		if next != items[len(items)-1].(map[string]any)["id"] {
			t.Fatalf("next_cursor %q is not the last event's id", next)
		}
		cursor = next
	}
}

// story renders events as "type:subject" with subjects named by the test.
func story(evs []map[string]any, names map[string]string) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e["type"].(string) + ":" + names[e["subject_id"].(string)]
	}
	return out
}

// TestEventsFeed follows a claim story through the feed: commit order, data, who sees what,
// the types filter and paging.
func TestEventsFeed(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		night := apitest.Window(start, end, "")
		s2, e2 := apitest.Night(2)
		offer := w.Liaison.Listing("offers", "parking", 10, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=10")}, nil)
		need := w.Staff.Listing("needs", "parking", 8, []map[string]any{night}, nil)
		ag := s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		claim := func() string {
			return w.Staff.Claim(offer["id"].(string), 1, night).Expect(http.StatusCreated)["id"].(string)
		}
		act := func(c *apitest.Client, id, action string, body any) {
			c.Do("POST", "/api/v1/claims/"+id+"/"+action, body).Expect(http.StatusOK)
		}
		c1 := claim()
		act(w.Coordinator, c1, "approve", nil)
		c2 := claim()
		act(w.Coordinator, c2, "reject", map[string]any{"reason": "名额已满"})
		c3 := claim()
		act(w.Staff, c3, "cancel", nil)
		act(w.Liaison, c1, "confirm", nil)
		act(w.Staff, c1, "confirm", nil)
		c4 := w.Staff.Claim(offer["id"].(string), 2, apitest.Window(s2, e2, "")).Expect(http.StatusCreated)["id"].(string)
		w.Liaison.Do("PATCH", "/api/v1/offers/"+offer["id"].(string), map[string]any{"status": "paused"}).Expect(http.StatusOK)
		w.Liaison.Do("POST", "/api/v1/agreements/"+ag+"/terminate", map[string]any{"reason": "到期"}).Expect(http.StatusOK)

		names := map[string]string{offer["id"].(string): "offer", need["id"].(string): "need", ag: "agreement", c1: "c1", c2: "c2", c3: "c3", c4: "c4"}
		all := []string{"listing.created:offer", "listing.created:need", "agreement.activated:agreement",
			"claim.created:c1", "claim.approved:c1", "claim.created:c2", "claim.rejected:c2", "claim.created:c3",
			"claim.cancelled:c3", "claim.fulfilled:c1", "claim.created:c4", "listing.updated:offer",
			"agreement.terminated:agreement", "claim.cancelled:c4"}
		without := func(drop ...string) []string {
			return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(drop, s) })
		}
		for _, r := range []struct {
			name string
			c    *apitest.Client
			want []string
		}{
			{"admin", w.Admin, all},
			{"coordinator", w.Coordinator, all},
			{"coordinator of another street", w.Coordinator2, nil},
			{"liaison of the unit", w.Liaison, without("listing.created:need")},
			{"community staff", w.Staff, without("listing.created:offer", "listing.updated:offer")},
			{"liaison of another unit", w.Liaison2, nil},
			{"app of the unit with events:read", feedApp(t, s, w.Admin, w.UnitID, "events:read"), without("listing.created:need")},
		} {
			if got := story(feedEvents(t, r.c, "", 100), names); !slices.Equal(got, r.want) {
				t.Errorf("%s sees %v\nwant %v", r.name, got, r.want)
			}
		}
		feedApp(t, s, w.Admin, w.UnitID, "claims:read").Do("GET", "/api/v1/events", nil).Problem(http.StatusForbidden, "forbidden")
		s.Anon().Do("GET", "/api/v1/events", nil).Problem(http.StatusUnauthorized, "unauthenticated")

		// Paging in threes gives the same story; so does continuing after any event.
		evs := feedEvents(t, w.Admin, "", 3)
		if got := story(evs, names); !slices.Equal(got, all) {
			t.Fatalf("paged: %v", got)
		}
		for _, param := range []string{"after", "cursor"} {
			page := w.Admin.Do("GET", "/api/v1/events?"+param+"="+evs[9]["id"].(string), nil).Expect(http.StatusOK)
			var rest []map[string]any
			for _, it := range page["items"].([]any) {
				rest = append(rest, it.(map[string]any))
			}
			if got := story(rest, names); !slices.Equal(got, all[10:]) || page["next_cursor"] != nil {
				t.Fatalf("%s the 10th event: %v, next_cursor %v", param, got, page["next_cursor"])
			}
		}

		// An event's shape and data.
		approved := evs[4]
		if len(approved) != 5 || approved["at"] == "" {
			t.Fatalf("event fields: %v", approved)
		}
		data := approved["data"].(map[string]any)
		if data["status"] != "approved" || data["quantity"] != 1.0 || data["owner_org_id"] != w.UnitID ||
			data["claimant_org_id"] != w.CommunityID || data["listing_id"] != offer["id"] || data["street_id"] != w.StreetID {
			t.Fatalf("claim.approved data: %v", data)
		}
		if d := evs[0]["data"].(map[string]any); d["side"] != "offer" || d["org_id"] != w.UnitID || d["category"] != "parking" {
			t.Fatalf("listing.created data: %v", d)
		}
		if d := evs[12]["data"].(map[string]any); d["reason"] != "到期" {
			t.Fatalf("agreement.terminated data: %v", d)
		}

		// The types filter, comma-separated or repeated.
		for _, q := range []string{"&types=claim.created,claim.approved", "&types=claim.created&types=claim.approved"} {
			got := story(feedEvents(t, w.Staff, q, 2), names)
			want := []string{"claim.created:c1", "claim.approved:c1", "claim.created:c2", "claim.created:c3", "claim.created:c4"}
			if !slices.Equal(got, want) {
				t.Fatalf("types %s: %v", q, got)
			}
		}

		for _, q := range []string{"types=claim.created,claim.bogus", "limit=101", "limit=0", "after=no-such-event",
			"after=" + evs[1]["id"].(string) + "&cursor=" + evs[2]["id"].(string)} {
			w.Admin.Do("GET", "/api/v1/events?"+q, nil).Problem(http.StatusUnprocessableEntity, "validation_failed")
		}
	})
}
