package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// ClaimRequest claims (part of) a listing for the caller's org.
type ClaimRequest struct {
	ListingID            string    `json:"listing_id" example:"0190f5c2-8c4e-7d3a-9b1e-3f2a1c0d4e5f"`
	Quantity             int64     `json:"quantity" example:"6" minimum:"1"`
	Window               WindowDTO `json:"window"`
	CounterpartListingID string    `json:"counterpart_listing_id,omitempty"`
	AgreementID          string    `json:"agreement_id,omitempty"`
	Note                 string    `json:"note,omitempty"`
} // @name ClaimRequest

// HistoryDTO is one line of a claim's audit trail.
type HistoryDTO struct {
	At      time.Time `json:"at"`
	ActorID string    `json:"actor_id"`
	// ActorName is the user's display name or the app's name; null for the system (expiry,
	// auto-approval).
	ActorName *string `json:"actor_name" example:"coord"`
	Action    string  `json:"action" example:"approved" enums:"created,approved,rejected,cancelled,expired,confirmed,fulfilled,feedback"`
	// From is null for the entry that created the claim.
	From *string `json:"from" enums:"pending,approved,rejected,cancelled,expired,fulfilled"`
	To   string  `json:"to" enums:"pending,approved,rejected,cancelled,expired,fulfilled"`
	Note string  `json:"note,omitempty"`
} // @name ClaimHistoryEntry

// ClaimResponse is a claim; history is included when one claim is read.
type ClaimResponse struct {
	ID              string `json:"id"`
	ListingID       string `json:"listing_id"`
	ListingTitle    string `json:"listing_title" example:"夜间错时停车位"`
	ListingCategory string `json:"listing_category" example:"parking"`
	ListingSide     string `json:"listing_side" enums:"offer,need"`
	OwnerOrgID      string `json:"owner_org_id"`
	OwnerOrgName    string `json:"owner_org_name" example:"市第一中学"`
	ClaimantOrgID   string `json:"claimant_org_id"`
	ClaimantOrgName string `json:"claimant_org_name" example:"五星社区"`
	// ClaimantPersonID and ClaimantPersonName are set for a person's claim (API.md §10); its
	// claimant_org_id is then the person's community.
	ClaimantPersonID   *string `json:"claimant_person_id"`
	ClaimantPersonName *string `json:"claimant_person_name" example:"李明"`
	// AgreementID is null for a person's claim on a need, which no agreement covers.
	AgreementID          *string `json:"agreement_id"`
	AgreementTitle       *string `json:"agreement_title" example:"五星社区—市一中共建协议"`
	StreetID             string  `json:"street_id"`
	StreetName           string  `json:"street_name" example:"五星街道"`
	CounterpartListingID *string `json:"counterpart_listing_id"`
	// CounterpartListingTitle is the title of counterpart_listing_id, null with it.
	CounterpartListingTitle *string      `json:"counterpart_listing_title"`
	Quantity                int64        `json:"quantity"`
	Window                  WindowDTO    `json:"window"`
	Note                    string       `json:"note,omitempty"`
	Status                  string       `json:"status" enums:"pending,approved,rejected,cancelled,expired,fulfilled"`
	ExpiresAt               *time.Time   `json:"expires_at"`
	OwnerConfirmedAt        *time.Time   `json:"owner_confirmed_at"`
	ClaimantConfirmedAt     *time.Time   `json:"claimant_confirmed_at"`
	Rating                  *int         `json:"rating" minimum:"1" maximum:"5"`
	FeedbackComment         string       `json:"feedback_comment,omitempty"`
	Version                 int64        `json:"version"`
	CreatedAt               time.Time    `json:"created_at"`
	UpdatedAt               time.Time    `json:"updated_at"`
	History                 []HistoryDTO `json:"history,omitempty"`
} // @name Claim

// ClaimList is a page of claims.
type ClaimList = List[ClaimResponse] // @name ClaimList

// NoteRequest carries an optional note (approve) or reason (cancel).
type NoteRequest struct {
	Note   string `json:"note,omitempty"`
	Reason string `json:"reason,omitempty"`
} // @name NoteRequest

