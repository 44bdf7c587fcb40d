package api

// Offer and need routes share their handlers; these wrappers exist so that each operation has its
// own OpenAPI entry.

import (
	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// createOffer godoc
// @Summary      Post an offer (资源清单)
// @Description  org_id defaults to the caller's org; admins and the street's coordinators may post for another org. A window is a first occurrence (start < end, at most 7 days) with an optional RFC 5545 RRULE, expanded in `timezone` (default Asia/Shanghai) up to 366 days. For an offer, quantity is the capacity in every occurrence; for a need, the quantity wanted. Send Idempotency-Key to make retries safe.
// @ID           createOffer
// @Tags         offers
// @Accept       json
// @Produce      json
// @Param        Idempotency-Key  header    string          false  "makes retries safe"
// @Param        body             body      ListingRequest  true   "the listing"
// @Success      201              {object}  ListingResponse
// @Header       201              {string}  ETag  "the version"
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      409              {object}  Problem  "conflict"
// @Failure      413              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:write]
// @Router       /offers [post]
func (h listingHandlers) createOffer(c echo.Context) error { return h.create(c, domain.SideOffer) }

// listOffers godoc
// @Summary      Search offers
// @Description  Filters combine. near=lat,lng with radius_km (default 3) keeps listings within that distance; from and to keep listings with an occurrence overlapping [from, to); q searches title and description. Street-only listings of other streets are not shown to community staff, liaison officers and apps.
// @ID           listOffers
// @Tags         offers
// @Produce      json
// @Param        category   query     string  false  "category code"
// @Param        status     query     []string  false  "any of these statuses, comma-separated (status=a,b)"  Enums(open,paused,closed)  collectionFormat(csv)
// @Param        org_id     query     string  false  "owner org"
// @Param        street_id  query     string  false  "street"
// @Param        near       query     string  false  "lat,lng (WGS-84)"
// @Param        radius_km  query     number  false  "radius around near, km (default 3)"
// @Param        from       query     string  false  "RFC 3339; with to"
// @Param        to         query     string  false  "RFC 3339; with from"
// @Param        q          query     string  false  "text in title or description"
// @Param        limit      query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor     query     string  false  "next_cursor of the previous page"
// @Success      200        {object}  ListingList
// @Failure      401        {object}  Problem
// @Failure      403        {object}  Problem
// @Failure      422        {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:read]
// @Router       /offers [get]
func (h listingHandlers) listOffers(c echo.Context) error { return h.list(c, domain.SideOffer) }

// getOffer godoc
// @Summary      Get an offer
// @ID           getOffer
// @Tags         offers
// @Produce      json
// @Param        id   path      string  true  "listing id"
// @Success      200  {object}  ListingResponse
// @Header       200  {string}  ETag  "the version"
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:read]
// @Router       /offers/{id} [get]
func (h listingHandlers) getOffer(c echo.Context) error { return h.get(c, domain.SideOffer) }

// updateOffer godoc
// @Summary      Update an offer
// @Description  Patch semantics; status moves between open and paused, or to closed (final). Shrinking quantity or windows below what live claims hold is 409 conflict. Send If-Match (412 when stale).
// @ID           updateOffer
// @Tags         offers
// @Accept       json
// @Produce      json
// @Param        id        path      string          true   "listing id"
// @Param        If-Match  header    string          false  "the ETag last read"
// @Param        body      body      ListingRequest  true   "fields to change"
// @Success      200       {object}  ListingResponse
// @Failure      400       {object}  Problem
// @Failure      401       {object}  Problem
// @Failure      403       {object}  Problem
// @Failure      404       {object}  Problem
// @Failure      409       {object}  Problem  "conflict, invalid_transition"
// @Failure      412       {object}  Problem
// @Failure      422       {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:write]
// @Router       /offers/{id} [patch]
func (h listingHandlers) updateOffer(c echo.Context) error { return h.update(c, domain.SideOffer) }

// availabilityOffer godoc
// @Summary      Capacity per occurrence
// @Description  For each occurrence overlapping [from, to) (default: the next 7 days; at most 366 days): the quantity, the peak held by live claims during it, and what remains.
// @ID           getOfferAvailability
// @Tags         offers
// @Produce      json
// @Param        id    path      string  true   "listing id"
// @Param        from  query     string  false  "RFC 3339 (default now)"
// @Param        to    query     string  false  "RFC 3339 (default from + 7 days)"
// @Success      200   {object}  AvailabilityList
// @Failure      401   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      422   {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:read]
// @Router       /offers/{id}/availability [get]
func (h listingHandlers) availabilityOffer(c echo.Context) error {
	return h.availability(c, domain.SideOffer)
}

