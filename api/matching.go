package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// ReasonsDTO explains a suggestion's score.
type ReasonsDTO struct {
	DistanceKm    float64 `json:"distance_km" example:"0.8"`
	TimeOverlap   float64 `json:"time_overlap" example:"1"`
	CapacityFit   float64 `json:"capacity_fit" example:"0.75"`
	CategoryExact bool    `json:"category_exact" example:"true"`
	// AgreementID is an active agreement between the two orgs covering the category, if any.
	AgreementID *string `json:"agreement_id"`
} // @name SuggestionReasons

// SuggestionDTO is one ranked counterpart.
type SuggestionDTO struct {
	Listing  ListingResponse `json:"listing"`
	Score    float64         `json:"score" minimum:"0" maximum:"1" example:"0.87"`
	Quantity int64           `json:"quantity" example:"6"`
	Reasons  ReasonsDTO      `json:"reasons"`
} // @name Suggestion

// SuggestionList lists suggestions, best first.
type SuggestionList = List[SuggestionDTO] // @name SuggestionList

// RunRequest asks for a matching run.
type RunRequest struct {
	StreetID   string    `json:"street_id" example:"0190f5c2-8c4e-7d3a-9b1e-3f2a1c0d4e62"`
	Categories []string  `json:"categories,omitempty" example:"parking"`
	From       time.Time `json:"from" example:"2027-01-04T00:00:00+08:00"`
	To         time.Time `json:"to" example:"2027-01-11T00:00:00+08:00"`
} // @name MatchingRunRequest

// RunStatsDTO describes a run.
type RunStatsDTO struct {
	Needs           int     `json:"needs"`
	Offers          int     `json:"offers"`
	Candidates      int     `json:"candidates"`
	MatchedQuantity int64   `json:"matched_quantity"`
	UnmetQuantity   int64   `json:"unmet_quantity"`
	ElapsedMS       float64 `json:"elapsed_ms"`
} // @name MatchingRunStats

// ProposalDTO is one pairing proposed by a run.
type ProposalDTO struct {
	ID           string  `json:"id"`
	NeedID       string  `json:"need_id"`
	NeedTitle    string  `json:"need_title" example:"周末志愿者"`
	NeedOrgID    string  `json:"need_org_id"`
	NeedOrgName  string  `json:"need_org_name" example:"五星社区"`
	OfferID      string  `json:"offer_id"`
	OfferTitle   string  `json:"offer_title" example:"夜间错时停车位"`
	OfferOrgID   string  `json:"offer_org_id"`
	OfferOrgName string  `json:"offer_org_name" example:"市第一中学"`
	Quantity     int64   `json:"quantity"`
	Score        float64 `json:"score"`
	AgreementID  *string `json:"agreement_id"`
	// ClaimID is set once the proposal has been accepted.
	ClaimID *string `json:"claim_id"`
} // @name MatchingProposal

// RunSummary is a matching run without its proposals, as listed.
type RunSummary struct {
	ID         string      `json:"id"`
	StreetID   string      `json:"street_id"`
	StreetName string      `json:"street_name" example:"五星街道"`
	CreatedBy  string      `json:"created_by"`
	Categories []string    `json:"categories"`
	From       time.Time   `json:"from"`
	To         time.Time   `json:"to"`
	CreatedAt  time.Time   `json:"created_at"`
	Objective  float64     `json:"objective"`
	Stats      RunStatsDTO `json:"stats"`
} // @name MatchingRunSummary

// RunSummaryList is a page of runs, newest first.
type RunSummaryList = List[RunSummary] // @name MatchingRunList

// RunResponse is a matching run and its proposals.
type RunResponse struct {
	RunSummary
	Proposals []ProposalDTO `json:"proposals"`
} // @name MatchingRun

type matchingHandlers struct {
	m      *domain.Marketplace
	names  *domain.Namer
	claims claimHandlers
}

func (h matchingHandlers) suggestions(c echo.Context, side domain.Side) error {
	limit := 10
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return fieldProblem(http.StatusUnprocessableEntity, "limit", "out_of_range", "limit must be an integer from 1 to 100")
		}
		limit = n
	}
	items, err := h.m.Suggestions(c.Request().Context(), principal(c), side, c.Param("id"), limit)
	if err != nil {
		return err
	}
	n, err := names(c, h.names, func(r *domain.NameRefs) {
		for _, s := range items {
			listingRefs(r, s.Listing)
		}
	})
	if err != nil {
		return err
	}
	now := h.m.Now()
	out := List[SuggestionDTO]{Items: make([]SuggestionDTO, len(items))}
	for i, s := range items {
		out.Items[i] = SuggestionDTO{
			Listing: listingResponse(s.Listing, now, n), Score: s.Score, Quantity: s.Quantity,
			Reasons: ReasonsDTO{DistanceKm: s.DistanceKm, TimeOverlap: s.TimeOverlap, CapacityFit: s.CapacityFit,
				CategoryExact: s.Exact, AgreementID: optional(s.AgreementID)},
		}
	}
	return c.JSON(http.StatusOK, out)
}

