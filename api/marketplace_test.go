package api_test

import (
	"context"
	"strings"

	"github.com/gongjian/gongjian/app"
	"net/http"
	"testing"
	"time"

	"github.com/gongjian/gongjian/api/apitest"
)

// TestClaimStory walks the story of the marketplace issue end to end, in both directions.
func TestClaimStory(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		nightly := apitest.Window(start, end, "FREQ=DAILY;COUNT=60")

		// A unit posts nightly parking: 10 spaces, 19:00–07:00 daily.
		offer := w.Liaison.Listing("offers", "parking", 10, []map[string]any{nightly}, nil)
		if offer["side"] != "offer" || offer["status"] != "open" || offer["street_id"] != w.StreetID || offer["version"].(float64) != 1 {
			t.Fatalf("offer: %v", offer)
		}
		offerID := offer["id"].(string)
		// A community posts a nightly parking need.
		need := w.Staff.Listing("needs", "parking", 8, []map[string]any{nightly}, nil)
		if need["side"] != "need" {
			t.Fatalf("need: %v", need)
		}

		night := apitest.Window(start, end, "")
		// Before any agreement: 422 no_active_agreement.
		w.Staff.Claim(offerID, 6, night).Problem(http.StatusUnprocessableEntity, "no_active_agreement")

		agreementID := s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking", "patrol"}, nil)

		claim := w.Staff.Claim(offerID, 6, night).Expect(http.StatusCreated)
		claimID := claim["id"].(string)
		if claim["status"] != "pending" || claim["agreement_id"] != agreementID || claim["claimant_org_id"] != w.CommunityID ||
			claim["owner_org_id"] != w.UnitID || claim["listing_side"] != "offer" || claim["expires_at"] == nil {
			t.Fatalf("claim: %v", claim)
		}

		// The coordinator of another street cannot approve (cannot even see it); the right one does.
		w.Coordinator2.Do("POST", "/api/v1/claims/"+claimID+"/approve", nil).Problem(http.StatusNotFound, "not_found")
		w.Liaison.Do("POST", "/api/v1/claims/"+claimID+"/approve", nil).Problem(http.StatusForbidden, "forbidden")
		approved := w.Coordinator.Do("POST", "/api/v1/claims/"+claimID+"/approve", map[string]any{"note": "同意"}).Expect(http.StatusOK)
		if approved["status"] != "approved" {
			t.Fatalf("approve: %v", approved)
		}

		// 5 more on that night overflow (6 + 5 > 10), naming the occurrence; 4 more fit.
		p := w.Staff.Claim(offerID, 5, night).Problem(http.StatusConflict, "capacity_exceeded")
		occ := p["data"].(map[string]any)["occurrence"].(map[string]any)
		if !strings.Contains(p["detail"].(string), start.Format(time.RFC3339)) {
			t.Fatalf("the detail does not name the occurrence: %v", p["detail"])
		}
		if st, _ := time.Parse(time.RFC3339, occ["start"].(string)); !st.Equal(start) {
			t.Fatalf("capacity_exceeded names %v, want %v", occ, start)
		}
		four := w.Staff.Claim(offerID, 4, night).Expect(http.StatusCreated)
		w.Staff.Claim(offerID, 1, night).Problem(http.StatusConflict, "capacity_exceeded")
		avail := w.Staff.Do("GET", "/api/v1/offers/"+offerID+"/availability?from="+start.Format(time.RFC3339)+"&to="+end.Format(time.RFC3339), nil).Expect(http.StatusOK)
		if it := avail["items"].([]any)[0].(map[string]any); it["held"].(float64) != 10 || it["remaining"].(float64) != 0 {
			t.Fatalf("availability: %v", avail)
		}
		// The next night is untouched.
		s2, e2 := apitest.Night(2)
		w.Staff.Claim(offerID, 10, apitest.Window(s2, e2, "")).Expect(http.StatusCreated)

		// Reject releases the hold at once.
		w.Coordinator.Do("POST", "/api/v1/claims/"+four["id"].(string)+"/reject", map[string]any{"reason": "名额调整"}).Expect(http.StatusOK)
		w.Staff.Claim(offerID, 4, night).Expect(http.StatusCreated)

		// Both sides confirm → fulfilled; then feedback, once, by the claimant.
		w.Staff.Do("POST", "/api/v1/claims/"+claimID+"/feedback", map[string]any{"rating": 5}).Problem(http.StatusConflict, "invalid_transition")
		w.Liaison.Do("POST", "/api/v1/claims/"+claimID+"/confirm", nil).Expect(http.StatusOK)
		w.Liaison.Do("POST", "/api/v1/claims/"+claimID+"/confirm", nil).Problem(http.StatusConflict, "invalid_transition")
		done := w.Staff.Do("POST", "/api/v1/claims/"+claimID+"/confirm", nil).Expect(http.StatusOK)
		if done["status"] != "fulfilled" {
			t.Fatalf("after two confirmations: %v", done)
		}
		w.Liaison.Do("POST", "/api/v1/claims/"+claimID+"/feedback", map[string]any{"rating": 5}).Problem(http.StatusForbidden, "forbidden")
		w.Staff.Do("POST", "/api/v1/claims/"+claimID+"/feedback", map[string]any{"rating": 9}).Problem(http.StatusUnprocessableEntity, "validation_failed")
		fb := w.Staff.Do("POST", "/api/v1/claims/"+claimID+"/feedback", map[string]any{"rating": 5, "comment": "很好"}).Expect(http.StatusOK)
		if fb["rating"].(float64) != 5 {
			t.Fatalf("feedback: %v", fb)
		}
		w.Staff.Do("POST", "/api/v1/claims/"+claimID+"/feedback", map[string]any{"rating": 4}).Problem(http.StatusConflict, "invalid_transition")
		w.Coordinator.Do("POST", "/api/v1/claims/"+claimID+"/cancel", nil).Problem(http.StatusForbidden, "forbidden")
		w.Staff.Do("POST", "/api/v1/claims/"+claimID+"/cancel", nil).Problem(http.StatusConflict, "invalid_transition")

		// The full history is kept.
		got := w.Coordinator.Do("GET", "/api/v1/claims/"+claimID, nil).Expect(http.StatusOK)
		var actions []string
		for _, h := range got["history"].([]any) {
			actions = append(actions, h.(map[string]any)["action"].(string))
		}
		want := []string{"created", "approved", "confirmed", "fulfilled", "feedback"}
		if len(actions) != len(want) {
			t.Fatalf("history %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Fatalf("history %v, want %v", actions, want)
			}
		}

		// The reverse direction: a community needs patrols, a unit claims that need.
		patrol := w.Staff.Listing("needs", "patrol", 3, []map[string]any{apitest.Window(start, end, "FREQ=WEEKLY;COUNT=8")}, nil)
		rev := w.Liaison.Claim(patrol["id"].(string), 2, apitest.Window(start.Add(time.Hour), start.Add(3*time.Hour), "FREQ=WEEKLY;COUNT=4")).Expect(http.StatusCreated)
		if rev["listing_side"] != "need" || rev["claimant_org_id"] != w.UnitID || rev["owner_org_id"] != w.CommunityID {
			t.Fatalf("reverse claim: %v", rev)
		}
		// The owner can see claims on its listing; a bystander cannot.
		w.Staff.Do("GET", "/api/v1/claims/"+rev["id"].(string), nil).Expect(http.StatusOK)
		w.Liaison2.Do("GET", "/api/v1/claims/"+rev["id"].(string), nil).Problem(http.StatusNotFound, "not_found")
	})
}

