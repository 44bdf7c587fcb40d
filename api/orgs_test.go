package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
)

func TestOrgAndUserCreationByRole(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		community := map[string]any{"kind": "community", "name": "新社区", "parent_id": w.StreetID}
		otherStreet := map[string]any{"kind": "community", "name": "别处社区", "parent_id": w.Street2ID}
		street := map[string]any{"kind": "street", "name": "新街道", "parent_id": w.DistrictID}
		cases := []struct {
			name   string
			c      *apitest.Client
			body   map[string]any
			status int
		}{
			{"admin creates a street", w.Admin, street, http.StatusCreated},
			{"coordinator creates a community in its street", w.Coordinator, community, http.StatusCreated},
			{"coordinator may not create in another street", w.Coordinator, otherStreet, http.StatusForbidden},
			{"coordinator may not create a street", w.Coordinator, street, http.StatusForbidden},
			{"community staff may not create orgs", w.Staff, community, http.StatusForbidden},
			{"liaison may not create orgs", w.Liaison, community, http.StatusForbidden},
		}
		for _, tc := range cases {
			r := tc.c.Do("POST", "/api/v1/orgs", tc.body)
			if r.Code != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, r.Code, tc.status, r.Body)
			}
		}
		created := w.Coordinator.Do("POST", "/api/v1/orgs", map[string]any{"kind": "unit", "name": "某公司", "parent_id": w.StreetID}).Expect(http.StatusCreated)
		if created["street_id"] != w.StreetID || created["version"].(float64) != 1 {
			t.Fatalf("derived street_id/version: %v", created)
		}
		unitID := created["id"].(string)

		user := func(role, org string) map[string]any {
			return map[string]any{"username": "u-" + role + "-" + org[len(org)-6:], "password": "long-enough-pw", "role": role, "org_id": org}
		}
		userCases := []struct {
			name   string
			c      *apitest.Client
			body   map[string]any
			status int
		}{
			{"admin creates a coordinator", w.Admin, user("coordinator", w.Street2ID), http.StatusCreated},
			{"coordinator creates a liaison in its street", w.Coordinator, user("liaison", unitID), http.StatusCreated},
			{"coordinator may not create a coordinator", w.Coordinator, user("coordinator", w.StreetID), http.StatusForbidden},
			{"liaison may not create users", w.Liaison, user("liaison", w.UnitID), http.StatusForbidden},
			{"staff may not create users", w.Staff, user("community_staff", w.CommunityID), http.StatusForbidden},
			{"role must match the org kind", w.Admin, user("liaison", w.CommunityID), http.StatusUnprocessableEntity},
		}
		for _, tc := range userCases {
			r := tc.c.Do("POST", "/api/v1/users", tc.body)
			if r.Code != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, r.Code, tc.status, r.Body)
			}
		}
		dup := map[string]any{"username": "liaison", "password": "long-enough-pw", "role": "liaison", "org_id": w.UnitID}
		w.Admin.Do("POST", "/api/v1/users", dup).Problem(http.StatusConflict, "conflict")

		// Visibility: a liaison lists only its own org's users; a coordinator its street's.
		var list struct {
			Items []map[string]any `json:"items"`
		}
		w.Liaison.Do("GET", "/api/v1/users", nil).Decode(&list)
		for _, u := range list.Items {
			if u["org_id"] != w.UnitID {
				t.Errorf("liaison sees a user of %v", u["org_id"])
			}
		}
		w.Coordinator2.Do("GET", "/api/v1/users?limit=100", nil).Decode(&list)
		for _, u := range list.Items {
			if u["org_id"] == w.UnitID {
				t.Errorf("coordinator of another street sees %v", u["username"])
			}
		}
		w.Admin.Do("PATCH", "/api/v1/orgs/"+w.UnitID, map[string]any{"name": "改名"}).Expect(http.StatusOK)
		w.Liaison2.Do("PATCH", "/api/v1/orgs/"+w.UnitID, map[string]any{"name": "别人改"}).Problem(http.StatusForbidden, "forbidden")
	})
}

func TestDeactivatedUserIsLockedOut(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		me := w.Liaison.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		w.Liaison2.Do("DELETE", "/api/v1/users/"+me["id"].(string), nil).Problem(http.StatusNotFound, "not_found")
		w.Coordinator.Do("DELETE", "/api/v1/users/"+me["id"].(string), nil).Expect(http.StatusNoContent)
		w.Liaison.Do("GET", "/api/v1/me", nil).Problem(http.StatusUnauthorized, "unauthenticated")
		s.Anon().Do("POST", "/api/v1/auth/login", map[string]string{"username": "liaison", "password": apitest.Password}).Problem(http.StatusUnauthorized, "unauthenticated")
	})
}

func TestPhoneMasking(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := s.NewWorld()
		w.Admin.Do("PATCH", "/api/v1/orgs/"+w.UnitID, map[string]any{"contact_phone": "13912345678"}).Expect(http.StatusOK)
		cases := []struct {
			name string
			c    *apitest.Client
			want string
		}{
			{"admin", w.Admin, "13912345678"},
			{"own org", w.Liaison, "13912345678"},
			{"coordinator of the street", w.Coordinator, "13912345678"},
			{"coordinator of another street", w.Coordinator2, "139****5678"},
			{"another unit", w.Liaison2, "139****5678"},
			{"a community without agreement", w.Staff, "139****5678"},
		}
		for _, tc := range cases {
			got := tc.c.Do("GET", "/api/v1/orgs/"+w.UnitID, nil).Expect(http.StatusOK)["contact_phone"]
			if got != tc.want {
				t.Errorf("%s sees %v, want %s", tc.name, got, tc.want)
			}
		}
		me := w.Liaison.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
		self := w.Liaison.Do("GET", "/api/v1/users/"+me["id"].(string), nil).Expect(http.StatusOK)
		if self["phone"] != "13812345678" {
			t.Errorf("own phone: %v", self["phone"])
		}
		viaCoord := w.Coordinator.Do("GET", "/api/v1/users/"+me["id"].(string), nil).Expect(http.StatusOK)
		if viaCoord["phone"] != "13812345678" {
			t.Errorf("coordinator sees %v", viaCoord["phone"])
		}
		var list struct {
			Items []map[string]any `json:"items"`
		}
		w.Liaison.Do("GET", "/api/v1/orgs?limit=100", nil).Decode(&list)
		for _, o := range list.Items {
			if p, _ := o["contact_phone"].(string); o["id"] != w.UnitID && p != "" && !strings.Contains(p, "****") {
				t.Errorf("unmasked phone of %v in list", o["name"])
			}
		}
	})
}
