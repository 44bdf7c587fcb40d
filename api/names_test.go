package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
)

func field(t *testing.T, m map[string]any, key string, want any) {
	t.Helper()
	if got := m[key]; got != want {
		t.Errorf("%s = %#v, want %#v (in %v)", key, got, want, m)
	}
}

// TestNamesBesideIDs: every id of an org, a user or a listing comes with its name (API.md §1).
func TestNamesBesideIDs(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		night := apitest.Window(start, end, "")
		offer := w.Liaison.Listing("offers", "parking", 10, []map[string]any{night}, map[string]any{"title": "夜间停车"})
		field(t, offer, "org_name", "市第一中学")
		field(t, offer, "street_name", "五星街道")
		agID := s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)

		ag := w.Staff.Do("GET", "/api/v1/agreements/"+agID, nil).Expect(http.StatusOK)
		field(t, ag, "party_a_org_name", "五星社区")
		field(t, ag, "party_b_org_name", "市第一中学")
		field(t, ag, "street_name", "五星街道")
		sig := ag["signatures"].([]any)[0].(map[string]any)
		field(t, sig, "org_name", "五星社区")
		field(t, sig, "user_name", "staff")

		need := w.Staff.Listing("needs", "parking", 2, []map[string]any{night}, map[string]any{"title": "社区停车需求"})
		claim := w.Staff.Do("POST", "/api/v1/claims", map[string]any{"listing_id": offer["id"], "quantity": 2,
			"window": night, "counterpart_listing_id": need["id"]}).Expect(http.StatusCreated)
		// The creation's response is named from what creation read (the request's name memo),
		// the counterpart listing from the store: the same names as a later read.
		for _, k := range []string{"listing_title", "listing_category", "owner_org_name", "claimant_org_name",
			"street_name", "agreement_title", "counterpart_listing_title"} {
			want := map[string]any{"listing_title": "夜间停车", "listing_category": "parking", "owner_org_name": "市第一中学",
				"claimant_org_name": "五星社区", "street_name": "五星街道", "agreement_title": "共建协议",
				"counterpart_listing_title": "社区停车需求"}[k]
			field(t, claim, k, want)
		}
		field(t, claim["history"].([]any)[0].(map[string]any), "actor_name", "staff")
		id := claim["id"].(string)
		w.Coordinator.Do("POST", "/api/v1/claims/"+id+"/approve", nil).Expect(http.StatusOK)
		got := w.Liaison.Do("GET", "/api/v1/claims/"+id, nil).Expect(http.StatusOK)
		field(t, got, "listing_title", "夜间停车")
		field(t, got, "listing_category", "parking")
		field(t, got, "owner_org_name", "市第一中学")
		field(t, got, "claimant_org_name", "五星社区")
		field(t, got, "street_name", "五星街道")
		field(t, got, "agreement_title", "共建协议")
		field(t, got, "counterpart_listing_title", "社区停车需求")
		hist := got["history"].([]any)
		field(t, hist[0].(map[string]any), "actor_name", "staff")
		field(t, hist[1].(map[string]any), "actor_name", "coord")
		list := w.Liaison.Do("GET", "/api/v1/claims", nil).Expect(http.StatusOK)["items"].([]any)
		field(t, list[0].(map[string]any), "claimant_org_name", "五星社区")

		unit := w.Admin.Do("GET", "/api/v1/orgs/"+w.UnitID, nil).Expect(http.StatusOK)
		field(t, unit, "parent_name", "五星街道")
		field(t, unit, "street_name", "五星街道")
		field(t, unit, "community_name", "五星社区")
		field(t, unit, "district_name", "District")
		street := w.Admin.Do("GET", "/api/v1/orgs/"+w.Street2ID, nil).Expect(http.StatusOK)
		field(t, street, "community_name", nil)

		for _, u := range w.Coordinator.Do("GET", "/api/v1/users?limit=100", nil).Expect(http.StatusOK)["items"].([]any) {
			u := u.(map[string]any)
			if u["org_name"] == "" || u["org_name"] == nil {
				t.Errorf("user without org_name: %v", u)
			}
		}
		app := w.Admin.Do("POST", "/api/v1/clients", map[string]any{"name": "停车小程序", "org_id": w.CommunityID,
			"scopes": []string{"listings:read"}}).Expect(http.StatusCreated)
		field(t, app, "org_name", "五星社区")
	})
}

