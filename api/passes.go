package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
)

// PassRequest issues a pass on an approved claim to a person (API.md §10).
type PassRequest struct {
	PersonID string `json:"person_id"`
	// Quantity defaults to 1 (one car, one seat).
	Quantity *int64 `json:"quantity,omitempty" example:"1"`
	// Window defaults to the claim's window; it must lie inside it.
	Window *WindowDTO `json:"window,omitempty"`
	Plate  string     `json:"plate,omitempty" example:"桂B12345"`
	Note   string     `json:"note,omitempty"`
} // @name PassRequest

func (r PassRequest) toDomain() (people.PassInput, error) {
	in := people.PassInput{PersonID: r.PersonID, Quantity: r.Quantity, Plate: r.Plate, Note: r.Note}
	if r.Window != nil {
		in.Window = &domain.WindowInput{Start: r.Window.Start, End: r.Window.End, RRule: r.Window.RRule}
	}
	return in, nil
}

// PassResponse is a pass (通行证). person_phone is masked except to the claimant org, the
// street's coordinators, admins and the person; valid_now says whether it may be used now.
type PassResponse struct {
	ID          string     `json:"id"`
	ClaimID     string     `json:"claim_id"`
	PersonID    string     `json:"person_id"`
	PersonName  string     `json:"person_name" example:"李明"`
	PersonPhone string     `json:"person_phone" example:"138****5678"`
	Quantity    int64      `json:"quantity" example:"1"`
	Window      WindowDTO  `json:"window"`
	Plate       string     `json:"plate" example:"桂B12345"`
	Note        string     `json:"note"`
	Code        string     `json:"code" example:"K7M2Q9XH"`
	Status      string     `json:"status" enums:"active,revoked"`
	ValidNow    bool       `json:"valid_now"`
	RevokedAt   *time.Time `json:"revoked_at"`
	CreatedAt   time.Time  `json:"created_at"`
} // @name Pass

// PassList is a page of passes.
type PassList = List[PassResponse] // @name PassList

// RevokeRequest carries an optional reason.
type RevokeRequest struct {
	Reason string `json:"reason,omitempty"`
} // @name RevokeRequest

func passResponse(v people.PassView) PassResponse {
	loc := domain.ZoneOr(v.TimeZone)
	r := PassResponse{
		ID: v.ID, ClaimID: v.ClaimID, PersonID: v.PersonID, PersonName: v.PersonName, PersonPhone: v.PersonPhone,
		Quantity: v.Quantity, Window: WindowDTO{Start: v.Window.Start.In(loc), End: v.Window.End.In(loc), RRule: v.Window.RRule},
		Plate: v.Plate, Note: v.Note, Code: v.Code, Status: string(v.Status), ValidNow: v.ValidNow,
		RevokedAt: v.RevokedAt, CreatedAt: v.CreatedAt,
	}
	if !v.ShowPhone && r.PersonPhone != "" {
		r.PersonPhone = domain.MaskPhone(r.PersonPhone)
	}
	return r
}

type passHandlers struct{ svc *people.Service }