// FeedbackRequest rates a fulfilled claim.
type FeedbackRequest struct {
	Rating  int    `json:"rating" minimum:"1" maximum:"5" example:"5"`
	Comment string `json:"comment,omitempty"`
} // @name FeedbackRequest

// claimRefs names the ids a claim response shows names beside.
func claimRefs(r *domain.NameRefs, c domain.Claim, withHistory bool) {
	r.Org(c.OwnerOrgID, c.ClaimantOrgID, c.StreetID)
	r.Listing(c.ListingID, c.CounterpartListingID)
	r.Agreement(c.AgreementID)
	r.Actor(c.ClaimantPersonID)
	if withHistory {
		for _, h := range c.History {
			r.Actor(h.ActorID)
		}
	}
}

func claimResponse(c domain.Claim, now time.Time, withHistory bool, n domain.Names) ClaimResponse {
	loc := domain.ZoneOr(c.TimeZone)
	listing, _ := n.Listing(c.ListingID)
	r := ClaimResponse{
		ID: c.ID, ListingID: c.ListingID, ListingTitle: listing.Title, ListingCategory: listing.Category,
		ListingSide: string(c.ListingSide), OwnerOrgID: c.OwnerOrgID, OwnerOrgName: nameOr(n.Org(c.OwnerOrgID)),
		ClaimantOrgID: c.ClaimantOrgID, ClaimantOrgName: nameOr(n.Org(c.ClaimantOrgID)),
		ClaimantPersonID: optional(c.ClaimantPersonID), ClaimantPersonName: n.Actor(c.ClaimantPersonID),
		AgreementID: optional(c.AgreementID), AgreementTitle: n.Agreement(c.AgreementID),
		StreetID: c.StreetID, StreetName: nameOr(n.Org(c.StreetID)),
		CounterpartListingID: optional(c.CounterpartListingID), Quantity: c.Quantity,
		Window: WindowDTO{Start: c.Window.Start.In(loc), End: c.Window.End.In(loc), RRule: c.Window.RRule},
		Note:   c.Note, Status: string(c.EffectiveStatus(now)), OwnerConfirmedAt: c.OwnerConfirmedAt,
		ClaimantConfirmedAt: c.ClaimantConfirmedAt, FeedbackComment: c.FeedbackComment, Version: c.Version,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	if c.Status == domain.ClaimPending {
		t := c.ExpiresAt
		r.ExpiresAt = &t
	}
	if c.Rating > 0 {
		n := c.Rating
		r.Rating = &n
	}
	if cp, ok := n.Listing(c.CounterpartListingID); ok {
		r.CounterpartListingTitle = &cp.Title
	}
	if withHistory {
		r.History = make([]HistoryDTO, len(c.History))
		for i, h := range c.History {
			r.History[i] = HistoryDTO{At: h.At, ActorID: h.ActorID, ActorName: n.Actor(h.ActorID), Action: h.Action, From: optional(string(h.From)), To: string(h.To), Note: h.Note}
		}
	}
	return r
}

type claimHandlers struct {
	m     *domain.Marketplace
	names *domain.Namer
}

func (h claimHandlers) respond(c echo.Context, status int, cl domain.Claim) error {
	n, err := names(c, h.names, func(r *domain.NameRefs) { claimRefs(r, cl, true) })
	if err != nil {
		return err
	}
	setETag(c, cl.Version)
	return c.JSON(status, claimResponse(cl, h.m.Now(), true, n))
}

// create godoc
// @Summary      Claim a listing (认领)
// @Description  The claimant is the caller's org: a community claims a unit's offer, a unit claims a community's need, and so on. Capacity is held from creation for every occurrence of the window. The claim is pending, or approved when the covering agreement has auto_approve. Errors: 409 capacity_exceeded (data.occurrence names the first occurrence that would overflow), 409 claimant_limit_exceeded, 409 listing_not_open, 422 no_active_agreement, 422 window_outside_availability, 422 own_listing. With a person token (API.md §10) the claimant is the person, claimant_org_id their community, and claimant_person_id / claimant_person_name are set: only open_to_people listings (409 listing_not_open otherwise), a need of the person's community or street (409 listing_not_open otherwise), an offer covered by an active agreement between its owner and the person's community (422 no_active_agreement otherwise; agreement_id is null for a need); own_listing does not apply; max_per_claimant (default 1) caps each person (409 claimant_limit_exceeded); pending unless the listing has people_auto_approve.
// @ID           createClaim
// @Tags         claims
// @Accept       json
// @Produce      json
// @Param        Idempotency-Key  header    string        false  "makes retries safe"
// @Param        body             body      ClaimRequest  true   "the claim"
// @Success      201              {object}  ClaimResponse
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      409              {object}  Problem  "capacity_exceeded, claimant_limit_exceeded, listing_not_open, conflict"
// @Failure      422              {object}  Problem  "validation_failed, no_active_agreement, window_outside_availability, own_listing, idempotency_key_reused"
// @Security     bearer
// @Security     oauth2[claims:write]
// @Router       /claims [post]
func (h claimHandlers) create(c echo.Context) error {
	var req ClaimRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	// The response names what creation has just read (listing, orgs, street, agreement, the
	// caller): a name memo answers them without another query.
	p := principal(c)
	ctx := domain.WithNameMemo(c.Request().Context())
	domain.RememberActor(ctx, p)
	c.SetRequest(c.Request().WithContext(ctx))
	cl, err := h.m.CreateClaim(ctx, p, domain.ClaimInput{
		ListingID: req.ListingID, Quantity: req.Quantity, CounterpartListingID: req.CounterpartListingID,
		AgreementID: req.AgreementID, Note: req.Note,
		Window: domain.WindowInput{Start: req.Window.Start, End: req.Window.End, RRule: req.Window.RRule},
	})
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusCreated, cl)
}