// TestClaimErrors provokes every error code of API.md §6 once.
func TestClaimErrors(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		night := apitest.Window(start, end, "")
		offer := w.Liaison.Listing("offers", "parking", 10, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=10")},
			map[string]any{"max_per_claimant": 3})
		id := offer["id"].(string)
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)

		w.Liaison.Claim(id, 1, night).Problem(http.StatusUnprocessableEntity, "own_listing")
		w.Staff.Claim(id, 1, apitest.Window(start.Add(-time.Hour), end, "")).Problem(http.StatusUnprocessableEntity, "window_outside_availability")
		w.Staff.Claim(id, 1, apitest.Window(start, end, "FREQ=DAILY;COUNT=20")).Problem(http.StatusUnprocessableEntity, "window_outside_availability")
		w.Staff.Claim(id, 4, night).Problem(http.StatusConflict, "claimant_limit_exceeded")
		w.Staff.Claim(id, 11, night).Problem(http.StatusConflict, "capacity_exceeded")
		w.Staff.Claim(id, 0, night).Problem(http.StatusUnprocessableEntity, "validation_failed")
		c := w.Staff.Claim(id, 3, night).Expect(http.StatusCreated)
		w.Staff.Claim(id, 1, night).Problem(http.StatusConflict, "claimant_limit_exceeded")
		w.Coordinator.Do("POST", "/api/v1/claims/"+c["id"].(string)+"/approve", nil).Expect(http.StatusOK)
		w.Coordinator.Do("POST", "/api/v1/claims/"+c["id"].(string)+"/approve", nil).Problem(http.StatusConflict, "invalid_transition")

		// Another community without an agreement, and a claim naming an agreement that does not cover it.
		comm2 := w.Coordinator.Org("community", "第二社区", w.StreetID, nil)
		staff2 := w.Coordinator.User("staff2", "community_staff", comm2)
		staff2.Claim(id, 1, night).Problem(http.StatusUnprocessableEntity, "no_active_agreement")

		// Paused listings take no claims; closing is final.
		etag := w.Liaison.Do("GET", "/api/v1/offers/"+id, nil).Header.Get("ETag")
		w.Liaison.With("If-Match", etag).Do("PATCH", "/api/v1/offers/"+id, map[string]any{"status": "paused"}).Expect(http.StatusOK)
		w.Staff.Claim(id, 1, night).Problem(http.StatusConflict, "listing_not_open")
		w.Liaison.Do("PATCH", "/api/v1/offers/"+id, map[string]any{"status": "closed"}).Expect(http.StatusOK)
		w.Liaison.Do("PATCH", "/api/v1/offers/"+id, map[string]any{"status": "open"}).Problem(http.StatusConflict, "invalid_transition")

		// Coordinators and admins do not claim.
		w.Coordinator.Claim(id, 1, night).Problem(http.StatusForbidden, "forbidden")
	})
}

