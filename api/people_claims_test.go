package api_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
)

// personWorld is a world with an app acting for people of the community and two verified
// residents, both employed by the unit.
type personWorld struct {
	*apitest.World
	appID, appSecret string
	li, wang         map[string]any
	asLi, asWang     *apitest.Client
}

func newPersonWorld(t *testing.T, s *apitest.Server) personWorld {
	t.Helper()
	w := s.NewWorld()
	pw := personWorld{World: w}
	pw.appID, pw.appSecret = w.Admin.App(w.CommunityID, "people:act")
	pw.li = w.Staff.Person("李明", w.CommunityID, map[string]any{"external_id": "openid-li", "external_client_id": pw.appID, "employer_org_id": w.UnitID})
	pw.wang = w.Staff.Person("王芳", w.CommunityID, map[string]any{"external_id": "openid-wang", "external_client_id": pw.appID, "employer_org_id": w.UnitID})
	pw.asLi = s.AsPerson(pw.appID, pw.appSecret, "openid-li")
	pw.asWang = s.AsPerson(pw.appID, pw.appSecret, "openid-wang")
	return pw
}

// underWay is a window of three hours that started an hour ago, in whole minutes.
func underWay() (time.Time, time.Time) { return underWayFor(3 * time.Hour) }

// underWayFor is a window of length under way: from an hour ago, in whole minutes, but not
// before today began in Shanghai (an agreement made in the test starts today and covers no
// claim that starts yesterday).
func underWayFor(length time.Duration) (time.Time, time.Time) {
	now := time.Now().In(apitest.Shanghai)
	y, m, d := now.Date()
	start := now.Truncate(time.Minute).Add(-time.Hour)
	if midnight := time.Date(y, m, d, 0, 0, 0, 0, apitest.Shanghai); start.Before(midnight) {
		start = midnight
	}
	return start, start.Add(length)
}