// get godoc
// @Summary      Get a claim with its history
// @ID           getClaim
// @Tags         claims
// @Produce      json
// @Param        id   path      string  true  "claim id"
// @Success      200  {object}  ClaimResponse
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:read]
// @Router       /claims/{id} [get]
func (h claimHandlers) get(c echo.Context) error {
	cl, err := h.m.GetClaim(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, cl)
}

// list godoc
// @Summary      List claims
// @Description  Visible to both orgs, the street's coordinators and admins. A person token lists its own claims only.
// @ID           listClaims
// @Tags         claims
// @Produce      json
// @Param        status      query     []string  false  "any of these statuses, comma-separated (status=a,b)"  Enums(pending,approved,rejected,cancelled,expired,fulfilled)  collectionFormat(csv)
// @Param        street_id   query     string  false  "street"
// @Param        org_id      query     string  false  "owner or claimant org"
// @Param        listing_id  query     string  false  "listing"
// @Param        limit       query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor      query     string  false  "next_cursor of the previous page"
// @Success      200         {object}  ClaimList
// @Failure      401         {object}  Problem
// @Failure      403         {object}  Problem
// @Failure      422         {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:read]
// @Router       /claims [get]
func (h claimHandlers) list(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	st, err := domain.ParseStatuses("status", c.QueryParam("status"), domain.ClaimStatuses)
	if err != nil {
		return err
	}
	items, err := h.m.ListClaims(c.Request().Context(), principal(c), domain.ClaimFilter{
		Statuses: st, StreetID: c.QueryParam("street_id"), OrgID: c.QueryParam("org_id"), ListingID: c.QueryParam("listing_id"), Page: pg,
	})
	if err != nil {
		return err
	}
	items, last := domain.Paginate(items, pg.Limit, func(cl domain.Claim) string { return cl.ID })
	n, err := names(c, h.names, func(r *domain.NameRefs) {
		for _, cl := range items {
			claimRefs(r, cl, false)
		}
	})
	if err != nil {
		return err
	}
	now := h.m.Now()
	return c.JSON(http.StatusOK, listPage(items, last, func(cl domain.Claim) ClaimResponse { return claimResponse(cl, now, false, n) }))
}

