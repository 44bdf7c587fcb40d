package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// AgreementRequest creates a co-building agreement.
type AgreementRequest struct {
	PartyAOrgID string   `json:"party_a_org_id" example:"0190f5c2-8c4e-7d3a-9b1e-3f2a1c0d4e60"`
	PartyBOrgID string   `json:"party_b_org_id" example:"0190f5c2-8c4e-7d3a-9b1e-3f2a1c0d4e61"`
	Title       string   `json:"title" example:"五星社区—市一中共建协议"`
	Categories  []string `json:"categories" example:"parking,venue"`
	StartsOn    string   `json:"starts_on" example:"2027-01-01" format:"date"`
	EndsOn      string   `json:"ends_on" example:"2027-12-31" format:"date"`
	Terms       string   `json:"terms,omitempty"`
	AutoApprove bool     `json:"auto_approve,omitempty"`
} // @name AgreementRequest

// SignatureDTO is one party's signature.
type SignatureDTO struct {
	OrgID    string    `json:"org_id"`
	OrgName  string    `json:"org_name" example:"五星社区"`
	UserID   string    `json:"user_id"`
	UserName string    `json:"user_name" example:"staff"`
	SignedAt time.Time `json:"signed_at"`
} // @name Signature

// AgreementResponse is a co-building agreement.
type AgreementResponse struct {
	ID                string         `json:"id"`
	PartyAOrgID       string         `json:"party_a_org_id"`
	PartyAOrgName     string         `json:"party_a_org_name" example:"五星社区"`
	PartyBOrgID       string         `json:"party_b_org_id"`
	PartyBOrgName     string         `json:"party_b_org_name" example:"市第一中学"`
	Title             string         `json:"title"`
	Categories        []string       `json:"categories"`
	StartsOn          string         `json:"starts_on" format:"date"`
	EndsOn            string         `json:"ends_on" format:"date"`
	Terms             string         `json:"terms"`
	AutoApprove       bool           `json:"auto_approve"`
	Status            string         `json:"status" enums:"pending_signatures,active,terminated,expired"`
	Signatures        []SignatureDTO `json:"signatures"`
	StreetID          string         `json:"street_id"`
	StreetName        string         `json:"street_name" example:"五星街道"`
	TerminatedAt      *time.Time     `json:"terminated_at"`
	TerminationReason string         `json:"termination_reason,omitempty"`
	Version           int64          `json:"version"`
	CreatedAt         time.Time      `json:"created_at"`
	UpdatedAt         time.Time      `json:"updated_at"`
} // @name Agreement

// AgreementList is a page of agreements.
type AgreementList = List[AgreementResponse] // @name AgreementList

// ReasonRequest carries a reason.
type ReasonRequest struct {
	Reason string `json:"reason" example:"合作期满，双方协商终止"`
} // @name ReasonRequest

// agreementRefs names the ids an agreement response shows names beside.
func agreementRefs(r *domain.NameRefs, a domain.Agreement) {
	r.Org(a.PartyAOrgID, a.PartyBOrgID, a.StreetID)
	for _, s := range a.Signatures {
		r.Org(s.OrgID)
		r.Actor(s.UserID)
	}
}

func agreementResponse(a domain.Agreement, now time.Time, n domain.Names) AgreementResponse {
	r := AgreementResponse{
		ID: a.ID, PartyAOrgID: a.PartyAOrgID, PartyAOrgName: nameOr(n.Org(a.PartyAOrgID)),
		PartyBOrgID: a.PartyBOrgID, PartyBOrgName: nameOr(n.Org(a.PartyBOrgID)), StreetName: nameOr(n.Org(a.StreetID)),
		Title: a.Title, Categories: a.Categories,
		StartsOn: a.StartsOn.Format(domain.DateLayout), EndsOn: a.EndsOn.Format(domain.DateLayout), Terms: a.Terms,
		AutoApprove: a.AutoApprove, Status: string(a.EffectiveStatus(now)), StreetID: a.StreetID,
		TerminatedAt: a.TerminatedAt, TerminationReason: a.TerminationReason, Version: a.Version,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Signatures: make([]SignatureDTO, len(a.Signatures)),
	}
	for i, s := range a.Signatures {
		r.Signatures[i] = SignatureDTO{OrgID: s.OrgID, OrgName: nameOr(n.Org(s.OrgID)), UserID: s.UserID,
			UserName: nameOr(n.Actor(s.UserID)), SignedAt: s.SignedAt}
	}
	return r
}

type agreementHandlers struct {
	m     *domain.Marketplace
	names *domain.Namer
}