func TestListingShrinkAndVisibility(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		offer := w.Liaison.Listing("offers", "parking", 10, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=10")}, nil)
		id := offer["id"].(string)
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
		w.Staff.Claim(id, 6, apitest.Window(start, end, "")).Expect(http.StatusCreated)

		w.Liaison.Do("PATCH", "/api/v1/offers/"+id, map[string]any{"quantity": 5}).Problem(http.StatusConflict, "conflict")
		w.Liaison.Do("PATCH", "/api/v1/offers/"+id, map[string]any{"windows": []map[string]any{apitest.Window(start.Add(time.Hour), end, "FREQ=DAILY;COUNT=10")}}).Problem(http.StatusConflict, "conflict")
		w.Liaison.Do("PATCH", "/api/v1/offers/"+id, map[string]any{"quantity": 6}).Expect(http.StatusOK)
		w.Liaison2.Do("PATCH", "/api/v1/offers/"+id, map[string]any{"quantity": 7}).Problem(http.StatusForbidden, "forbidden")

		// Street-only listings are hidden from other streets' orgs.
		hidden := w.Liaison.Listing("offers", "venue", 1, []map[string]any{apitest.Window(start, end, "")}, map[string]any{"visibility": "street"})
		street2Comm := w.Admin.Org("community", "外街社区", w.Street2ID, nil)
		outsider := w.Admin.User("outsider", "community_staff", street2Comm)
		outsider.Do("GET", "/api/v1/offers/"+hidden["id"].(string), nil).Problem(http.StatusNotFound, "not_found")
		w.Staff.Do("GET", "/api/v1/offers/"+hidden["id"].(string), nil).Expect(http.StatusOK)

		// Search filters.
		var list struct {
			Items []map[string]any `json:"items"`
		}
		w.Staff.Do("GET", "/api/v1/offers?category=parking&near=24.3264,109.4281&radius_km=1&from="+start.Format(time.RFC3339)+"&to="+end.Format(time.RFC3339), nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0]["id"] != id {
			t.Fatalf("search: %v", list.Items)
		}
		w.Staff.Do("GET", "/api/v1/offers?near=25.0,110.0&radius_km=1", nil).Decode(&list)
		if len(list.Items) != 0 {
			t.Fatalf("far search found %d", len(list.Items))
		}
		outsider.Do("GET", "/api/v1/offers?limit=100", nil).Decode(&list)
		for _, it := range list.Items {
			if it["visibility"] == "street" {
				t.Fatalf("outsider sees a street-only listing")
			}
		}
		w.Staff.Do("GET", "/api/v1/offers?q=venue", nil).Decode(&list)
		if len(list.Items) != 1 {
			t.Fatalf("text search found %d", len(list.Items))
		}
		// GCJ-02 input is converted to WGS-84.
		gcj := w.Liaison.Do("POST", "/api/v1/needs", map[string]any{
			"category": "venue", "title": "t", "quantity": 1, "windows": []map[string]any{apitest.Window(start, end, "")},
			"location": map[string]any{"lat": 24.3264, "lng": 109.4281, "crs": "gcj02"},
		}).Expect(http.StatusCreated)
		if loc := gcj["location"].(map[string]any); loc["lat"].(float64) == 24.3264 {
			t.Fatalf("gcj02 not converted: %v", loc)
		}
		w.Liaison.Do("POST", "/api/v1/offers", map[string]any{
			"category": "nope", "title": "t", "quantity": 1, "windows": []map[string]any{apitest.Window(start, start.Add(8*24*time.Hour), "")},
			"location": map[string]any{"lat": 24.3, "lng": 109.4},
		}).Problem(http.StatusUnprocessableEntity, "validation_failed")
	})
}