// TestListQueriesDoNotGrowWithPageSize: a page costs the same number of statements whatever its
// size, the names included (one query per kind of name, never one per item).
func TestListQueriesDoNotGrowWithPageSize(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		counter, err := s.App.DB.CountStatements()
		if err != nil {
			t.Fatal(err)
		}
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		s.Agreement(w.Staff, w.Staff, w.Liaison2, w.CommunityID, w.Unit2ID, []string{"parking"}, nil)
		// 12 offers of two units, each claimed by the community: every claim names another listing.
		for i := range 12 {
			owner := w.Liaison
			if i%2 == 1 {
				owner = w.Liaison2
			}
			start, end := apitest.Night(1 + i)
			win := apitest.Window(start, end, "")
			o := owner.Listing("offers", "parking", 5, []map[string]any{win}, map[string]any{"title": fmt.Sprintf("停车 %d", i)})
			c := w.Staff.Claim(o["id"].(string), 1, win).Expect(http.StatusCreated)
			if i%3 == 0 {
				w.Coordinator.Do("POST", "/api/v1/claims/"+c["id"].(string)+"/approve", nil).Expect(http.StatusOK)
			}
		}
		w.Coordinator.Do("POST", "/api/v1/matching/runs", map[string]any{"street_id": w.StreetID,
			"from": time.Now().Format(time.RFC3339), "to": time.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)}).Expect(http.StatusCreated)
		cost := func(c *apitest.Client, path string, want int) int64 {
			t.Helper()
			before := counter.Count()
			items := c.Do("GET", path, nil).Expect(http.StatusOK)["items"].([]any)
			n := counter.Count() - before
			if len(items) != want {
				t.Fatalf("%s: %d items, want %d", path, len(items), want)
			}
			return n
		}
		for _, tc := range []struct {
			c          *apitest.Client
			path       string
			small, big int
		}{
			{w.Coordinator, "/api/v1/claims?limit=%d", 2, 12},
			{w.Coordinator, "/api/v1/claims?status=pending,approved&limit=%d", 2, 12},
			{w.Staff, "/api/v1/offers?limit=%d", 2, 12},
			{w.Staff, "/api/v1/agreements?limit=%d", 1, 2},
			{w.Admin, "/api/v1/orgs?limit=%d", 2, 6},
			{w.Admin, "/api/v1/users?limit=%d", 2, 6},
		} {
			small := cost(tc.c, fmt.Sprintf(tc.path, tc.small), tc.small)
			big := cost(tc.c, fmt.Sprintf(tc.path, tc.big), tc.big)
			if small == 0 {
				t.Fatalf("%s: no statement counted", tc.path)
			}
			if big != small {
				t.Errorf("%s: %d statements for %d items, %d for %d", tc.path, small, tc.small, big, tc.big)
			}
		}
	})
}

// TestCommaSeparatedStatusFilters: status=a,b selects either, each value is checked.
func TestCommaSeparatedStatusFilters(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		start, end := apitest.Night(1)
		win := apitest.Window(start, end, "")
		offer := w.Liaison.Listing("offers", "parking", 10, []map[string]any{win}, nil)
		ids := map[string]string{}
		for _, st := range []string{"pending", "approved", "rejected", "cancelled"} {
			c := w.Staff.Claim(offer["id"].(string), 1, win).Expect(http.StatusCreated)
			id := c["id"].(string)
			ids[st] = id
			switch st {
			case "approved":
				w.Coordinator.Do("POST", "/api/v1/claims/"+id+"/approve", nil).Expect(http.StatusOK)
			case "rejected":
				w.Coordinator.Do("POST", "/api/v1/claims/"+id+"/reject", map[string]any{"reason": "no"}).Expect(http.StatusOK)
			case "cancelled":
				w.Staff.Do("POST", "/api/v1/claims/"+id+"/cancel", nil).Expect(http.StatusOK)
			}
		}
		statuses := func(path string) map[string]bool {
			t.Helper()
			out := map[string]bool{}
			for _, it := range w.Coordinator.Do("GET", path, nil).Expect(http.StatusOK)["items"].([]any) {
				out[it.(map[string]any)["status"].(string)] = true
			}
			return out
		}
		got := statuses("/api/v1/claims?status=pending,approved")
		if len(got) != 2 || !got["pending"] || !got["approved"] {
			t.Errorf("pending,approved: %v", got)
		}
		if got := statuses("/api/v1/claims?status=rejected,cancelled,rejected"); len(got) != 2 || !got["rejected"] || !got["cancelled"] {
			t.Errorf("rejected,cancelled: %v", got)
		}
		if got := statuses("/api/v1/claims?status=approved"); len(got) != 1 || !got["approved"] {
			t.Errorf("approved: %v", got)
		}
		for _, path := range []string{"/api/v1/claims?status=pending,nope", "/api/v1/claims?status=pending,", "/api/v1/offers?status=open,gone", "/api/v1/agreements?status=active,x"} {
			p := w.Coordinator.Do("GET", path, nil).Problem(http.StatusUnprocessableEntity, "validation_failed")
			errs := p["errors"].([]any)
			if errs[0].(map[string]any)["field"] != "status" {
				t.Errorf("%s: %v", path, p)
			}
		}
		// Listings: a paused one and an open one, then open,paused lists both and closed none.
		paused := w.Liaison.Listing("offers", "parking", 1, []map[string]any{win}, nil)
		w.Liaison.Do("PATCH", "/api/v1/offers/"+paused["id"].(string), map[string]any{"status": "paused"}).Expect(http.StatusOK)
		if got := statuses("/api/v1/offers?status=open,paused"); len(got) != 2 {
			t.Errorf("offers open,paused: %v", got)
		}
		if got := statuses("/api/v1/offers?status=closed"); len(got) != 0 {
			t.Errorf("offers closed: %v", got)
		}
		if got := statuses("/api/v1/agreements?status=pending_signatures,active"); len(got) != 1 || !got["active"] {
			t.Errorf("agreements: %v", got)
		}
	})
}