func TestPersonClaims(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		pw := newPersonWorld(t, s)
		w := pw.World
		start, end := apitest.Night(1)
		night := []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=7")}
		win := apitest.Window(start, end, "")

		// A volunteer post of the community (a need), open to people.
		patrol := w.Staff.Listing("needs", "patrol", 2, night, map[string]any{"open_to_people": true})
		if patrol["open_to_people"] != true || patrol["people_auto_approve"] != false {
			t.Fatalf("listing: %v", patrol)
		}
		pid := patrol["id"].(string)
		c := pw.asLi.Claim(pid, 1, win).Expect(http.StatusCreated)
		if c["status"] != "pending" || c["claimant_person_id"] != pw.li["id"] || c["claimant_person_name"] != "李明" ||
			c["claimant_org_id"] != w.CommunityID || c["owner_org_id"] != w.CommunityID || c["agreement_id"] != nil {
			t.Fatalf("person claim: %v", c)
		}
		// One person holds at most 1 by default (max_per_claimant unset).
		pw.asLi.Claim(pid, 1, win).Problem(http.StatusConflict, "claimant_limit_exceeded")
		// The capacity invariant counts people's claims like any other: 2 of 2 held.
		pw.asWang.Claim(pid, 1, win).Expect(http.StatusCreated)
		third := w.Coordinator.Person("赵敏", w.CommunityID, map[string]any{"external_id": "openid-zhao", "external_client_id": pw.appID})
		_ = third
		pw.asZhao(t, s).Claim(pid, 1, win).Problem(http.StatusConflict, "capacity_exceeded")

		// Not open to people; a need of another community; an offer no agreement covers.
		closed := w.Staff.Listing("needs", "cleanup", 5, night, nil)
		pw.asLi.Claim(closed["id"].(string), 1, win).Problem(http.StatusConflict, "listing_not_open")
		other := w.Coordinator.Org("community", "桂中社区", w.StreetID, nil)
		otherStaff := w.Coordinator.User("other-staff", "community_staff", other)
		far := otherStaff.Listing("needs", "patrol", 5, night, map[string]any{"open_to_people": true})
		pw.asLi.Claim(far["id"].(string), 1, win).Problem(http.StatusConflict, "listing_not_open")
		court := w.Liaison.Listing("offers", "sports", 4, night, map[string]any{"open_to_people": true})
		cid := court["id"].(string)
		pw.asLi.Claim(cid, 1, win).Problem(http.StatusUnprocessableEntity, "no_active_agreement")
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"sports"}, nil)
		onCourt := pw.asLi.Claim(cid, 1, win).Expect(http.StatusCreated)
		if onCourt["agreement_id"] == nil || onCourt["status"] != "pending" {
			t.Fatalf("covered offer: %v", onCourt)
		}

		// The owner org decides people's claims on its listings; another unit does not.
		path := "/api/v1/claims/" + onCourt["id"].(string)
		w.Liaison2.Do("POST", path+"/approve", nil).Problem(http.StatusNotFound, "not_found")
		pw.asLi.Do("POST", path+"/approve", nil).Problem(http.StatusForbidden, "forbidden")
		if a := w.Liaison.Do("POST", path+"/approve", nil).Expect(http.StatusOK); a["status"] != "approved" {
			t.Fatalf("approved by the owner: %v", a)
		}
		// ... but not an org's claim (that stays with the street).
		orgClaim := w.Staff.Claim(cid, 1, win).Expect(http.StatusCreated)
		w.Liaison.Do("POST", "/api/v1/claims/"+orgClaim["id"].(string)+"/approve", nil).Problem(http.StatusForbidden, "forbidden")

		// people_auto_approve.
		auto := w.Staff.Listing("needs", "elderly_care", 3, night, map[string]any{"open_to_people": true, "people_auto_approve": true})
		if a := pw.asLi.Claim(auto["id"].(string), 1, win).Expect(http.StatusCreated); a["status"] != "approved" {
			t.Fatalf("auto-approved: %v", a)
		}

		// A person reads its own claims only, and cancels them.
		mine := pw.asLi.Do("GET", "/api/v1/claims", nil).Expect(http.StatusOK)["items"].([]any)
		if len(mine) != 3 {
			t.Fatalf("person's claims: %d", len(mine))
		}
		for _, it := range mine {
			if it.(map[string]any)["claimant_person_id"] != pw.li["id"] {
				t.Fatalf("someone else's claim listed: %v", it)
			}
		}
		pw.asWang.Do("GET", path, nil).Problem(http.StatusNotFound, "not_found")
		// A person takes a pass on their own approved claim, for themself only; nobody else
		// holds a pass of a person's claim.
		own := pw.asLi.Do("POST", path+"/passes", map[string]any{"person_id": pw.li["id"]}).Expect(http.StatusCreated)
		pw.asLi.Do("POST", path+"/passes", map[string]any{"person_id": pw.wang["id"]}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		w.Staff.Do("POST", path+"/passes", map[string]any{"person_id": pw.wang["id"]}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		if v := w.Liaison.Do("GET", "/api/v1/passes/verify?code="+own["code"].(string), nil).Expect(http.StatusOK); v["person_name"] != "李明" {
			t.Fatalf("guard's view: %v", v)
		}
		pw.asWang.Do("POST", path+"/cancel", nil).Problem(http.StatusNotFound, "not_found")
		if x := pw.asLi.Do("POST", path+"/cancel", map[string]any{"reason": "有事"}).Expect(http.StatusOK); x["status"] != "cancelled" {
			t.Fatalf("cancelled: %v", x)
		}
		if p := pw.asLi.Do("GET", "/api/v1/passes/"+own["id"].(string), nil).Expect(http.StatusOK); p["status"] != "revoked" {
			t.Fatalf("own pass after cancelling: %v", p)
		}

		// Claim events carry the person.
		found := false
		for _, ev := range w.Staff.Do("GET", "/api/v1/events?types=claim.created", nil).Expect(http.StatusOK)["items"].([]any) {
			if ev.(map[string]any)["data"].(map[string]any)["claimant_person_id"] == pw.li["id"] {
				found = true
			}
		}
		if !found {
			t.Fatal("no claim.created event with claimant_person_id")
		}
	})
}

func (pw personWorld) asZhao(t *testing.T, s *apitest.Server) *apitest.Client {
	t.Helper()
	return s.AsPerson(pw.appID, pw.appSecret, "openid-zhao")
}