func TestAgreementLifecycle(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		offer := w.Liaison.Listing("offers", "parking", 10, []map[string]any{apitest.Window(start, end, "FREQ=DAILY;COUNT=10")}, nil)
		id := offer["id"].(string)

		body := map[string]any{"party_a_org_id": w.UnitID, "party_b_org_id": w.Unit2ID, "title": "x", "categories": []string{"parking"}, "starts_on": "2026-01-01", "ends_on": "2030-01-01"}
		w.Admin.Do("POST", "/api/v1/agreements", body).Problem(http.StatusUnprocessableEntity, "validation_failed")
		body["party_b_org_id"] = w.StreetID
		w.Liaison2.Do("POST", "/api/v1/agreements", body).Problem(http.StatusForbidden, "forbidden")
		ag := w.Liaison.Do("POST", "/api/v1/agreements", body).Expect(http.StatusCreated)
		agID := ag["id"].(string)
		if ag["status"] != "pending_signatures" || len(ag["signatures"].([]any)) != 0 {
			t.Fatalf("new agreement: %v", ag)
		}
		w.Staff.Do("POST", "/api/v1/agreements/"+agID+"/sign", nil).Problem(http.StatusNotFound, "not_found")
		w.Liaison.Do("POST", "/api/v1/agreements/"+agID+"/sign", nil).Expect(http.StatusOK)
		w.Liaison.Do("POST", "/api/v1/agreements/"+agID+"/sign", nil).Problem(http.StatusConflict, "conflict")
		active := w.Coordinator.Do("POST", "/api/v1/agreements/"+agID+"/sign", nil).Expect(http.StatusOK)
		if active["status"] != "active" || len(active["signatures"].([]any)) != 2 {
			t.Fatalf("signed: %v", active)
		}
		// A street party covers every community of that street.
		pending := w.Staff.Claim(id, 2, apitest.Window(start, end, "")).Expect(http.StatusCreated)
		if pending["agreement_id"] != agID {
			t.Fatalf("covered by %v, want %s", pending["agreement_id"], agID)
		}
		approved := w.Staff.Claim(id, 3, apitest.Window(start, end, "")).Expect(http.StatusCreated)
		w.Coordinator.Do("POST", "/api/v1/claims/"+approved["id"].(string)+"/approve", nil).Expect(http.StatusOK)

		// Partners see each other's phones.
		w.Coordinator.Do("PATCH", "/api/v1/orgs/"+w.StreetID, map[string]any{"contact_phone": "07712345678"}).Expect(http.StatusOK)
		if got := w.Liaison.Do("GET", "/api/v1/orgs/"+w.StreetID, nil).Expect(http.StatusOK)["contact_phone"]; got != "07712345678" {
			t.Fatalf("partner sees %v", got)
		}

		// Termination cancels the pending claim only; capacity comes back.
		w.Liaison.Do("POST", "/api/v1/agreements/"+agID+"/terminate", map[string]any{"reason": "到期"}).Expect(http.StatusOK)
		if st := w.Staff.Do("GET", "/api/v1/claims/"+pending["id"].(string), nil).Expect(http.StatusOK)["status"]; st != "cancelled" {
			t.Fatalf("pending claim after termination: %v", st)
		}
		if st := w.Staff.Do("GET", "/api/v1/claims/"+approved["id"].(string), nil).Expect(http.StatusOK)["status"]; st != "approved" {
			t.Fatalf("approved claim after termination: %v", st)
		}
		w.Liaison.Do("POST", "/api/v1/agreements/"+agID+"/terminate", map[string]any{"reason": "again"}).Problem(http.StatusConflict, "invalid_transition")
		w.Staff.Claim(id, 1, apitest.Window(start, end, "")).Problem(http.StatusUnprocessableEntity, "no_active_agreement")

		// auto_approve agreements approve at creation.
		s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, map[string]any{"auto_approve": true})
		auto := w.Staff.Claim(id, 1, apitest.Window(start, end, "")).Expect(http.StatusCreated)
		if auto["status"] != "approved" {
			t.Fatalf("auto-approved claim: %v", auto)
		}
		// Its two steps share one instant; the history keeps them in order.
		var steps []any
		for _, h := range w.Staff.Do("GET", "/api/v1/claims/"+auto["id"].(string), nil).Expect(http.StatusOK)["history"].([]any) {
			steps = append(steps, h.(map[string]any)["action"])
		}
		if len(steps) != 2 || steps[0] != "created" || steps[1] != "approved" {
			t.Fatalf("auto-approved claim's history: %v", steps)
		}
	})
}