// TestMatchingRunsList: newest first, without proposals, paginated, for the street's
// coordinators and admins only.
func TestMatchingRunsList(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		win := apitest.Window(start, end, "")
		w.Liaison.Listing("offers", "parking", 4, []map[string]any{win}, map[string]any{"title": "停车位"})
		w.Staff.Listing("needs", "parking", 2, []map[string]any{win}, map[string]any{"title": "停车需求"})
		body := map[string]any{"street_id": w.StreetID, "from": start.Add(-time.Hour).Format(time.RFC3339), "to": end.Add(time.Hour).Format(time.RFC3339)}
		var ids []string
		for range 3 {
			r := w.Coordinator.Do("POST", "/api/v1/matching/runs", body).Expect(http.StatusCreated)
			ids = append(ids, r["id"].(string))
			field(t, r, "street_name", "五星街道")
			p := r["proposals"].([]any)[0].(map[string]any)
			field(t, p, "need_title", "停车需求")
			field(t, p, "offer_title", "停车位")
			field(t, p, "need_org_name", "五星社区")
			field(t, p, "offer_org_name", "市第一中学")
		}
		page := w.Coordinator.Do("GET", "/api/v1/matching/runs?street_id="+w.StreetID+"&limit=2", nil).Expect(http.StatusOK)
		items := page["items"].([]any)
		if len(items) != 2 || items[0].(map[string]any)["id"] != ids[2] || items[1].(map[string]any)["id"] != ids[1] {
			t.Fatalf("first page: %v", items)
		}
		if _, ok := items[0].(map[string]any)["proposals"]; ok {
			t.Errorf("a listed run carries proposals: %v", items[0])
		}
		field(t, items[0].(map[string]any), "street_name", "五星街道")
		next := page["next_cursor"].(string)
		rest := w.Admin.Do("GET", "/api/v1/matching/runs?street_id="+w.StreetID+"&cursor="+next, nil).Expect(http.StatusOK)
		if it := rest["items"].([]any); len(it) != 1 || it[0].(map[string]any)["id"] != ids[0] || rest["next_cursor"] != nil {
			t.Fatalf("second page: %v", rest)
		}
		w.Coordinator2.Do("GET", "/api/v1/matching/runs?street_id="+w.StreetID, nil).Problem(http.StatusForbidden, "forbidden")
		w.Liaison.Do("GET", "/api/v1/matching/runs?street_id="+w.StreetID, nil).Problem(http.StatusForbidden, "forbidden")
		w.Coordinator.Do("GET", "/api/v1/matching/runs", nil).Problem(http.StatusUnprocessableEntity, "validation_failed")
		if it := w.Coordinator2.Do("GET", "/api/v1/matching/runs?street_id="+w.Street2ID, nil).Expect(http.StatusOK)["items"].([]any); len(it) != 0 {
			t.Errorf("another street's runs: %v", it)
		}
	})
}
