package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
)

// PersonRequest registers or patches a person (API.md §10); on PATCH absent fields stay
// unchanged, and an empty employer_org_id or external_id clears it.
type PersonRequest struct {
	Name          *string   `json:"name,omitempty" example:"李明" create:"required"`
	Phone         *string   `json:"phone,omitempty" example:"13812345678" create:"required"`
	CommunityID   *string   `json:"community_id,omitempty"`
	EmployerOrgID *string   `json:"employer_org_id,omitempty"`
	PartyMember   *bool     `json:"party_member,omitempty" example:"true"`
	Skills        *[]string `json:"skills,omitempty" example:"patrol,elderly_care"`
	// ExternalID is the person's id in an app (a mini-program's openid), unique per app.
	ExternalID *string `json:"external_id,omitempty" example:"oX3b9_openid"`
	// ExternalClientID is the client_id of the app ExternalID belongs to; staff send it, an app
	// registering a person sets its own.
	ExternalClientID *string `json:"external_client_id,omitempty" example:"gj_5f2b9c1d7e3a4b6c8d0e1f2a"`
} // @name PersonRequest

func (r PersonRequest) toDomain() (people.Input, error) {
	return people.Input{
		Name: r.Name, Phone: r.Phone, CommunityID: r.CommunityID, EmployerOrgID: r.EmployerOrgID,
		PartyMember: r.PartyMember, Skills: r.Skills, ExternalID: r.ExternalID, ExternalClientID: r.ExternalClientID,
	}, nil
}