// TestServiceRecords: the owner's confirmation fulfils a person's claim on a need; each occurrence
// adds its hours; the member-service report of a unit adds up its members' hours.
func TestServiceRecords(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		pw := newPersonWorld(t, s)
		w := pw.World
		start, end := underWay() // 3 hours
		win := []map[string]any{apitest.Window(start, end, "")}
		patrol := w.Staff.Listing("needs", "patrol", 5, win, map[string]any{"open_to_people": true, "people_auto_approve": true})
		care := w.Staff.Listing("needs", "elderly_care", 5, win, map[string]any{"open_to_people": true, "people_auto_approve": true})
		fulfil := func(c *apitest.Client, listing map[string]any) map[string]any {
			t.Helper()
			claim := c.Claim(listing["id"].(string), 1, apitest.Window(start, end, "")).Expect(http.StatusCreated)
			// The owner (the community's staff) confirms: a person's confirmation is not needed.
			done := w.Staff.Do("POST", "/api/v1/claims/"+claim["id"].(string)+"/confirm", nil).Expect(http.StatusOK)
			if done["status"] != "fulfilled" {
				t.Fatalf("after the owner's confirmation: %v", done)
			}
			return done
		}
		done := fulfil(pw.asLi, patrol)
		fulfil(pw.asLi, care)
		fulfil(pw.asWang, patrol)
		// The person rates the service.
		pw.asLi.Do("POST", "/api/v1/claims/"+done["id"].(string)+"/feedback", map[string]any{"rating": 5}).Expect(http.StatusOK)

		sv := pw.asLi.Do("GET", "/api/v1/people/"+pw.li["id"].(string)+"/service", nil).Expect(http.StatusOK)
		if sv["hours"].(float64) != 6 || sv["claims"].(float64) != 2 || len(sv["by_category"].([]any)) != 2 {
			t.Fatalf("li's service: %v", sv)
		}
		pw.asWang.Do("GET", "/api/v1/people/"+pw.li["id"].(string)+"/service", nil).Problem(http.StatusNotFound, "not_found")
		// A range before the service holds nothing.
		early := w.Staff.Do("GET", "/api/v1/people/"+pw.li["id"].(string)+"/service?to="+start.Add(-time.Hour).Format(time.RFC3339), nil).Expect(http.StatusOK)
		if early["hours"].(float64) != 0 {
			t.Fatalf("before: %v", early)
		}

		// The employer unit sees its members' service, which adds up to theirs.
		ms := w.Liaison.Do("GET", "/api/v1/orgs/"+w.UnitID+"/member-service", nil).Expect(http.StatusOK)["items"].([]any)
		total := 0.0
		for _, it := range ms {
			m := it.(map[string]any)
			if m["community_name"] != "五星社区" || m["person_name"] == "" {
				t.Fatalf("member: %v", m)
			}
			person := w.Staff.Do("GET", "/api/v1/people/"+m["person_id"].(string)+"/service", nil).Expect(http.StatusOK)
			if person["hours"] != m["hours"] {
				t.Fatalf("member %v vs person %v", m, person)
			}
			total += m["hours"].(float64)
		}
		if len(ms) != 2 || total != 9 {
			t.Fatalf("member service: %v (total %v)", ms, total)
		}
		w.Liaison2.Do("GET", "/api/v1/orgs/"+w.UnitID+"/member-service", nil).Problem(http.StatusForbidden, "forbidden")
		w.Coordinator.Do("GET", "/api/v1/orgs/"+w.UnitID+"/member-service", nil).Expect(http.StatusOK)
		w.Staff.Do("GET", "/api/v1/orgs/"+w.CommunityID+"/member-service", nil).Problem(http.StatusNotFound, "not_found")

		// Statistics at the top level.
		w.Staff.Person("待审", w.CommunityID, nil)
		appW, appWSecret := w.Admin.App(w.CommunityID, "people:write")
		s.AppClient(appW, appWSecret).Do("POST", "/api/v1/people", map[string]any{"name": "待核", "phone": "13912345678"}).Expect(http.StatusCreated)
		st := w.Coordinator.Do("GET", "/api/v1/stats/summary", nil).Expect(http.StatusOK)
		if st["people_registered"].(float64) != 4 || st["people_verified"].(float64) != 3 || st["volunteer_hours"].(float64) != 9 {
			t.Fatalf("stats: registered %v verified %v hours %v", st["people_registered"], st["people_verified"], st["volunteer_hours"])
		}
	})
}

