package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// LocationDTO is a point in WGS-84 (or GCJ-02 on input when crs says so).
type LocationDTO struct {
	// Lat and Lng are required: a location without one is refused, never read as 0.
	Lat     *float64 `json:"lat" validate:"required" example:"24.3264"`
	Lng     *float64 `json:"lng" validate:"required" example:"109.4281"`
	Address string   `json:"address,omitempty" example:"柳州市城中区五星街"`
	// CRS of the input coordinates: wgs84 (default) or gcj02 (WeChat and Chinese map SDKs); the
	// server stores and answers WGS-84.
	CRS string `json:"crs,omitempty" enums:"wgs84,gcj02"`
} // @name Location

// OrgRequest creates or patches an organisation; on PATCH absent fields stay unchanged.
type OrgRequest struct {
	Kind         *string      `json:"kind,omitempty" enums:"district,street,community,unit" create:"required"`
	Name         *string      `json:"name,omitempty" example:"五星街道" create:"required"`
	ParentID     *string      `json:"parent_id,omitempty"`
	CommunityID  *string      `json:"community_id,omitempty"`
	Address      *string      `json:"address,omitempty"`
	Location     *LocationDTO `json:"location,omitempty"`
	ContactName  *string      `json:"contact_name,omitempty"`
	ContactPhone *string      `json:"contact_phone,omitempty" example:"13812345678"`
	AdminCode    *string      `json:"admin_code,omitempty" example:"450202001"`
} // @name OrgRequest