func (h claimHandlers) act(c echo.Context, action domain.ClaimAction) error {
	var (
		text   string
		rating int
	)
	if action == domain.ActionFeedback {
		var req FeedbackRequest
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		text, rating = req.Comment, req.Rating
	} else if c.Request().ContentLength != 0 {
		var req NoteRequest
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		text = req.Note
		if req.Reason != "" {
			text = req.Reason
		}
	}
	cl, err := h.m.ActOnClaim(c.Request().Context(), principal(c), c.Param("id"), action, text, rating)
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, cl)
}

// approve godoc
// @Summary      Approve a pending claim
// @Description  Coordinators of the claim's street and admins. Any other move than pending → approved is 409 invalid_transition. A person's claim is also approved by the listing's owner org (its staff or liaison officers).
// @ID           approveClaim
// @Tags         claims
// @Accept       json
// @Produce      json
// @Param        id    path      string       true   "claim id"
// @Param        body  body      NoteRequest  false  "optional note"
// @Success      200   {object}  ClaimResponse
// @Failure      401   {object}  Problem
// @Failure      403   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      409   {object}  Problem  "invalid_transition, conflict"
// @Failure      422   {object}  Problem
// @Security     bearer
// @Router       /claims/{id}/approve [post]
func (h claimHandlers) approve(c echo.Context) error { return h.act(c, domain.ActionApprove) }

// reject godoc
// @Summary      Reject a pending claim
// @Description  Coordinators of the claim's street and admins; reason is required. The hold is released at once. A person's claim is also rejected by the listing's owner org.
// @ID           rejectClaim
// @Tags         claims
// @Accept       json
// @Produce      json
// @Param        id    path      string         true  "claim id"
// @Param        body  body      ReasonRequest  true  "why"
// @Success      200   {object}  ClaimResponse
// @Failure      401   {object}  Problem
// @Failure      403   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      409   {object}  Problem  "invalid_transition, conflict"
// @Failure      422   {object}  Problem
// @Security     bearer
// @Router       /claims/{id}/reject [post]
func (h claimHandlers) reject(c echo.Context) error { return h.act(c, domain.ActionReject) }

// cancel godoc
// @Summary      Cancel a claim
// @Description  Either org, while pending or approved. The hold is released at once. A person cancels their own claim. Cancelling an approved claim revokes its passes.
// @ID           cancelClaim
// @Tags         claims
// @Accept       json
// @Produce      json
// @Param        id    path      string       true   "claim id"
// @Param        body  body      NoteRequest  false  "optional reason"
// @Success      200   {object}  ClaimResponse
// @Failure      401   {object}  Problem
// @Failure      403   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      409   {object}  Problem  "invalid_transition, conflict"
// @Failure      422   {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:write]
// @Router       /claims/{id}/cancel [post]
func (h claimHandlers) cancel(c echo.Context) error { return h.act(c, domain.ActionCancel) }

// confirm godoc
// @Summary      Confirm fulfilment
// @Description  Each org confirms once after approval; when both have, the claim is fulfilled. A person's claim is fulfilled by the owner org's confirmation alone; on a need, each occurrence that has started adds its hours to the person's service record.
// @ID           confirmClaim
// @Tags         claims
// @Produce      json
// @Param        id   path      string  true  "claim id"
// @Success      200  {object}  ClaimResponse
// @Failure      401  {object}  Problem
// @Failure      403  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      409  {object}  Problem  "invalid_transition, conflict"
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:write]
// @Router       /claims/{id}/confirm [post]
func (h claimHandlers) confirm(c echo.Context) error { return h.act(c, domain.ActionConfirm) }

// feedback godoc
// @Summary      Rate a fulfilled claim
// @Description  The claimant, once, after fulfilment (满意度). For a person's claim, the person.
// @ID           claimFeedback
// @Tags         claims
// @Accept       json
// @Produce      json
// @Param        id    path      string           true  "claim id"
// @Param        body  body      FeedbackRequest  true  "rating 1–5"
// @Success      200   {object}  ClaimResponse
// @Failure      400   {object}  Problem
// @Failure      401   {object}  Problem
// @Failure      403   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      409   {object}  Problem  "invalid_transition, conflict"
// @Failure      422   {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:write]
// @Router       /claims/{id}/feedback [post]
func (h claimHandlers) feedback(c echo.Context) error { return h.act(c, domain.ActionFeedback) }
