package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// WindowDTO is a first occurrence and an optional RFC 5545 RRULE repeating it.
type WindowDTO struct {
	Start time.Time `json:"start" example:"2027-01-04T19:00:00+08:00"`
	End   time.Time `json:"end" example:"2027-01-05T07:00:00+08:00"`
	RRule string    `json:"rrule,omitempty" example:"FREQ=DAILY;UNTIL=20270301T000000Z"`
} // @name Window

// ListingRequest creates or patches an offer or a need; on PATCH absent fields stay unchanged.
type ListingRequest struct {
	OrgID          *string      `json:"org_id,omitempty"`
	Category       *string      `json:"category,omitempty" example:"parking" create:"required"`
	Title          *string      `json:"title,omitempty" example:"夜间错时停车位" create:"required"`
	Description    *string      `json:"description,omitempty"`
	Quantity       *int64       `json:"quantity,omitempty" example:"10" minimum:"1" create:"required"`
	Location       *LocationDTO `json:"location,omitempty" create:"required"`
	RadiusKm       *float64     `json:"radius_km,omitempty" example:"3" minimum:"0" maximum:"100" default:"3"`
	Windows        *[]WindowDTO `json:"windows,omitempty" create:"required"`
	Timezone       *string      `json:"timezone,omitempty" example:"Asia/Shanghai"`
	Visibility     *string      `json:"visibility,omitempty" enums:"public,street" default:"public"`
	ValidUntil     *time.Time   `json:"valid_until,omitempty"`
	MaxPerClaimant *int64       `json:"max_per_claimant,omitempty" minimum:"1"`
	// OpenToPeople lets verified people claim the listing themselves (API.md §10; default
	// false); their claims are approved by the owner unless PeopleAutoApprove (default false).
	OpenToPeople      *bool   `json:"open_to_people,omitempty"`
	PeopleAutoApprove *bool   `json:"people_auto_approve,omitempty"`
	Status            *string `json:"status,omitempty" enums:"open,paused,closed"`
} // @name ListingRequest

// ListingResponse is an offer or a need.
type ListingResponse struct {
	ID                string      `json:"id"`
	Side              string      `json:"side" enums:"offer,need"`
	OrgID             string      `json:"org_id"`
	OrgName           string      `json:"org_name" example:"市第一中学"`
	StreetID          string      `json:"street_id"`
	StreetName        string      `json:"street_name" example:"五星街道"`
	Category          string      `json:"category"`
	Title             string      `json:"title"`
	Description       string      `json:"description"`
	Quantity          int64       `json:"quantity"`
	Location          LocationDTO `json:"location"`
	RadiusKm          float64     `json:"radius_km"`
	Windows           []WindowDTO `json:"windows"`
	Timezone          string      `json:"timezone"`
	Visibility        string      `json:"visibility" enums:"public,street"`
	ValidUntil        *time.Time  `json:"valid_until"`
	MaxPerClaimant    *int64      `json:"max_per_claimant"`
	OpenToPeople      bool        `json:"open_to_people"`
	PeopleAutoApprove bool        `json:"people_auto_approve"`
	Status            string      `json:"status" enums:"open,paused,closed"`
	Version           int64       `json:"version"`
	CreatedAt         time.Time   `json:"created_at"`
	UpdatedAt         time.Time   `json:"updated_at"`
} // @name Listing

// ListingList is a page of listings.
type ListingList = List[ListingResponse] // @name ListingList

// AvailabilityItem is the capacity of one occurrence.
type AvailabilityItem struct {
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Quantity  int64     `json:"quantity"`
	Held      int64     `json:"held"`
	Remaining int64     `json:"remaining"`
} // @name AvailabilityItem

// AvailabilityList lists occurrences with their capacity.
type AvailabilityList = List[AvailabilityItem] // @name AvailabilityList