// OrgResponse is an organisation. contact_phone is masked unless the caller may see it.
type OrgResponse struct {
	ID           string  `json:"id"`
	Kind         string  `json:"kind" enums:"district,street,community,unit"`
	Name         string  `json:"name"`
	ParentID     *string `json:"parent_id"`
	ParentName   *string `json:"parent_name" example:"五星街道"`
	StreetID     *string `json:"street_id"`
	StreetName   *string `json:"street_name" example:"五星街道"`
	DistrictID   *string `json:"district_id"`
	DistrictName *string `json:"district_name" example:"城中区"`
	CommunityID  *string `json:"community_id"`
	// CommunityName is the name of community_id, null with it.
	CommunityName *string      `json:"community_name" example:"五星社区"`
	Address       string       `json:"address"`
	Location      *LocationDTO `json:"location"`
	ContactName   string       `json:"contact_name"`
	ContactPhone  string       `json:"contact_phone"`
	AdminCode     string       `json:"admin_code"`
	Version       int64        `json:"version"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
} // @name Org

// OrgList is a page of organisations.
type OrgList = List[OrgResponse] // @name OrgList

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (r OrgRequest) toDomain() (domain.OrgInput, error) {
	in := domain.OrgInput{
		Name: r.Name, ParentID: r.ParentID, CommunityID: r.CommunityID, Address: r.Address,
		ContactName: r.ContactName, ContactPhone: r.ContactPhone, AdminCode: r.AdminCode,
	}
	if r.Kind != nil {
		k := domain.OrgKind(*r.Kind)
		in.Kind = &k
	}
	if r.Location != nil {
		loc, err := r.Location.toDomain("location")
		if err != nil {
			return in, err
		}
		in.Location = &loc
	}
	return in, nil
}

// orgRefs names the ids an org response shows names beside.
func orgRefs(r *domain.NameRefs, o domain.Org) {
	r.Org(o.ParentID, o.StreetID, o.DistrictID, o.CommunityID)
}

func orgResponse(o domain.Org, showPhone bool, n domain.Names) OrgResponse {
	r := OrgResponse{
		ID: o.ID, Kind: string(o.Kind), Name: o.Name,
		ParentID: optional(o.ParentID), ParentName: n.Org(o.ParentID),
		StreetID: optional(o.StreetID), StreetName: n.Org(o.StreetID),
		DistrictID: optional(o.DistrictID), DistrictName: n.Org(o.DistrictID),
		CommunityID: optional(o.CommunityID), CommunityName: n.Org(o.CommunityID),
		Address: o.Address, ContactName: o.ContactName, ContactPhone: o.ContactPhone,
		AdminCode: o.AdminCode, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
	if o.Location != nil {
		r.Location = locationResponse(*o.Location)
	}
	if !showPhone && r.ContactPhone != "" {
		r.ContactPhone = domain.MaskPhone(r.ContactPhone)
	}
	return r
}

type orgHandlers struct {
	dir   *domain.Directory
	names *domain.Namer
}

func (h orgHandlers) respond(c echo.Context, status int, o domain.Org) error {
	shows, err := h.dir.PhoneVisibility(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	n, err := names(c, h.names, func(r *domain.NameRefs) { orgRefs(r, o) })
	if err != nil {
		return err
	}
	setETag(c, o.Version)
	return c.JSON(status, orgResponse(o, shows(o), n))
}

// create godoc
// @Summary      Create an organisation
// @Description  Admins create any org; a street's coordinators create communities and units in their street. street_id is derived from the tree.
// @ID           createOrg
// @Tags         orgs
// @Accept       json
// @Produce      json
// @Param        body  body      OrgRequest  true  "the org"
// @Success      201   {object}  OrgResponse
// @Header       201   {string}  ETag  "the version"
// @Failure      400   {object}  Problem
// @Failure      401   {object}  Problem
// @Failure      403   {object}  Problem
// @Failure      413   {object}  Problem
// @Failure      422   {object}  Problem
// @Security     bearer
// @Router       /orgs [post]
func (h orgHandlers) create(c echo.Context) error {
	in, err := decodeInput[OrgRequest, domain.OrgInput](c)
	if err != nil {
		return err
	}
	o, err := h.dir.CreateOrg(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusCreated, o)
}

// get godoc
// @Summary      Get an organisation
// @ID           getOrg
// @Tags         orgs
// @Produce      json
// @Param        id   path      string  true  "org id"
// @Success      200  {object}  OrgResponse
// @Header       200  {string}  ETag  "the version"
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2
// @Router       /orgs/{id} [get]
func (h orgHandlers) get(c echo.Context) error {
	o, err := h.dir.GetOrg(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, o)
}

// list godoc
// @Summary      List organisations
// @ID           listOrgs
// @Tags         orgs
// @Produce      json
// @Param        kind       query     string  false  "filter by kind"  Enums(district,street,community,unit)
// @Param        parent_id  query     string  false  "filter by parent"
// @Param        street_id  query     string  false  "filter by street"
// @Param        limit      query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor     query     string  false  "next_cursor of the previous page"
// @Success      200        {object}  OrgList
// @Failure      401        {object}  Problem
// @Failure      422        {object}  Problem
// @Security     bearer
// @Security     oauth2
// @Router       /orgs [get]
func (h orgHandlers) list(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	kind := domain.OrgKind(c.QueryParam("kind"))
	if kind != "" && !kind.Valid() {
		return fieldProblem(http.StatusUnprocessableEntity, "kind", "invalid", "kind must be one of district, street, community, unit")
	}
	f := domain.OrgFilter{Kind: kind, ParentID: c.QueryParam("parent_id"), StreetID: c.QueryParam("street_id"), Page: pg}
	p := principal(c)
	orgs, err := h.dir.ListOrgs(c.Request().Context(), p, f)
	if err != nil {
		return err
	}
	shows, err := h.dir.PhoneVisibility(c.Request().Context(), p)
	if err != nil {
		return err
	}
	orgs, last := domain.Paginate(orgs, pg.Limit, func(o domain.Org) string { return o.ID })
	n, err := names(c, h.names, func(r *domain.NameRefs) {
		for _, o := range orgs {
			orgRefs(r, o)
		}
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listPage(orgs, last, func(o domain.Org) OrgResponse { return orgResponse(o, shows(o), n) }))
}

// update godoc
// @Summary      Update an organisation
// @Description  Patch semantics: absent fields stay unchanged. kind and parent_id cannot change. Send If-Match with the ETag to avoid lost updates (412 when stale).
// @ID           updateOrg
// @Tags         orgs
// @Accept       json
// @Produce      json
// @Param        id        path      string      true   "org id"
// @Param        If-Match  header    string      false  "the ETag last read"
// @Param        body      body      OrgRequest  true   "fields to change"
// @Success      200       {object}  OrgResponse
// @Failure      400       {object}  Problem
// @Failure      401       {object}  Problem
// @Failure      403       {object}  Problem
// @Failure      404       {object}  Problem
// @Failure      412       {object}  Problem
// @Failure      422       {object}  Problem
// @Security     bearer
// @Router       /orgs/{id} [patch]
func (h orgHandlers) update(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	in, err := decodeInput[OrgRequest, domain.OrgInput](c)
	if err != nil {
		return err
	}
	o, err := h.dir.UpdateOrg(c.Request().Context(), principal(c), c.Param("id"), version, in)
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, o)
}
