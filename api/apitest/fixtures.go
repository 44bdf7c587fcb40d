package apitest

import "net/http"

// World is a small district: one street with a community and a unit, a second street, and a
// user for each role.
type World struct {
	DistrictID, StreetID, Street2ID, CommunityID, UnitID, Unit2ID string
	Admin, Coordinator, Coordinator2, Staff, Liaison, Liaison2    *Client
}

// Password is the password of every fixture user.
const Password = "fixture-password"

// Org creates an org as c and returns its id.
func (c *Client) Org(kind, name, parent string, extra map[string]any) string {
	c.s.T.Helper()
	body := map[string]any{"kind": kind, "name": name}
	if parent != "" {
		body["parent_id"] = parent
	}
	for k, v := range extra {
		body[k] = v
	}
	return c.Do("POST", "/api/v1/orgs", body).Expect(http.StatusCreated)["id"].(string)
}

// User creates a user as c and logs them in.
func (c *Client) User(username, role, orgID string) *Client {
	c.s.T.Helper()
	c.Do("POST", "/api/v1/users", map[string]any{
		"username": username, "password": Password, "role": role, "org_id": orgID,
		"display_name": username, "phone": "13812345678",
	}).Expect(http.StatusCreated)
	return c.s.Login(username, Password)
}

// NewWorld builds the fixture district through the API.
func (s *Server) NewWorld() *World {
	s.T.Helper()
	w := &World{Admin: s.Admin()}
	me := w.Admin.Do("GET", "/api/v1/me", nil).Expect(http.StatusOK)
	w.DistrictID = me["org_id"].(string)
	loc := map[string]any{"lat": 24.3264, "lng": 109.4281, "address": "柳州市城中区"}
	w.StreetID = w.Admin.Org("street", "五星街道", w.DistrictID, map[string]any{"location": loc})
	w.Street2ID = w.Admin.Org("street", "城中街道", w.DistrictID, nil)
	w.Coordinator = w.Admin.User("coord", "coordinator", w.StreetID)
	w.Coordinator2 = w.Admin.User("coord2", "coordinator", w.Street2ID)
	w.CommunityID = w.Coordinator.Org("community", "五星社区", w.StreetID, map[string]any{"location": loc})
	w.UnitID = w.Coordinator.Org("unit", "市第一中学", w.StreetID, map[string]any{"location": loc, "community_id": w.CommunityID})
	w.Unit2ID = w.Coordinator.Org("unit", "柳州银行", w.StreetID, map[string]any{"location": loc})
	w.Staff = w.Coordinator.User("staff", "community_staff", w.CommunityID)
	w.Liaison = w.Coordinator.User("liaison", "liaison", w.UnitID)
	w.Liaison2 = w.Coordinator.User("liaison2", "liaison", w.Unit2ID)
	return w
}
