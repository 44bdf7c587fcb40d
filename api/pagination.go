package api

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// List is the envelope of every list response.
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

const (
	defaultLimit = 20
	maxLimit     = 100
)

// pageParams reads ?limit= and ?cursor=. Cursors are opaque to clients: base64url of the last id.
func pageParams(c echo.Context) (domain.Page, error) {
	p := domain.Page{Limit: defaultLimit}
	var err error
	if p.Limit, err = limitParam(c); err != nil {
		return p, err
	}
	if s := c.QueryParam("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 || !cleanText(string(b)) {
			return p, fieldProblem(http.StatusUnprocessableEntity, "cursor", "invalid", "cursor is not one this server issued")
		}
		p.After = string(b)
	}
	return p, nil
}

// limitParam reads ?limit= (default 20, 1 to 100).
func limitParam(c echo.Context) (int, error) {
	s := c.QueryParam("limit")
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return defaultLimit, fieldProblem(http.StatusUnprocessableEntity, "limit", "out_of_range", "limit must be an integer from 1 to 100")
	}
	return n, nil
}

// listOf trims a store result fetched with limit+1 rows, converts it, and sets next_cursor.
func listOf[D, T any](items []D, limit int, id func(D) string, conv func(D) T) List[T] {
	items, last := domain.Paginate(items, limit, id)
	return listPage(items, last, conv)
}

// listPage converts a page already trimmed by domain.Paginate; last is the id to continue after.
func listPage[D, T any](items []D, last string, conv func(D) T) List[T] {
	out := List[T]{Items: make([]T, len(items))}
	for i, it := range items {
		out.Items[i] = conv(it)
	}
	if last != "" {
		cur := base64.RawURLEncoding.EncodeToString([]byte(last))
		out.NextCursor = &cur
	}
	return out
}
