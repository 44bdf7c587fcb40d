package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
)

func TestPeopleRegistration(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		// Staff register verified at once; the phone is theirs to see.
		li := w.Staff.Person("李明", w.CommunityID, map[string]any{
			"employer_org_id": w.UnitID, "party_member": true, "skills": []string{"patrol", "elderly_care", "patrol"},
		})
		if li["status"] != "verified" || li["phone"] != "13912345678" || li["community_name"] != "五星社区" ||
			li["street_id"] != w.StreetID || li["street_name"] != "五星街道" || li["employer_org_name"] != "市第一中学" ||
			li["party_member"] != true || len(li["skills"].([]any)) != 2 || li["external_id"] != nil || li["version"].(float64) != 1 {
			t.Fatalf("registered by staff: %v", li)
		}
		id := li["id"].(string)
		// Coordinators and admins register too; defaults: no employer, no skills.
		zhao := w.Coordinator.Person("赵敏", w.CommunityID, nil)
		if zhao["status"] != "verified" || zhao["employer_org_id"] != nil || len(zhao["skills"].([]any)) != 0 {
			t.Fatalf("registered by coordinator: %v", zhao)
		}
		w.Admin.Person("钱七", w.CommunityID, nil)
		// Not: liaison officers, another street's coordinator, staff for another community.
		body := map[string]any{"name": "x", "phone": "13912345678", "community_id": w.CommunityID}
		w.Liaison.Do("POST", "/api/v1/people", body).Problem(http.StatusForbidden, "forbidden")
		w.Coordinator2.Do("POST", "/api/v1/people", body).Problem(http.StatusForbidden, "forbidden")
		other := w.Coordinator.Org("community", "桂中社区", w.StreetID, nil)
		w.Staff.Do("POST", "/api/v1/people", map[string]any{"name": "x", "phone": "13912345678", "community_id": other}).Problem(http.StatusForbidden, "forbidden")
		// Validation names the fields.
		p := w.Staff.Do("POST", "/api/v1/people", map[string]any{"phone": "not a phone", "community_id": w.UnitID,
			"employer_org_id": w.CommunityID, "skills": []string{"nope"}}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		if len(p["errors"].([]any)) == 0 {
			t.Fatalf("no field errors: %v", p)
		}
		fields := map[string]bool{}
		for _, e := range w.Staff.Do("POST", "/api/v1/people", map[string]any{"phone": "not a phone", "community_id": w.CommunityID,
			"employer_org_id": w.CommunityID, "skills": []string{"nope"}}).Problem(http.StatusUnprocessableEntity, "validation_failed")["errors"].([]any) {
			fields[e.(map[string]any)["field"].(string)] = true
		}
		for _, f := range []string{"name", "phone", "employer_org_id", "skills[0]"} {
			if !fields[f] {
				t.Errorf("no error for %s: %v", f, fields)
			}
		}

		// Readers: the employer's liaison sees the record with the phone masked; another unit's
		// liaison does not see it at all.
		if got := w.Liaison.Do("GET", "/api/v1/people/"+id, nil).Expect(http.StatusOK); got["phone"] != "139****5678" {
			t.Fatalf("employer liaison: %v", got)
		}
		w.Liaison2.Do("GET", "/api/v1/people/"+id, nil).Problem(http.StatusNotFound, "not_found")
		w.Coordinator2.Do("GET", "/api/v1/people/"+id, nil).Problem(http.StatusNotFound, "not_found")
		// An agreement partner of the community sees the phone (API.md §3).
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"volunteer"}, nil)
		if got := w.Liaison.Do("GET", "/api/v1/people/"+id, nil).Expect(http.StatusOK); got["phone"] != "13912345678" {
			t.Fatalf("partner liaison: %v", got)
		}

		// Search.
		names := func(c *apitest.Client, q string) []string {
			t.Helper()
			var out []string
			for _, it := range c.Do("GET", "/api/v1/people"+q, nil).Expect(http.StatusOK)["items"].([]any) {
				out = append(out, it.(map[string]any)["name"].(string))
			}
			return out
		}
		for _, c := range []struct {
			who  *apitest.Client
			q    string
			want int
		}{
			{w.Staff, "", 3},
			{w.Staff, "?q=" + url.QueryEscape("李"), 1},
			{w.Staff, "?employer_org_id=" + w.UnitID, 1},
			{w.Staff, "?status=pending", 0},
			{w.Staff, "?status=pending,verified", 3},
			{w.Staff, "?community_id=" + other, 0},
			{w.Coordinator, "", 3},
			{w.Coordinator2, "", 0},
			{w.Liaison, "", 1},  // the unit's employees only
			{w.Liaison2, "", 0}, // none work there
			{w.Admin, "?limit=2", 2},
		} {
			if got := names(c.who, c.q); len(got) != c.want {
				t.Errorf("search %q: %v, want %d", c.q, got, c.want)
			}
		}
		w.Staff.Do("GET", "/api/v1/people?status=gone", nil).Problem(http.StatusUnprocessableEntity, "validation_failed")

		// PATCH with If-Match.
		w.Staff.With("If-Match", `"7"`).Do("PATCH", "/api/v1/people/"+id, map[string]any{"name": "李明明"}).Problem(http.StatusPreconditionFailed, "version_mismatch")
		w.Staff.Do("PATCH", "/api/v1/people/"+id, map[string]any{"community_id": other}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		w.Liaison.Do("PATCH", "/api/v1/people/"+id, map[string]any{"name": "x"}).Problem(http.StatusForbidden, "forbidden")
		res := w.Staff.With("If-Match", `"1"`).Do("PATCH", "/api/v1/people/"+id, map[string]any{"name": "李明明", "employer_org_id": ""})
		patched := res.Expect(http.StatusOK)
		if patched["name"] != "李明明" || patched["employer_org_id"] != nil || patched["version"].(float64) != 2 || res.Header.Get("ETag") != `"2"` {
			t.Fatalf("patched: %v %v", patched, res.Header)
		}

		// DELETE deactivates: kept, but out of searches; twice is fine.
		// (The liaison no longer sees the record at all: the employer was just cleared.)
		w.Liaison.Do("DELETE", "/api/v1/people/"+id, nil).Problem(http.StatusNotFound, "not_found")
		w.Liaison.Do("DELETE", "/api/v1/people/"+zhao["id"].(string), nil).Problem(http.StatusNotFound, "not_found")
		w.Staff.Do("DELETE", "/api/v1/people/"+id, nil).Expect(http.StatusNoContent)
		w.Staff.Do("DELETE", "/api/v1/people/"+id, nil).Expect(http.StatusNoContent)
		if got := w.Staff.Do("GET", "/api/v1/people/"+id, nil).Expect(http.StatusOK); got["active"] != false {
			t.Fatalf("deactivated: %v", got)
		}
		if got := names(w.Staff, ""); len(got) != 2 {
			t.Fatalf("after deactivation: %v", got)
		}
		w.Staff.Do("PATCH", "/api/v1/people/"+id, map[string]any{"name": "x"}).Problem(http.StatusConflict, "invalid_transition")
	})
}

