package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// EventResponse is one event of the feed.
type EventResponse struct {
	ID        string    `json:"id"`
	Type      string    `json:"type" enums:"listing.created,listing.updated,agreement.activated,agreement.terminated,claim.created,claim.approved,claim.rejected,claim.cancelled,claim.expired,claim.fulfilled,person.registered,person.verified,pass.issued,pass.revoked" example:"claim.approved"`
	At        time.Time `json:"at"`
	SubjectID string    `json:"subject_id"`
	// Data depends on the type (see EventData).
	Data EventData `json:"data"`
} // @name Event

// EventData is what an event says about its subject; the members present depend on the type:
// listing.created {side, org_id, category}; listing.updated {status, version};
// agreement.activated {party_a_org_id, party_b_org_id}; agreement.terminated {reason};
// claim.* {listing_id, owner_org_id, claimant_org_id, street_id, quantity, status, and
// claimant_person_id for a person's claim}; person.* {person_id, community_id, street_id,
// employer_org_id, party_member, status}.
type EventData struct {
	Side     string `json:"side,omitempty" enums:"offer,need"`
	OrgID    string `json:"org_id,omitempty"`
	Category string `json:"category,omitempty" example:"parking"`
	// Status is the listing's status (listing.updated), the claim's (claim.*), the person's
	// (person.*) or the pass's (pass.*).
	Status        string `json:"status,omitempty" enums:"open,paused,closed,pending,approved,rejected,cancelled,expired,fulfilled,verified,active,revoked"`
	Version       *int64 `json:"version,omitempty"`
	PartyAOrgID   string `json:"party_a_org_id,omitempty"`
	PartyBOrgID   string `json:"party_b_org_id,omitempty"`
	Reason        string `json:"reason,omitempty"`
	ListingID     string `json:"listing_id,omitempty"`
	OwnerOrgID    string `json:"owner_org_id,omitempty"`
	ClaimantOrgID string `json:"claimant_org_id,omitempty"`
	StreetID      string `json:"street_id,omitempty"`
	Quantity      *int64 `json:"quantity,omitempty"`
	// ClaimantPersonID is the person of a person's claim (claim.*).
	ClaimantPersonID string `json:"claimant_person_id,omitempty"`
	PersonID         string `json:"person_id,omitempty"`
	CommunityID      string `json:"community_id,omitempty"`
	EmployerOrgID    string `json:"employer_org_id,omitempty"`
	PartyMember      *bool  `json:"party_member,omitempty"`
	PassID           string `json:"pass_id,omitempty"`
	ClaimID          string `json:"claim_id,omitempty"`
} // @name EventData

// eventData types an event's stored data; members EventData does not declare are dropped, so a
// new member is declared there first.
func eventData(m map[string]any) EventData {
	var d EventData
	if b, err := json.Marshal(m); err == nil {
		_ = json.Unmarshal(b, &d)
	}
	return d
}

// EventList is a page of the feed; next_cursor is the id of its last event while more follow.
type EventList = List[EventResponse] // @name EventList

type eventHandlers struct{ feed *domain.Feed }

// list godoc
// @Summary      Events feed
// @Description  The events the caller may see, in commit order: an event is listed only once every event before it in the feed is committed, so a client that always continues after the last event it received never misses one. Admins see every event; coordinators those of their street; community staff and liaison officers those concerning their org (claims it owns or makes, its listings, agreements it is a party of); apps need the events:read scope and see their org's. Pass the id of the last event received (or next_cursor) as after; next_cursor is null when no more events are committed yet, and a poller then keeps its last id. Unknown types, an after that names no event, or a limit above 100 are 422.
// @ID           listEvents
// @Tags         events
// @Produce      json
// @Param        after   query     string  false  "id of the last event received (next_cursor of the previous page)"
// @Param        cursor  query     string  false  "same as after, for clients that page every list with cursor"
// @Param        types   query     string  false  "comma-separated event types to keep, e.g. claim.created,claim.approved"
// @Param        limit   query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Success      200     {object}  EventList
// @Failure      401     {object}  Problem
// @Failure      403     {object}  Problem
// @Failure      422     {object}  Problem
// @Security     bearer
// @Security     oauth2[events:read]
// @Router       /events [get]
func (h eventHandlers) list(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	after, cursor := c.QueryParam("after"), c.QueryParam("cursor")
	if after != "" && cursor != "" && after != cursor {
		return fieldProblem(http.StatusUnprocessableEntity, "cursor", "invalid", "after and cursor name different events; send one")
	}
	if after == "" {
		after = cursor
	}
	types, err := domain.ParseEventTypes(strings.Join(c.QueryParams()["types"], ","))
	if err != nil {
		return err
	}
	evs, err := h.feed.Events(c.Request().Context(), principal(c), domain.EventQuery{After: after, Types: types, Limit: limit})
	if err != nil {
		return err
	}
	// The cursor is the last event's id itself, so after and next_cursor are interchangeable.
	evs, last := domain.Paginate(evs, limit, func(e domain.Event) string { return e.ID })
	out := EventList{Items: make([]EventResponse, len(evs))}
	for i, e := range evs {
		out.Items[i] = EventResponse{ID: e.ID, Type: e.Type, At: e.At, SubjectID: e.SubjectID, Data: eventData(e.Data)}
	}
	if last != "" {
		out.NextCursor = &last
	}
	return c.JSON(http.StatusOK, out)
}