// issue godoc
// @Summary      Issue a pass on an approved claim (通行证)
// @Description  The claimant org hands (part of) its approved claim on to a verified person: a resident of the claimant community or an employee of the claimant unit. On a person's own claim the pass is that person's, and the person (their token) may take it themself. At every instant the active passes of a claim hold at most the claim's quantity (409 capacity_exceeded names the first occurrence that would overflow), and a pass's window lies inside the claim's (422 window_outside_availability). code is a random 8-character verification code (digits 2–9 and letters without I and O). A claim that is not approved is 409 invalid_transition.
// @ID           issuePass
// @Tags         passes
// @Accept       json
// @Produce      json
// @Param        id               path      string       true   "claim id"
// @Param        Idempotency-Key  header    string       false  "makes retries safe"
// @Param        body             body      PassRequest  true   "the pass"
// @Success      201              {object}  PassResponse
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      404              {object}  Problem
// @Failure      409              {object}  Problem
// @Failure      422              {object}  Problem  "validation_failed, window_outside_availability, idempotency_key_reused"
// @Security     bearer
// @Security     oauth2[claims:write]
// @Router       /claims/{id}/passes [post]
func (h passHandlers) issue(c echo.Context) error {
	in, err := decodeInput[PassRequest](c)
	if err != nil {
		return err
	}
	v, err := h.svc.IssuePass(c.Request().Context(), principal(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, passResponse(v))
}

// claimPasses godoc
// @Summary      List the passes of a claim
// @Description  The claim's orgs, the street's coordinators and admins see every pass of the claim; a person token its own.
// @ID           listClaimPasses
// @Tags         passes
// @Produce      json
// @Param        id      path      string  true   "claim id"
// @Param        limit   query     int     false  "page size (1–100, default 20)"
// @Param        cursor  query     string  false  "next_cursor of the previous page"
// @Success      200     {object}  PassList
// @Failure      401     {object}  Problem
// @Failure      404     {object}  Problem
// @Failure      422     {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:read]
// @Router       /claims/{id}/passes [get]
func (h passHandlers) claimPasses(c echo.Context) error {
	return h.listWith(c, people.PassFilter{ClaimID: c.Param("id")})
}

// list godoc
// @Summary      List passes
// @Description  Admins all; coordinators those of their street's claims; community staff, liaison officers and apps with claims:read those of claims their org owns or makes; a person token its own.
// @ID           listPasses
// @Tags         passes
// @Produce      json
// @Param        claim_id   query     string  false  "claim"
// @Param        person_id  query     string  false  "holder"
// @Param        limit      query     int     false  "page size (1–100, default 20)"
// @Param        cursor     query     string  false  "next_cursor of the previous page"
// @Success      200        {object}  PassList
// @Failure      401        {object}  Problem
// @Failure      403        {object}  Problem
// @Failure      404        {object}  Problem
// @Failure      422        {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:read]
// @Router       /passes [get]
func (h passHandlers) list(c echo.Context) error {
	return h.listWith(c, people.PassFilter{ClaimID: c.QueryParam("claim_id"), PersonID: c.QueryParam("person_id")})
}

func (h passHandlers) listWith(c echo.Context, f people.PassFilter) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	f.Page = pg
	vs, err := h.svc.ListPasses(c.Request().Context(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(vs, pg.Limit, func(v people.PassView) string { return v.ID }, passResponse))
}

// revoke godoc
// @Summary      Revoke a pass
// @Description  The claimant org, the street's coordinators and admins. Revoking twice is not an error. Cancelling the claim revokes its passes.
// @ID           revokePass
// @Tags         passes
// @Accept       json
// @Produce      json
// @Param        id    path      string         true   "pass id"
// @Param        body  body      RevokeRequest  false  "optional reason"
// @Success      200   {object}  PassResponse
// @Failure      400   {object}  Problem
// @Failure      401   {object}  Problem
// @Failure      403   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      422   {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:write]
// @Router       /passes/{id}/revoke [post]
func (h passHandlers) revoke(c echo.Context) error {
	var req RevokeRequest
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	v, err := h.svc.RevokePass(c.Request().Context(), principal(c), c.Param("id"), req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, passResponse(v))
}

// verify godoc
// @Summary      Check a pass by its code
// @Description  For the listing's owner org (a guard at the unit's car park), the street's coordinators and admins: the pass, its holder's name with the phone masked, and valid_now (active, the claim approved, and now inside one of the pass's occurrences). Case, spaces and dashes in the code do not matter. A code of another org's listing is 404.
// @ID           verifyPass
// @Tags         passes
// @Produce      json
// @Param        code  query     string  true  "the 8-character code"
// @Success      200   {object}  PassResponse
// @Failure      401   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      422   {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:read]
// @Router       /passes/verify [get]
func (h passHandlers) verify(c echo.Context) error {
	v, err := h.svc.VerifyPass(c.Request().Context(), principal(c), c.QueryParam("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, passResponse(v))
}