// needSuggestions godoc
// @Summary      Offers that could serve a need
// @Description  Open offers of the same or a related category, within both listings' radius_km, whose occurrences overlap the need's (over the next 366 days), with spare capacity; best first. score = 0.3·(1 − distance_km / min(radius_km of both)) + 0.4·time_overlap + 0.2·capacity_fit + 0.1·(category_exact ? 1 : 0), where time_overlap is the share of the need's occurrence time the offer covers and capacity_fit = min(1, offer's remaining capacity / need's remaining quantity). Ties are broken by listing id, so equal input gives equal output. quantity is what could be claimed now: the smaller of both remaining quantities. Remaining capacity reflects every claim made through the replica that answers at once, and claims made through other replicas (and pending holds that lapsed) within a second; a claim itself is always checked against the exact holds.
// @ID           suggestOffersForNeed
// @Tags         matching
// @Produce      json
// @Param        id     path      string  true   "need id"
// @Param        limit  query     int     false  "how many (1–100, default 10)"  minimum(1)  maximum(100)  default(10)
// @Success      200    {object}  SuggestionList
// @Failure      401    {object}  Problem
// @Failure      404    {object}  Problem
// @Failure      422    {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:read]
// @Router       /needs/{id}/suggestions [get]
func (h matchingHandlers) needSuggestions(c echo.Context) error {
	return h.suggestions(c, domain.SideNeed)
}

// offerSuggestions godoc
// @Summary      Needs an offer could serve
// @Description  The mirror of /needs/{id}/suggestions: open needs ranked for an offer with the same score, seen from the offer (time_overlap is the share of the offer's occurrence time the need covers; capacity_fit = min(1, need's remaining quantity / offer's remaining capacity)).
// @ID           suggestNeedsForOffer
// @Tags         matching
// @Produce      json
// @Param        id     path      string  true   "offer id"
// @Param        limit  query     int     false  "how many (1–100, default 10)"  minimum(1)  maximum(100)  default(10)
// @Success      200    {object}  SuggestionList
// @Failure      401    {object}  Problem
// @Failure      404    {object}  Problem
// @Failure      422    {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:read]
// @Router       /offers/{id}/suggestions [get]
func (h matchingHandlers) offerSuggestions(c echo.Context) error {
	return h.suggestions(c, domain.SideOffer)
}

func runSummary(r domain.Run, n domain.Names) RunSummary {
	cats := r.Categories
	if cats == nil {
		cats = []string{}
	}
	return RunSummary{
		ID: r.ID, StreetID: r.StreetID, StreetName: nameOr(n.Org(r.StreetID)), CreatedBy: r.CreatedBy,
		Categories: cats, From: r.From, To: r.To, CreatedAt: r.CreatedAt, Objective: r.Objective,
		Stats: RunStatsDTO{Needs: r.Stats.Needs, Offers: r.Stats.Offers, Candidates: r.Stats.Candidates,
			MatchedQuantity: r.Stats.MatchedQuantity, UnmetQuantity: r.Stats.UnmetQuantity, ElapsedMS: r.Stats.ElapsedMS},
	}
}

func runResponse(r domain.Run, n domain.Names) RunResponse {
	out := RunResponse{RunSummary: runSummary(r, n), Proposals: make([]ProposalDTO, len(r.Proposals))}
	for i, p := range r.Proposals {
		need, _ := n.Listing(p.NeedID)
		offer, _ := n.Listing(p.OfferID)
		out.Proposals[i] = ProposalDTO{ID: p.ID, NeedID: p.NeedID, NeedTitle: need.Title, NeedOrgID: need.OrgID,
			NeedOrgName: need.OrgName, OfferID: p.OfferID, OfferTitle: offer.Title, OfferOrgID: offer.OrgID,
			OfferOrgName: offer.OrgName, Quantity: p.Quantity, Score: p.Score,
			AgreementID: optional(p.AgreementID), ClaimID: optional(p.ClaimID)}
	}
	return out
}

