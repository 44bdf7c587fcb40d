package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// CategoryDTO is a category of resources and needs.
type CategoryDTO struct {
	Code         string   `json:"code" example:"parking"`
	NameZH       string   `json:"name_zh" example:"错时停车"`
	NameEN       string   `json:"name_en" example:"Off-peak parking"`
	QuantityUnit string   `json:"quantity_unit" example:"space"`
	Related      []string `json:"related"`
} // @name Category

// CategoryList lists every category (one page).
type CategoryList = List[CategoryDTO] // @name CategoryList

type categoryHandlers struct {
	catalog *domain.Catalog
	m       *domain.Marketplace
}

func categoryDTO(c domain.Category) CategoryDTO {
	return CategoryDTO{Code: c.Code, NameZH: c.NameZH, NameEN: c.NameEN, QuantityUnit: c.QuantityUnit, Related: c.Related}
}

// list godoc
// @Summary      List categories
// @Description  The built-in set (parking, venue, sports, meeting_room, patrol, cleanup, volunteer, training, legal, medical, culture, elderly_care) and those admins added. related codes match each other in suggestions.
// @ID           listCategories
// @Tags         categories
// @Produce      json
// @Success      200  {object}  CategoryList
// @Failure      401  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2
// @Router       /categories [get]
func (h categoryHandlers) list(c echo.Context) error {
	cats, err := h.catalog.List(c.Request().Context())
	if err != nil {
		return err
	}
	out := List[CategoryDTO]{Items: make([]CategoryDTO, len(cats))}
	for i, cat := range cats {
		out.Items[i] = categoryDTO(cat)
	}
	return c.JSON(http.StatusOK, out)
}

// create godoc
// @Summary      Add a category
// @Description  Admins only. code is 2–32 lower-case letters, digits or underscores; an existing code is 409.
// @ID           createCategory
// @Tags         categories
// @Accept       json
// @Produce      json
// @Param        Idempotency-Key  header    string       false  "makes retries safe"
// @Param        body             body      CategoryDTO  true   "the category"
// @Success      201              {object}  CategoryDTO
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      409              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Router       /categories [post]
func (h categoryHandlers) create(c echo.Context) error {
	var req CategoryDTO
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	cat, err := h.catalog.Create(c.Request().Context(), principal(c), domain.Category{
		Code: req.Code, NameZH: req.NameZH, NameEN: req.NameEN, QuantityUnit: req.QuantityUnit, Related: req.Related,
	}, h.m.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, categoryDTO(cat))
}