// PersonResponse is a person; phone is masked unless the caller may see it (API.md §3, §10).
type PersonResponse struct {
	ID               string     `json:"id"`
	Name             string     `json:"name" example:"李明"`
	Phone            string     `json:"phone" example:"138****5678"`
	CommunityID      string     `json:"community_id"`
	CommunityName    string     `json:"community_name" example:"五星社区"`
	StreetID         string     `json:"street_id"`
	StreetName       string     `json:"street_name" example:"五星街道"`
	EmployerOrgID    *string    `json:"employer_org_id"`
	EmployerOrgName  *string    `json:"employer_org_name" example:"柳州市第一中学"`
	PartyMember      bool       `json:"party_member"`
	Skills           []string   `json:"skills" example:"patrol"`
	Status           string     `json:"status" enums:"pending,verified"`
	Active           bool       `json:"active"`
	ExternalID       *string    `json:"external_id"`
	ExternalClientID *string    `json:"external_client_id"`
	VerifiedAt       *time.Time `json:"verified_at"`
	Version          int64      `json:"version"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
} // @name Person

// PersonList is a page of people.
type PersonList = List[PersonResponse] // @name PersonList

func personResponse(v people.View) PersonResponse {
	r := PersonResponse{
		ID: v.ID, Name: v.Name, Phone: v.Phone, CommunityID: v.CommunityID, CommunityName: v.CommunityName,
		StreetID: v.StreetID, StreetName: v.StreetName, EmployerOrgID: optional(v.EmployerOrgID),
		PartyMember: v.PartyMember, Skills: v.Skills, Status: string(v.Status), Active: v.Active,
		ExternalID: optional(v.ExternalID), ExternalClientID: optional(v.ExternalClientID),
		VerifiedAt: v.VerifiedAt, Version: v.Version, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
	}
	if v.EmployerOrgID != "" {
		r.EmployerOrgName = &v.EmployerName
	}
	if !v.ShowPhone {
		r.Phone = domain.MaskPhone(r.Phone)
	}
	if r.Skills == nil {
		r.Skills = []string{}
	}
	return r
}

type peopleHandlers struct{ svc *people.Service }

func (h peopleHandlers) respond(c echo.Context, status int, v people.View) error {
	setETag(c, v.Version)
	return c.JSON(status, personResponse(v))
}

// create godoc
// @Summary      Register a person with a community (双报到)
// @Description  A resident or in-service party member. Registered by the community's staff, its street's coordinators or admins, the person is verified at once; registered by an app with people:write bound to the community, pending until staff verify. community_id defaults to the caller's community. external_id is the person's id in an app (for an app it is its own; staff name the app with external_client_id, an app of the community or its street); it is unique per app among active people (409 conflict). skills are category codes. The phone is masked except to the community's staff and apps, its agreement partners, the street's coordinators, admins and the person themself.
// @ID           createPerson
// @Tags         people
// @Accept       json
// @Produce      json
// @Param        Idempotency-Key  header    string         false  "makes retries safe"
// @Param        body             body      PersonRequest  true   "the person"
// @Success      201              {object}  PersonResponse
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      409              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Security     oauth2[people:write]
// @Security     oauth2[people:write]
// @Router       /people [post]
func (h peopleHandlers) create(c echo.Context) error {
	in, err := decodeInput[PersonRequest](c)
	if err != nil {
		return err
	}
	v, err := h.svc.Register(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusCreated, v)
}

// list godoc
// @Summary      Search people
// @Description  Active people the caller may read: admins all; coordinators their street's; community staff and the community's apps (people:write or people:act) their community's; liaison officers their unit's employees; a person token only itself. status is a comma-separated set; q matches part of the name.
// @ID           listPeople
// @Tags         people
// @Produce      json
// @Param        community_id     query     string  false  "community"
// @Param        employer_org_id  query     string  false  "employer unit"
// @Param        status           query     string  false  "pending, verified, or both comma-separated"
// @Param        q                query     string  false  "part of the name"
// @Param        limit            query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor           query     string  false  "next_cursor of the previous page"
// @Success      200              {object}  PersonList
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Security     oauth2[people:write]
// @Security     oauth2[people:act]
// @Router       /people [get]
func (h peopleHandlers) list(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	f := people.Filter{CommunityID: c.QueryParam("community_id"), EmployerOrgID: c.QueryParam("employer_org_id"),
		Query: strings.TrimSpace(c.QueryParam("q")), Page: pg}
	f.Statuses, err = domain.ParseStatuses("status", c.QueryParam("status"), []people.Status{people.StatusPending, people.StatusVerified})
	if err != nil {
		return err
	}
	vs, err := h.svc.List(c.Request().Context(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(vs, pg.Limit, func(v people.View) string { return v.ID }, personResponse))
}

// get godoc
// @Summary      Get a person
// @Description  Readers as for the list; a person token reads its own record with the phone unmasked.
// @ID           getPerson
// @Tags         people
// @Produce      json
// @Param        id   path      string  true  "person id"
// @Success      200  {object}  PersonResponse
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2[people:write]
// @Security     oauth2[people:act]
// @Router       /people/{id} [get]
func (h peopleHandlers) get(c echo.Context) error {
	v, err := h.svc.Get(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, v)
}

// update godoc
// @Summary      Update a person
// @Description  The community's staff, the street's coordinators, admins, and apps of the community with people:write. community_id cannot change (register the person with the new community instead). Send If-Match to avoid lost updates.
// @ID           updatePerson
// @Tags         people
// @Accept       json
// @Produce      json
// @Param        id        path      string         true   "person id"
// @Param        If-Match  header    string         false  "the ETag last read"
// @Param        body      body      PersonRequest  true   "fields to change"
// @Success      200       {object}  PersonResponse
// @Failure      400       {object}  Problem
// @Failure      401       {object}  Problem
// @Failure      403       {object}  Problem
// @Failure      404       {object}  Problem
// @Failure      409       {object}  Problem
// @Failure      412       {object}  Problem
// @Failure      422       {object}  Problem
// @Security     bearer
// @Security     oauth2[people:write]
// @Router       /people/{id} [patch]
func (h peopleHandlers) update(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	in, err := decodeInput[PersonRequest](c)
	if err != nil {
		return err
	}
	v, err := h.svc.Update(c.Request().Context(), principal(c), c.Param("id"), version, in)
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, v)
}

// verify godoc
// @Summary      Verify a pending person
// @Description  The community's staff, the street's coordinators and admins. Only a pending, active person is verified (409 invalid_transition otherwise).
// @ID           verifyPerson
// @Tags         people
// @Produce      json
// @Param        id   path      string  true  "person id"
// @Success      200  {object}  PersonResponse
// @Failure      401  {object}  Problem
// @Failure      403  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      409  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Router       /people/{id}/verify [post]
func (h peopleHandlers) verify(c echo.Context) error {
	v, err := h.svc.Verify(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, v)
}

// deactivate godoc
// @Summary      Deactivate a person
// @Description  The record is kept for the service history; the person leaves searches, their tokens stop working, their external id is free again, and their live claims are cancelled. Deactivating twice is not an error.
// @ID           deactivatePerson
// @Tags         people
// @Param        id   path  string  true  "person id"
// @Success      204
// @Failure      401  {object}  Problem
// @Failure      403  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2[people:write]
// @Router       /people/{id} [delete]
func (h peopleHandlers) deactivate(c echo.Context) error {
	if err := h.svc.Deactivate(c.Request().Context(), principal(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// mountPeople adds the routes of API.md §10.
func mountPeople(p *echo.Group, d Deps, once echo.MiddlewareFunc) {
	h := peopleHandlers{svc: d.People}
	p.POST("/people", h.create, once)
	p.GET("/people", h.list)
	p.GET("/people/:id", h.get)
	p.PATCH("/people/:id", h.update)
	p.DELETE("/people/:id", h.deactivate)
	p.POST("/people/:id/verify", h.verify)
	sh := serviceHandlers{svc: d.People}
	p.GET("/people/:id/service", sh.person)
	p.GET("/orgs/:id/member-service", sh.members)

	ph := passHandlers{svc: d.People}
	p.POST("/claims/:id/passes", ph.issue, once)
	p.GET("/claims/:id/passes", ph.claimPasses)
	p.GET("/passes", ph.list)
	p.GET("/passes/verify", ph.verify)
	p.GET("/passes/:id", ph.get)
	p.POST("/passes/:id/revoke", ph.revoke)
}