// respondRun answers a run with the names of its street and of its proposals' listings.
func (h matchingHandlers) respondRun(c echo.Context, status int, r domain.Run) error {
	n, err := names(c, h.names, func(refs *domain.NameRefs) {
		refs.Org(r.StreetID)
		for _, p := range r.Proposals {
			refs.Listing(p.NeedID, p.OfferID)
		}
	})
	if err != nil {
		return err
	}
	return c.JSON(status, runResponse(r, n))
}

// listRuns godoc
// @Summary      List a street's matching runs
// @Description  Newest first, without their proposals (GET /matching/runs/{id} has them). Coordinators of that street and admins; anyone else is 403.
// @ID           listMatchingRuns
// @Tags         matching
// @Produce      json
// @Param        street_id  query     string  true   "the street"
// @Param        limit      query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor     query     string  false  "next_cursor of the previous page"
// @Success      200        {object}  RunSummaryList
// @Failure      401        {object}  Problem
// @Failure      403        {object}  Problem
// @Failure      422        {object}  Problem
// @Security     bearer
// @Router       /matching/runs [get]
func (h matchingHandlers) listRuns(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	runs, err := h.m.ListRuns(c.Request().Context(), principal(c), domain.RunFilter{StreetID: c.QueryParam("street_id"), Page: pg})
	if err != nil {
		return err
	}
	runs, last := domain.Paginate(runs, pg.Limit, func(r domain.Run) string { return r.ID })
	n, err := names(c, h.names, func(refs *domain.NameRefs) {
		for _, r := range runs {
			refs.Org(r.StreetID)
		}
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listPage(runs, last, func(r domain.Run) RunSummary { return runSummary(r, n) }))
}

// createRun godoc
// @Summary      Run the matching engine over a street
// @Description  Coordinators of that street and admins. Takes the street's open needs (of the given categories, default all) and open offers of compatible categories with an occurrence in [from, to) (at most 366 days); each offer's capacity is its smallest remaining capacity over the range, each need's quantity its smallest remaining quantity. Candidate pairs and their scores are those of the suggestions. The proposals maximise Σ score × quantity exactly (min-cost flow on integer weights round(score·10⁶)), subject to every offer's capacity and every need's quantity — an optimal allocation, not a greedy one. objective is that sum. A proposal whose two orgs have no covering agreement has agreement_id null.
// @ID           createMatchingRun
// @Tags         matching
// @Accept       json
// @Produce      json
// @Param        Idempotency-Key  header    string      false  "makes retries safe"
// @Param        body             body      RunRequest  true   "street and range"
// @Success      201              {object}  RunResponse
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Router       /matching/runs [post]
func (h matchingHandlers) createRun(c echo.Context) error {
	var req RunRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := h.m.RunMatching(c.Request().Context(), principal(c), domain.RunInput{
		StreetID: req.StreetID, Categories: req.Categories, From: req.From, To: req.To,
	})
	if err != nil {
		return err
	}
	return h.respondRun(c, http.StatusCreated, r)
}

// getRun godoc
// @Summary      Get a matching run
// @ID           getMatchingRun
// @Tags         matching
// @Produce      json
// @Param        id   path      string  true  "run id"
// @Success      200  {object}  RunResponse
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Router       /matching/runs/{id} [get]
func (h matchingHandlers) getRun(c echo.Context) error {
	r, err := h.m.GetRun(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.respondRun(c, http.StatusOK, r)
}

// acceptProposal godoc
// @Summary      Accept a proposal as a claim
// @Description  The need's org claims the offer for the proposal's quantity over the need's window, approved at once, through the same checks and capacity invariant as POST /claims and with the same errors (422 no_active_agreement when the orgs have no covering agreement, 409 capacity_exceeded when capacity was taken since the run, …). A proposal is accepted once (409 conflict after).
// @ID           acceptMatchingProposal
// @Tags         matching
// @Produce      json
// @Param        id   path      string  true  "proposal id"
// @Success      201  {object}  ClaimResponse
// @Failure      401  {object}  Problem
// @Failure      403  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      409  {object}  Problem  "capacity_exceeded, claimant_limit_exceeded, listing_not_open, conflict"
// @Failure      422  {object}  Problem  "validation_failed, no_active_agreement, window_outside_availability, idempotency_key_reused"
// @Security     bearer
// @Router       /matching/proposals/{id}/accept [post]
func (h matchingHandlers) acceptProposal(c echo.Context) error {
	cl, err := h.m.AcceptProposal(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.claims.respond(c, http.StatusCreated, cl)
}