func (r ListingRequest) toDomain() (domain.ListingInput, error) {
	in := domain.ListingInput{
		OrgID: r.OrgID, Category: r.Category, Title: r.Title, Description: r.Description, Quantity: r.Quantity,
		RadiusKm: r.RadiusKm, TimeZone: r.Timezone, Visibility: r.Visibility, ValidUntil: r.ValidUntil,
		MaxPerClaimant: r.MaxPerClaimant, OpenToPeople: r.OpenToPeople, PeopleAutoApprove: r.PeopleAutoApprove, Status: r.Status,
	}
	if r.Location != nil {
		loc, err := r.Location.toDomain("location")
		if err != nil {
			return in, err
		}
		in.Location = &loc
	}
	if r.Windows != nil {
		ws := make([]domain.WindowInput, len(*r.Windows))
		for i, w := range *r.Windows {
			ws[i] = domain.WindowInput{Start: w.Start, End: w.End, RRule: w.RRule}
		}
		in.Windows = &ws
	}
	return in, nil
}

// listingRefs names the ids a listing response shows names beside.
func listingRefs(r *domain.NameRefs, l domain.Listing) { r.Org(l.OrgID, l.StreetID) }

func listingResponse(l domain.Listing, now time.Time, n domain.Names) ListingResponse {
	r := ListingResponse{
		ID: l.ID, Side: string(l.Side), OrgID: l.OrgID, OrgName: nameOr(n.Org(l.OrgID)),
		StreetID: l.StreetID, StreetName: nameOr(n.Org(l.StreetID)), Category: l.Category,
		Title: l.Title, Description: l.Description, Quantity: l.Quantity, Location: *locationResponse(l.Location),
		RadiusKm: l.RadiusKm, Timezone: l.TimeZone, Visibility: string(l.Visibility), ValidUntil: l.ValidUntil,
		OpenToPeople: l.OpenToPeople, PeopleAutoApprove: l.PeopleAutoApprove,
		Status: string(l.EffectiveStatus(now)), Version: l.Version, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt,
		Windows: make([]WindowDTO, len(l.Windows)),
	}
	loc := l.Loc()
	for i, w := range l.Windows {
		r.Windows[i] = WindowDTO{Start: w.Start.In(loc), End: w.End.In(loc), RRule: w.RRule}
	}
	if l.MaxPerClaimant > 0 {
		n := l.MaxPerClaimant
		r.MaxPerClaimant = &n
	}
	return r
}

type listingHandlers struct {
	m     *domain.Marketplace
	names *domain.Namer
}

func (h listingHandlers) respond(c echo.Context, status int, l domain.Listing) error {
	n, err := names(c, h.names, func(r *domain.NameRefs) { listingRefs(r, l) })
	if err != nil {
		return err
	}
	setETag(c, l.Version)
	return c.JSON(status, listingResponse(l, h.m.Now(), n))
}

func (h listingHandlers) create(c echo.Context, side domain.Side) error {
	in, err := decodeInput[ListingRequest, domain.ListingInput](c)
	if err != nil {
		return err
	}
	l, err := h.m.CreateListing(c.Request().Context(), principal(c), side, in)
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusCreated, l)
}

func (h listingHandlers) get(c echo.Context, side domain.Side) error {
	l, err := h.m.GetListing(c.Request().Context(), principal(c), side, c.Param("id"))
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, l)
}

func (h listingHandlers) update(c echo.Context, side domain.Side) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	in, err := decodeInput[ListingRequest, domain.ListingInput](c)
	if err != nil {
		return err
	}
	l, err := h.m.UpdateListing(c.Request().Context(), principal(c), side, c.Param("id"), version, in)
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, l)
}