// TestCancellationRevokesPasses: cancelling a claim revokes its passes in the same transaction;
// deactivating a person cancels their live claims and revokes the passes they hold.
func TestCancellationRevokesPasses(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		pw := newPersonWorld(t, s)
		w := pw.World
		claim := approvedParking(t, s, w, 3)
		path := "/api/v1/claims/" + claim["id"].(string)
		p1 := w.Staff.Do("POST", path+"/passes", map[string]any{"person_id": pw.li["id"]}).Expect(http.StatusCreated)
		w.Staff.Do("POST", path+"/passes", map[string]any{"person_id": pw.wang["id"]}).Expect(http.StatusCreated)
		w.Staff.Do("POST", path+"/cancel", map[string]any{"reason": "停车场维修"}).Expect(http.StatusOK)
		for _, it := range w.Staff.Do("GET", path+"/passes", nil).Expect(http.StatusOK)["items"].([]any) {
			if p := it.(map[string]any); p["status"] != "revoked" || p["valid_now"] != false {
				t.Fatalf("pass after cancellation: %v", p)
			}
		}
		if v := w.Liaison.Do("GET", "/api/v1/passes/verify?code="+p1["code"].(string), nil).Expect(http.StatusOK); v["status"] != "revoked" {
			t.Fatalf("verify after cancellation: %v", v)
		}
		revoked := 0
		for _, ev := range w.Staff.Do("GET", "/api/v1/events?types=pass.revoked", nil).Expect(http.StatusOK)["items"].([]any) {
			if ev.(map[string]any)["data"].(map[string]any)["claim_id"] == claim["id"] {
				revoked++
			}
		}
		if revoked != 2 {
			t.Fatalf("pass.revoked events: %d", revoked)
		}

		// Deactivation: the person's live claim is cancelled, their pass on the community's claim
		// revoked, their token refused.
		start, end := apitest.Night(1)
		post := w.Staff.Listing("needs", "patrol", 3, []map[string]any{apitest.Window(start, end, "")}, map[string]any{"open_to_people": true})
		own := pw.asLi.Claim(post["id"].(string), 1, apitest.Window(start, end, "")).Expect(http.StatusCreated)
		second := approvedParking(t, s, w, 2)
		held := w.Staff.Do("POST", "/api/v1/claims/"+second["id"].(string)+"/passes", map[string]any{"person_id": pw.li["id"]}).Expect(http.StatusCreated)
		w.Staff.Do("DELETE", "/api/v1/people/"+pw.li["id"].(string), nil).Expect(http.StatusNoContent)
		if c := w.Staff.Do("GET", "/api/v1/claims/"+own["id"].(string), nil).Expect(http.StatusOK); c["status"] != "cancelled" {
			t.Fatalf("person's claim after deactivation: %v", c)
		}
		if p := w.Staff.Do("GET", "/api/v1/passes/"+held["id"].(string), nil).Expect(http.StatusOK); p["status"] != "revoked" {
			t.Fatalf("person's pass after deactivation: %v", p)
		}
		pw.asLi.Do("GET", "/api/v1/claims", nil).Problem(http.StatusUnauthorized, "unauthenticated")
	})
}

// TestDeactivationRacesClaims: a person's claims made while the person is being deactivated
// either fail or are cancelled with the others; none stays live, and nothing deadlocks.
func TestDeactivationRacesClaims(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		pw := newPersonWorld(t, s)
		w := pw.World
		start, end := apitest.Night(1)
		post := w.Staff.Listing("needs", "patrol", 100, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=30")},
			map[string]any{"open_to_people": true, "max_per_claimant": 100})
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-gate
				day := time.Duration(i) * 24 * time.Hour
				r := pw.asLi.Claim(post["id"].(string), 1, apitest.Window(start.Add(day), end.Add(day), ""))
				if r.Code != http.StatusCreated && r.Code != http.StatusUnauthorized && r.Code != http.StatusForbidden {
					t.Errorf("claim during deactivation: %d %s", r.Code, r.Body)
				}
			}(i)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			time.Sleep(5 * time.Millisecond)
			w.Staff.Do("DELETE", "/api/v1/people/"+pw.li["id"].(string), nil).Expect(http.StatusNoContent)
		}()
		close(gate)
		wg.Wait()
		for _, it := range w.Staff.Do("GET", "/api/v1/claims?limit=100&listing_id="+post["id"].(string), nil).Expect(http.StatusOK)["items"].([]any) {
			if c := it.(map[string]any); c["status"] != "cancelled" {
				t.Fatalf("a claim of the deactivated person is %v", c["status"])
			}
		}
	})
}