func TestClaimHoldExpiry(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := apitest.Start(t, engine, func(c *app.Config) { c.ClaimHold = 50 * time.Millisecond })
			w := s.NewWorld()
			start, end := apitest.Night(1)
			offer := w.Liaison.Listing("offers", "parking", 5, []map[string]any{apitest.Window(start, end, "")}, nil)
			s.Agreement(w.Staff, w.Staff, w.Liaison, w.CommunityID, w.UnitID, []string{"parking"}, nil)
			c := w.Staff.Claim(offer["id"].(string), 5, apitest.Window(start, end, "")).Expect(http.StatusCreated)
			time.Sleep(100 * time.Millisecond)
			// The hold lapsed: the capacity is free and the claim reads expired before any sweep.
			w.Staff.Claim(offer["id"].(string), 5, apitest.Window(start, end, "")).Expect(http.StatusCreated)
			if st := w.Staff.Do("GET", "/api/v1/claims/"+c["id"].(string), nil).Expect(http.StatusOK)["status"]; st != "expired" {
				t.Fatalf("status %v", st)
			}
			w.Coordinator.Do("POST", "/api/v1/claims/"+c["id"].(string)+"/approve", nil).Problem(http.StatusConflict, "invalid_transition")
			n, err := s.App.Market.ExpireOverdue(context.Background(), 100)
			if err != nil || n < 1 {
				t.Fatalf("ExpireOverdue = %d, %v", n, err)
			}
			h := w.Staff.Do("GET", "/api/v1/claims/"+c["id"].(string), nil).Expect(http.StatusOK)["history"].([]any)
			if last := h[len(h)-1].(map[string]any); last["action"] != "expired" || last["to"] != "expired" {
				t.Fatalf("history: %v", h)
			}
		})
	}
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		start, end := apitest.Night(1)
		body := map[string]any{"category": "parking", "title": "t", "quantity": 2, "windows": []map[string]any{apitest.Window(start, end, "")},
			"location": map[string]any{"lat": 24.3, "lng": 109.4}}
		c := w.Liaison.With("Idempotency-Key", "k-1")
		first := c.Do("POST", "/api/v1/offers", body)
		second := c.Do("POST", "/api/v1/offers", body)
		if first.Code != http.StatusCreated || second.Code != http.StatusCreated || string(first.Body) != string(second.Body) {
			t.Fatalf("replay: %d %s / %d %s", first.Code, first.Body, second.Code, second.Body)
		}
		body["quantity"] = 3
		c.Do("POST", "/api/v1/offers", body).Problem(http.StatusUnprocessableEntity, "idempotency_key_reused")
		// Keys are per caller.
		w.Liaison2.With("Idempotency-Key", "k-1").Do("POST", "/api/v1/offers", body).Expect(http.StatusCreated)
		var list struct {
			Items []map[string]any `json:"items"`
		}
		w.Liaison.Do("GET", "/api/v1/offers?org_id="+w.UnitID, nil).Decode(&list)
		if len(list.Items) != 1 {
			t.Fatalf("%d offers after a replayed create", len(list.Items))
		}
	})
}
