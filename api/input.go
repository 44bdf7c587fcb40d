package api

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// The input gate (API.md §1): every string the API reads from a request is valid UTF-8 without
// NUL before it goes anywhere near a database. PostgreSQL refuses both (invalid byte sequence for
// encoding "UTF8"), SQLite stores them, and neither must decide what a request means. Nothing is
// ever repaired: a bad string is 422 naming the parameter, never turned into U+FFFD.

// codeInvalidText is the field error code of a string that is not valid UTF-8 or holds NUL.
const codeInvalidText = "invalid_text"

// cleanText reports whether s is valid UTF-8 without NUL.
func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func textProblem(field string) *problemError {
	return fieldProblem(http.StatusUnprocessableEntity, field, codeInvalidText,
		field+" must be valid UTF-8 text without NUL characters")
}

// gatedHeaders are the request headers the API interprets (the others it never reads, so they
// cannot reach a store). The Go HTTP server already refuses NUL and other control characters in
// header values; invalid UTF-8 it lets through.
var gatedHeaders = []string{
	"Idempotency-Key", echo.HeaderAuthorization, "If-Match", echo.HeaderXRequestID,
	"Accept-Language", echo.HeaderContentType, echo.HeaderXForwardedFor, echo.HeaderAccept,
}

// inputGate checks the query, the path parameters and the headers the API reads. It runs after
// routing (so path parameters are known) and before authentication and any route middleware
// such as idempotency, on every route of /api/v1.
func inputGate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkRequestText(c); err != nil {
			return err
		}
		return next(c)
	}
}

func checkRequestText(c echo.Context) error {
	r := c.Request()
	if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
		// A malformed escape (%zz) or a ';' would otherwise drop the parameter silently.
		return fieldProblem(http.StatusUnprocessableEntity, "query", "invalid", "the query string is not a valid URL query")
	}
	for name, values := range r.URL.Query() {
		if !cleanText(name) {
			return textProblem("query")
		}
		for _, v := range values {
			if !cleanText(v) {
				return textProblem(name)
			}
		}
	}
	values := c.ParamValues()
	for i, name := range c.ParamNames() {
		if i >= len(values) {
			break
		}
		v := values[i]
		if u, err := url.PathUnescape(v); err == nil {
			v = u // echo may hand over the raw, still escaped form
		}
		if !cleanText(v) {
			return textProblem(name)
		}
	}
	for _, h := range gatedHeaders {
		for _, v := range r.Header.Values(h) {
			if !cleanText(v) {
				return textProblem(h)
			}
		}
	}
	return nil
}

// parseFinite parses a decimal number, refusing NaN and ±Inf, which strconv.ParseFloat accepts and
// which pass every range check (NaN compares false with everything).
func parseFinite(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
