package api

import (
	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// names looks up, in one query per kind, the names shown beside the ids of a response
// (API.md §1): add collects the ids of everything the response will show.
func names(c echo.Context, n *domain.Namer, add func(*domain.NameRefs)) (domain.Names, error) {
	var refs domain.NameRefs
	add(&refs)
	return n.Names(c.Request().Context(), refs)
}

// nameOr is the name of a required reference: "" if it has none (it was removed meanwhile).
func nameOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