// createNeed godoc
// @Summary      Post a need (需求清单)
// @Description  org_id defaults to the caller's org; admins and the street's coordinators may post for another org. A window is a first occurrence (start < end, at most 7 days) with an optional RFC 5545 RRULE, expanded in `timezone` (default Asia/Shanghai) up to 366 days. For an offer, quantity is the capacity in every occurrence; for a need, the quantity wanted. Send Idempotency-Key to make retries safe.
// @ID           createNeed
// @Tags         needs
// @Accept       json
// @Produce      json
// @Param        Idempotency-Key  header    string          false  "makes retries safe"
// @Param        body             body      ListingRequest  true   "the listing"
// @Success      201              {object}  ListingResponse
// @Header       201              {string}  ETag  "the version"
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      409              {object}  Problem  "conflict"
// @Failure      413              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:write]
// @Router       /needs [post]
func (h listingHandlers) createNeed(c echo.Context) error { return h.create(c, domain.SideNeed) }

// listNeeds godoc
// @Summary      Search needs
// @Description  Filters combine. near=lat,lng with radius_km (default 3) keeps listings within that distance; from and to keep listings with an occurrence overlapping [from, to); q searches title and description. Street-only listings of other streets are not shown to community staff, liaison officers and apps.
// @ID           listNeeds
// @Tags         needs
// @Produce      json
// @Param        category   query     string  false  "category code"
// @Param        status     query     []string  false  "any of these statuses, comma-separated (status=a,b)"  Enums(open,paused,closed)  collectionFormat(csv)
// @Param        org_id     query     string  false  "owner org"
// @Param        street_id  query     string  false  "street"
// @Param        near       query     string  false  "lat,lng (WGS-84)"
// @Param        radius_km  query     number  false  "radius around near, km (default 3)"
// @Param        from       query     string  false  "RFC 3339; with to"
// @Param        to         query     string  false  "RFC 3339; with from"
// @Param        q          query     string  false  "text in title or description"
// @Param        limit      query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor     query     string  false  "next_cursor of the previous page"
// @Success      200        {object}  ListingList
// @Failure      401        {object}  Problem
// @Failure      403        {object}  Problem
// @Failure      422        {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:read]
// @Router       /needs [get]
func (h listingHandlers) listNeeds(c echo.Context) error { return h.list(c, domain.SideNeed) }

// getNeed godoc
// @Summary      Get a need
// @ID           getNeed
// @Tags         needs
// @Produce      json
// @Param        id   path      string  true  "listing id"
// @Success      200  {object}  ListingResponse
// @Header       200  {string}  ETag  "the version"
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:read]
// @Router       /needs/{id} [get]
func (h listingHandlers) getNeed(c echo.Context) error { return h.get(c, domain.SideNeed) }

// updateNeed godoc
// @Summary      Update a need
// @Description  Patch semantics; status moves between open and paused, or to closed (final). Shrinking quantity or windows below what live claims hold is 409 conflict. Send If-Match (412 when stale).
// @ID           updateNeed
// @Tags         needs
// @Accept       json
// @Produce      json
// @Param        id        path      string          true   "listing id"
// @Param        If-Match  header    string          false  "the ETag last read"
// @Param        body      body      ListingRequest  true   "fields to change"
// @Success      200       {object}  ListingResponse
// @Failure      400       {object}  Problem
// @Failure      401       {object}  Problem
// @Failure      403       {object}  Problem
// @Failure      404       {object}  Problem
// @Failure      409       {object}  Problem  "conflict, invalid_transition"
// @Failure      412       {object}  Problem
// @Failure      422       {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:write]
// @Router       /needs/{id} [patch]
func (h listingHandlers) updateNeed(c echo.Context) error { return h.update(c, domain.SideNeed) }

// availabilityNeed godoc
// @Summary      Capacity per occurrence
// @Description  For each occurrence overlapping [from, to) (default: the next 7 days; at most 366 days): the quantity, the peak held by live claims during it, and what remains.
// @ID           getNeedAvailability
// @Tags         needs
// @Produce      json
// @Param        id    path      string  true   "listing id"
// @Param        from  query     string  false  "RFC 3339 (default now)"
// @Param        to    query     string  false  "RFC 3339 (default from + 7 days)"
// @Success      200   {object}  AvailabilityList
// @Failure      401   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      422   {object}  Problem
// @Security     bearer
// @Security     oauth2[listings:read]
// @Router       /needs/{id}/availability [get]
func (h listingHandlers) availabilityNeed(c echo.Context) error {
	return h.availability(c, domain.SideNeed)
}