func (h agreementHandlers) respond(c echo.Context, status int, a domain.Agreement) error {
	n, err := names(c, h.names, func(r *domain.NameRefs) { agreementRefs(r, a) })
	if err != nil {
		return err
	}
	setETag(c, a.Version)
	return c.JSON(status, agreementResponse(a, h.m.Now(), n))
}

// create godoc
// @Summary      Create a co-building agreement (共建协议)
// @Description  One party is a unit, the other a community or a street of the same street. Created by a member of either party, their coordinator, or an admin; it starts as pending_signatures.
// @ID           createAgreement
// @Tags         agreements
// @Accept       json
// @Produce      json
// @Param        Idempotency-Key  header    string            false  "makes retries safe"
// @Param        body             body      AgreementRequest  true   "the agreement"
// @Success      201              {object}  AgreementResponse
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Router       /agreements [post]
func (h agreementHandlers) create(c echo.Context) error {
	var req AgreementRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := h.m.CreateAgreement(c.Request().Context(), principal(c), domain.AgreementInput{
		PartyAOrgID: req.PartyAOrgID, PartyBOrgID: req.PartyBOrgID, Title: req.Title, Categories: req.Categories,
		StartsOn: req.StartsOn, EndsOn: req.EndsOn, Terms: req.Terms, AutoApprove: req.AutoApprove,
	})
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusCreated, a)
}

// get godoc
// @Summary      Get an agreement
// @ID           getAgreement
// @Tags         agreements
// @Produce      json
// @Param        id   path      string  true  "agreement id"
// @Success      200  {object}  AgreementResponse
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Router       /agreements/{id} [get]
func (h agreementHandlers) get(c echo.Context) error {
	a, err := h.m.GetAgreement(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, a)
}

// list godoc
// @Summary      List agreements
// @Description  Admins see all, coordinators their street's, others their org's.
// @ID           listAgreements
// @Tags         agreements
// @Produce      json
// @Param        org_id  query     string  false  "a party"
// @Param        status  query     []string  false  "any of these statuses, comma-separated (status=a,b)"  Enums(pending_signatures,active,terminated,expired)  collectionFormat(csv)
// @Param        limit   query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor  query     string  false  "next_cursor of the previous page"
// @Success      200     {object}  AgreementList
// @Failure      401     {object}  Problem
// @Failure      403     {object}  Problem
// @Failure      422     {object}  Problem
// @Security     bearer
// @Router       /agreements [get]
func (h agreementHandlers) list(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	st, err := domain.ParseStatuses("status", c.QueryParam("status"), domain.AgreementStatuses)
	if err != nil {
		return err
	}
	items, err := h.m.ListAgreements(c.Request().Context(), principal(c), domain.AgreementFilter{OrgID: c.QueryParam("org_id"), Statuses: st, Page: pg})
	if err != nil {
		return err
	}
	items, last := domain.Paginate(items, pg.Limit, func(a domain.Agreement) string { return a.ID })
	n, err := names(c, h.names, func(r *domain.NameRefs) {
		for _, a := range items {
			agreementRefs(r, a)
		}
	})
	if err != nil {
		return err
	}
	now := h.m.Now()
	return c.JSON(http.StatusOK, listPage(items, last, func(a domain.Agreement) AgreementResponse { return agreementResponse(a, now, n) }))
}

// sign godoc
// @Summary      Sign an agreement for the caller's org
// @Description  A party signs once (409 conflict the second time); when both have signed, status becomes active.
// @ID           signAgreement
// @Tags         agreements
// @Produce      json
// @Param        id   path      string  true  "agreement id"
// @Success      200  {object}  AgreementResponse
// @Failure      401  {object}  Problem
// @Failure      403  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      409  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Router       /agreements/{id}/sign [post]
func (h agreementHandlers) sign(c echo.Context) error {
	a, err := h.m.SignAgreement(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, a)
}

// terminate godoc
// @Summary      Terminate an agreement
// @Description  Its pending claims become cancelled in the same transaction; approved claims stay.
// @ID           terminateAgreement
// @Tags         agreements
// @Accept       json
// @Produce      json
// @Param        id    path      string         true  "agreement id"
// @Param        body  body      ReasonRequest  true  "why"
// @Success      200   {object}  AgreementResponse
// @Failure      400   {object}  Problem
// @Failure      401   {object}  Problem
// @Failure      403   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      409   {object}  Problem
// @Failure      422   {object}  Problem
// @Security     bearer
// @Router       /agreements/{id}/terminate [post]
func (h agreementHandlers) terminate(c echo.Context) error {
	var req ReasonRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := h.m.TerminateAgreement(c.Request().Context(), principal(c), c.Param("id"), req.Reason)
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, a)
}