func (h listingHandlers) list(c echo.Context, side domain.Side) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	f := domain.ListingFilter{
		Side: side, Category: c.QueryParam("category"), OrgID: c.QueryParam("org_id"),
		StreetID: c.QueryParam("street_id"), Query: strings.TrimSpace(c.QueryParam("q")), Page: pg,
	}
	if f.Statuses, err = domain.ParseStatuses("status", c.QueryParam("status"), domain.ListingStatuses); err != nil {
		return err
	}
	radius := domain.DefaultRadiusKm
	if r := c.QueryParam("radius_km"); r != "" {
		// Checked even without near: a value that does not parse is refused, never ignored.
		v, ok := parseFinite(r)
		if !ok || v <= 0 || v > domain.MaxRadiusKm {
			return fieldProblem(http.StatusUnprocessableEntity, "radius_km", "out_of_range", "radius_km must be in (0, 100]")
		}
		radius = v
	}
	if s := c.QueryParam("near"); s != "" {
		lat, lng, ok := parseLatLng(s)
		if !ok {
			return fieldProblem(http.StatusUnprocessableEntity, "near", "invalid", "near must be lat,lng in WGS-84")
		}
		f.Near = &domain.Location{Lat: lat, Lng: lng}
		f.RadiusKm = radius
	}
	if c.QueryParam("from") != "" || c.QueryParam("to") != "" {
		from, to, err := timeRange(c, nil)
		if err != nil {
			return err
		}
		f.From, f.To = &from, &to
	}
	items, err := h.m.ListListings(c.Request().Context(), principal(c), f)
	if err != nil {
		return err
	}
	now := h.m.Now()
	items, last := domain.Paginate(items, pg.Limit, func(l domain.Listing) string { return l.ID })
	n, err := names(c, h.names, func(r *domain.NameRefs) {
		for _, l := range items {
			listingRefs(r, l)
		}
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listPage(items, last, func(l domain.Listing) ListingResponse { return listingResponse(l, now, n) }))
}

func (h listingHandlers) availability(c echo.Context, side domain.Side) error {
	from, to, err := timeRange(c, h.m.Now)
	if err != nil {
		return err
	}
	items, err := h.m.ListingAvailability(c.Request().Context(), principal(c), side, c.Param("id"), from, to)
	if err != nil {
		return err
	}
	out := List[AvailabilityItem]{Items: make([]AvailabilityItem, len(items))}
	for i, a := range items {
		out.Items[i] = AvailabilityItem{Start: a.Start, End: a.End, Quantity: a.Quantity, Held: a.Held, Remaining: a.Remaining}
	}
	return c.JSON(http.StatusOK, out)
}

func parseLatLng(s string) (float64, float64, bool) {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return 0, 0, false
	}
	lat, ok1 := parseFinite(a)
	lng, ok2 := parseFinite(b)
	if !ok1 || !ok2 || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
		return 0, 0, false
	}
	return lat, lng, true
}

// timeRange reads ?from= and ?to= (RFC 3339). With a clock, a missing from is now and a missing
// to is from + 7 days; without one, both are required together.
func timeRange(c echo.Context, clock func() time.Time) (time.Time, time.Time, error) {
	defaults := clock != nil
	parse := func(name string) (time.Time, bool, error) {
		s := c.QueryParam(name)
		if s == "" {
			return time.Time{}, false, nil
		}
		// A "+" of an offset that the client forgot to percent-encode arrives as a space.
		t, err := time.Parse(time.RFC3339, strings.ReplaceAll(s, " ", "+"))
		if err != nil {
			return t, false, fieldProblem(http.StatusUnprocessableEntity, name, "invalid", name+" must be an RFC 3339 timestamp")
		}
		return t, true, nil
	}
	from, hasFrom, err := parse("from")
	if err != nil {
		return from, from, err
	}
	to, hasTo, err := parse("to")
	if err != nil {
		return from, to, err
	}
	if !hasFrom {
		if !defaults {
			return from, to, fieldProblem(http.StatusUnprocessableEntity, "from", "required", "from and to go together")
		}
		from = clock()
	}
	if !hasTo {
		if !defaults {
			return from, to, fieldProblem(http.StatusUnprocessableEntity, "to", "required", "from and to go together")
		}
		to = from.Add(7 * 24 * time.Hour)
	}
	if !to.After(from) {
		return from, to, fieldProblem(http.StatusUnprocessableEntity, "to", "out_of_range", "to must be after from")
	}
	return from, to, nil
}