// TestPeopleByApp: a mini-program registers people pending; staff verify them; events follow.
func TestPeopleByApp(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		id, secret := w.Admin.App(w.CommunityID, "people:write", "events:read")
		app := s.AppClient(id, secret)
		// community_id defaults to the app's community; the external id is set for the app.
		reg := app.Do("POST", "/api/v1/people", map[string]any{"name": "孙丽", "phone": "13912345678", "external_id": "openid-sun"}).Expect(http.StatusCreated)
		if reg["status"] != "pending" || reg["community_id"] != w.CommunityID || reg["external_id"] != "openid-sun" ||
			reg["external_client_id"] != id || reg["phone"] != "13912345678" {
			t.Fatalf("registered by app: %v", reg)
		}
		// external_id is unique per app.
		app.Do("POST", "/api/v1/people", map[string]any{"name": "孙丽", "phone": "13912345678", "external_id": "openid-sun"}).Problem(http.StatusConflict, "conflict")
		// An app cannot set another app's external ids, nor register outside its community.
		otherID, otherSecret := w.Admin.App(w.UnitID, "people:write")
		app.Do("POST", "/api/v1/people", map[string]any{"name": "x", "phone": "13912345678", "external_id": "o2", "external_client_id": otherID}).
			Problem(http.StatusUnprocessableEntity, "validation_failed")
		s.AppClient(otherID, otherSecret).Do("POST", "/api/v1/people", map[string]any{"name": "x", "phone": "13912345678", "community_id": w.CommunityID}).
			Problem(http.StatusForbidden, "forbidden")
		noScope, noScopeSecret := w.Admin.App(w.CommunityID, "listings:read")
		s.AppClient(noScope, noScopeSecret).Do("POST", "/api/v1/people", map[string]any{"name": "x", "phone": "13912345678"}).Problem(http.StatusForbidden, "forbidden")
		// Staff may link a person to an app of the community, not to one of a unit.
		linked := w.Staff.Person("周杰", w.CommunityID, map[string]any{"external_id": "openid-zhou", "external_client_id": id})
		if linked["external_client_id"] != id || linked["status"] != "verified" {
			t.Fatalf("linked: %v", linked)
		}
		w.Staff.Do("POST", "/api/v1/people", map[string]any{"name": "x", "phone": "13912345678", "community_id": w.CommunityID,
			"external_id": "o3", "external_client_id": otherID}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		w.Staff.Do("POST", "/api/v1/people", map[string]any{"name": "x", "phone": "13912345678", "community_id": w.CommunityID,
			"external_id": "o3"}).Problem(http.StatusUnprocessableEntity, "validation_failed")

		// Verification: staff, not the app, not a liaison; once.
		pid := reg["id"].(string)
		app.Do("POST", "/api/v1/people/"+pid+"/verify", nil).Problem(http.StatusForbidden, "forbidden")
		w.Liaison.Do("POST", "/api/v1/people/"+pid+"/verify", nil).Problem(http.StatusNotFound, "not_found")
		if v := w.Staff.Do("POST", "/api/v1/people/"+pid+"/verify", nil).Expect(http.StatusOK); v["status"] != "verified" || v["verified_at"] == nil {
			t.Fatalf("verified: %v", v)
		}
		w.Staff.Do("POST", "/api/v1/people/"+pid+"/verify", nil).Problem(http.StatusConflict, "invalid_transition")

		// The app edits the records of its community (a resident changes their phone).
		if got := app.Do("PATCH", "/api/v1/people/"+pid, map[string]any{"phone": "13700001111"}).Expect(http.StatusOK); got["phone"] != "13700001111" {
			t.Fatalf("app patch: %v", got)
		}

		// Events in commit order: the app's registration (pending), the staff's registration
		// (registered and verified at once), then the verification.
		var types []string
		for _, ev := range app.Do("GET", "/api/v1/events?types=person.registered,person.verified", nil).Expect(http.StatusOK)["items"].([]any) {
			e := ev.(map[string]any)
			types = append(types, e["type"].(string))
			if d := e["data"].(map[string]any); d["community_id"] != w.CommunityID || d["phone"] != nil || d["name"] != nil {
				t.Fatalf("event data: %v", e)
			}
		}
		want := []string{"person.registered", "person.registered", "person.verified", "person.verified"}
		if len(types) != len(want) {
			t.Fatalf("events: %v, want %v", types, want)
		}
		for i := range want {
			if types[i] != want[i] {
				t.Fatalf("events: %v, want %v", types, want)
			}
		}
	})
}
