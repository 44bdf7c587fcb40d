package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain/people"
)

// CategoryServiceDTO is the service of one category.
type CategoryServiceDTO struct {
	Category string  `json:"category" example:"patrol"`
	Hours    float64 `json:"hours" example:"6"`
	Claims   int64   `json:"claims" example:"2"`
} // @name CategoryService

// PersonServiceResponse is a person's service record (服务记录) over [from, to).
type PersonServiceResponse struct {
	PersonID   string               `json:"person_id"`
	From       time.Time            `json:"from"`
	To         time.Time            `json:"to"`
	Hours      float64              `json:"hours" example:"12.5"`
	Claims     int64                `json:"claims" example:"4"`
	ByCategory []CategoryServiceDTO `json:"by_category"`
} // @name PersonService

// MemberServiceItem is the service of one employee of a unit.
type MemberServiceItem struct {
	PersonID      string  `json:"person_id"`
	PersonName    string  `json:"person_name" example:"李明"`
	CommunityID   string  `json:"community_id"`
	CommunityName string  `json:"community_name" example:"五星社区"`
	Hours         float64 `json:"hours" example:"12.5"`
	Claims        int64   `json:"claims" example:"4"`
} // @name MemberServiceItem

// MemberServiceList is a page of a unit's members' service.
type MemberServiceList = List[MemberServiceItem] // @name MemberServiceList

func hours(seconds int64) float64 { return float64(seconds) / 3600 }

type serviceHandlers struct{ svc *people.Service }

// person godoc
// @Summary      A person's service record (服务记录)
// @Description  Hours served over [from, to) (default: the 366 days before now; at most 366 days): each occurrence of a person's fulfilled claim on a need (the owner org's confirmation fulfils it) adds its duration, counted by the occurrence's start. Occurrences still to come when the claim was fulfilled add nothing. Readers are those of the person (GET /people/{id}), the person token included.
// @ID           getPersonService
// @Tags         people
// @Produce      json
// @Param        id    path      string  true   "person id"
// @Param        from  query     string  false  "RFC 3339, or a date YYYY-MM-DD meaning 00:00 Asia/Shanghai"
// @Param        to    query     string  false  "RFC 3339, or a date YYYY-MM-DD; exclusive (default: now)"
// @Success      200   {object}  PersonServiceResponse
// @Failure      401   {object}  Problem
// @Failure      404   {object}  Problem
// @Failure      422   {object}  Problem
// @Security     bearer
// @Router       /people/{id}/service [get]
func (h serviceHandlers) person(c echo.Context) error {
	from, err := statsTime(c, "from")
	if err != nil {
		return err
	}
	to, err := statsTime(c, "to")
	if err != nil {
		return err
	}
	sum, f, t, err := h.svc.PersonService(c.Request().Context(), principal(c), c.Param("id"), from, to)
	if err != nil {
		return err
	}
	r := PersonServiceResponse{PersonID: c.Param("id"), From: f, To: t, Hours: hours(sum.Seconds), Claims: sum.Claims,
		ByCategory: make([]CategoryServiceDTO, len(sum.ByCategory))}
	for i, cs := range sum.ByCategory {
		r.ByCategory[i] = CategoryServiceDTO{Category: cs.Category, Hours: hours(cs.Seconds), Claims: cs.Claims}
	}
	return c.JSON(http.StatusOK, r)
}

// members godoc
// @Summary      The service of a unit's members (一卡)
// @Description  For each person employed by the unit (as recorded when their claim was fulfilled), the hours served over [from, to) (default: the 366 days before now) in the communities they live in, in person id order. The unit's liaison officers, the street's coordinators and admins; an org that is not a unit is 404.
// @ID           getMemberService
// @Tags         people
// @Produce      json
// @Param        id      path      string  true   "unit id"
// @Param        from    query     string  false  "RFC 3339, or a date YYYY-MM-DD meaning 00:00 Asia/Shanghai"
// @Param        to      query     string  false  "RFC 3339, or a date YYYY-MM-DD; exclusive (default: now)"
// @Param        limit   query     int     false  "page size (1–100, default 20)"
// @Param        cursor  query     string  false  "next_cursor of the previous page"
// @Success      200     {object}  MemberServiceList
// @Failure      401     {object}  Problem
// @Failure      403     {object}  Problem
// @Failure      404     {object}  Problem
// @Failure      422     {object}  Problem
// @Security     bearer
// @Router       /orgs/{id}/member-service [get]
func (h serviceHandlers) members(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	from, err := statsTime(c, "from")
	if err != nil {
		return err
	}
	to, err := statsTime(c, "to")
	if err != nil {
		return err
	}
	ms, _, _, err := h.svc.MemberService(c.Request().Context(), principal(c), c.Param("id"), from, to, pg)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(ms, pg.Limit, func(m people.MemberService) string { return m.PersonID },
		func(m people.MemberService) MemberServiceItem {
			return MemberServiceItem{PersonID: m.PersonID, PersonName: m.PersonName, CommunityID: m.CommunityID,
				CommunityName: m.CommunityName, Hours: hours(m.Seconds), Claims: m.Claims}
		}))
}

// get godoc
// @Summary      Get a pass
// @Description  The claim's orgs, the street's coordinators, admins and the person holding it.
// @ID           getPass
// @Tags         passes
// @Produce      json
// @Param        id   path      string  true  "pass id"
// @Success      200  {object}  PassResponse
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Security     bearer
// @Security     oauth2[claims:read]
// @Router       /passes/{id} [get]
func (h passHandlers) get(c echo.Context) error {
	v, err := h.svc.GetPass(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, passResponse(v))
}
