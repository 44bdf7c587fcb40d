package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/idempotency"
)

// Problem is an RFC 9457 problem document with the stable code of API.md §1.
type Problem struct {
	Type     string         `json:"type" example:"urn:gongjian:problem:validation_failed"`
	Title    string         `json:"title" example:"请求参数无效"`
	Status   int            `json:"status" example:"422"`
	Detail   string         `json:"detail,omitempty"`
	Code     string         `json:"code" example:"validation_failed" enums:"validation_failed,unauthenticated,forbidden,not_found,conflict,version_mismatch,invalid_transition,capacity_exceeded,no_active_agreement,window_outside_availability,own_listing,listing_not_open,claimant_limit_exceeded,idempotency_key_reused,payload_too_large,rate_limited,unavailable,internal"`
	Instance string         `json:"instance,omitempty"`
	Errors   []ProblemField `json:"errors,omitempty"`
	// Data carries structured context of some codes, such as the occurrence that would overflow
	// for capacity_exceeded.
	Data *ProblemData `json:"data,omitempty"`
} // @name Problem

// ProblemData is the structured context of the codes that carry one; which members are present
// depends on the code.
type ProblemData struct {
	// Occurrence is the first occurrence that would overflow (capacity_exceeded,
	// claimant_limit_exceeded), that lies outside the listing's availability
	// (window_outside_availability), or that a change would leave without room (conflict).
	Occurrence *IntervalDTO `json:"occurrence,omitempty"`
	// Limit is the quantity that occurrence allows: the listing's quantity (capacity_exceeded)
	// or its max_per_claimant (claimant_limit_exceeded).
	Limit *int64 `json:"limit,omitempty" example:"10"`
	// Held is what live claims already hold there (capacity_exceeded, claimant_limit_exceeded)
	// or, for a conflict on shrinking a listing, the peak held.
	Held *int64 `json:"held,omitempty" example:"8"`
	// Remaining is what is still free there: limit − held (capacity_exceeded,
	// claimant_limit_exceeded).
	Remaining *int64 `json:"remaining,omitempty" example:"2"`
	// Status is the listing's status (listing_not_open).
	Status string `json:"status,omitempty" enums:"paused,closed" example:"paused"`
	// AgreementID is the agreement named that does not cover the claim (no_active_agreement).
	AgreementID string `json:"agreement_id,omitempty"`
	// ClaimID is the claim a proposal was already accepted as (conflict).
	ClaimID string `json:"claim_id,omitempty"`
	// RetryAfterSeconds repeats Retry-After (rate_limited).
	RetryAfterSeconds *int `json:"retry_after_seconds,omitempty" example:"60"`
} // @name ProblemData

// IntervalDTO is one occurrence: [start, end).
type IntervalDTO struct {
	Start time.Time `json:"start" example:"2027-01-04T19:00:00+08:00"`
	End   time.Time `json:"end" example:"2027-01-05T07:00:00+08:00"`
} // @name Occurrence

// problemData types the context a domain error carries; members it does not know are dropped
// (ProblemData declares every member the domain sends).
func problemData(m map[string]any) *ProblemData {
	if len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	var d ProblemData
	if json.Unmarshal(b, &d) != nil {
		return nil
	}
	return &d
}

// ProblemField is one invalid field of a request.
type ProblemField struct {
	Field   string `json:"field" example:"quantity"`
	Code    string `json:"code" example:"out_of_range"`
	Message string `json:"message" example:"quantity must be a positive integer"`
} // @name ProblemField

// problemError is an error that already knows its HTTP answer.
type problemError struct {
	status int
	code   string
	detail string
	fields []ProblemField
}

func (e *problemError) Error() string { return e.code + ": " + e.detail }

func newProblem(status int, code, detail string) *problemError {
	return &problemError{status: status, code: code, detail: detail}
}

func fieldProblem(status int, field, code, message string) *problemError {
	return &problemError{status: status, code: "validation_failed", detail: message,
		fields: []ProblemField{{Field: field, Code: code, Message: message}}}
}

// sentinels maps each domain error to its status and code; the one place where this happens.
var sentinels = []struct {
	err    error
	status int
	code   string
}{
	{domain.ErrUnauthenticated, http.StatusUnauthorized, "unauthenticated"},
	{domain.ErrForbidden, http.StatusForbidden, "forbidden"},
	{domain.ErrNotFound, http.StatusNotFound, "not_found"},
	{domain.ErrVersionMismatch, http.StatusPreconditionFailed, "version_mismatch"},
	{domain.ErrInvalidTransition, http.StatusConflict, "invalid_transition"},
	{domain.ErrCapacityExceeded, http.StatusConflict, "capacity_exceeded"},
	{domain.ErrClaimantLimit, http.StatusConflict, "claimant_limit_exceeded"},
	{domain.ErrListingNotOpen, http.StatusConflict, "listing_not_open"},
	{domain.ErrConflict, http.StatusConflict, "conflict"},
	{domain.ErrNoActiveAgreement, http.StatusUnprocessableEntity, "no_active_agreement"},
	{domain.ErrWindowOutside, http.StatusUnprocessableEntity, "window_outside_availability"},
	{domain.ErrOwnListing, http.StatusUnprocessableEntity, "own_listing"},
	{domain.ErrIdempotencyReused, http.StatusUnprocessableEntity, "idempotency_key_reused"},
	{domain.ErrRateLimited, http.StatusTooManyRequests, "rate_limited"},
	{domain.ErrUnavailable, http.StatusServiceUnavailable, "unavailable"},
	{context.DeadlineExceeded, http.StatusServiceUnavailable, "unavailable"},
	{idempotency.ErrLeaseLost, http.StatusConflict, "conflict"},
}

// toProblem turns any error into the problem to send, and says whether it was unexpected (to be
// logged as an internal error and answered generically).
func toProblem(err error, lang string) (Problem, bool) {
	var (
		pe   *problemError
		ve   *domain.ValidationError
		de   *domain.DetailError
		he   *echo.HTTPError
		p    Problem
		data map[string]any
	)
	switch {
	case errors.As(err, &pe):
		p = Problem{Status: pe.status, Code: pe.code, Detail: pe.detail, Errors: pe.fields}
	case errors.As(err, &ve):
		p = Problem{Status: http.StatusUnprocessableEntity, Code: "validation_failed"}
		for _, f := range ve.Fields {
			p.Errors = append(p.Errors, ProblemField{Field: f.Field, Code: f.Code, Message: f.Message})
		}
	case errors.As(err, &he):
		p = echoProblem(he)
	default:
		if errors.As(err, &de) {
			data = de.Data
			p.Detail = de.Detail
		}
		for _, s := range sentinels {
			if errors.Is(err, s.err) {
				p.Status, p.Code = s.status, s.code
				break
			}
		}
		if p.Code == "" {
			if errors.Is(err, context.Canceled) {
				// The client went away; nobody reads this answer.
				p = Problem{Status: http.StatusServiceUnavailable, Code: "unavailable"}
				return localize(p, lang), false
			}
			p = Problem{Status: http.StatusInternalServerError, Code: "internal"}
			return localize(p, lang), true
		}
		if p.Status == http.StatusServiceUnavailable {
			// Never the driver's words: they name hosts and statements.
			p.Detail = ""
		}
	}
	p.Data = problemData(data)
	return localize(p, lang), false
}

func echoProblem(he *echo.HTTPError) Problem {
	switch he.Code {
	case http.StatusNotFound:
		return Problem{Status: http.StatusNotFound, Code: "not_found"}
	case http.StatusMethodNotAllowed:
		return Problem{Status: http.StatusMethodNotAllowed, Code: "not_found"}
	case http.StatusRequestEntityTooLarge:
		return Problem{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large"}
	case http.StatusUnauthorized:
		return Problem{Status: http.StatusUnauthorized, Code: "unauthenticated"}
	case http.StatusTooManyRequests:
		return Problem{Status: http.StatusTooManyRequests, Code: "rate_limited"}
	case http.StatusUnsupportedMediaType:
		return Problem{Status: http.StatusUnsupportedMediaType, Code: "validation_failed"}
	}
	if he.Code >= 500 {
		return Problem{Status: he.Code, Code: "internal"}
	}
	return Problem{Status: he.Code, Code: "validation_failed"}
}

// unavailableRetryAfter is the Retry-After of a 503: long enough for a restarting database or a
// released lock, short enough that a client does not give up.
const unavailableRetryAfter = 2

// errorHandler is echo's HTTPErrorHandler: every error leaves as application/problem+json.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		p, internal := toProblem(err, language(c.Request()))
		rid := c.Response().Header().Get(echo.HeaderXRequestID)
		if internal {
			log.ErrorContext(c.Request().Context(), "request failed",
				"request_id", rid, "method", c.Request().Method, "path", c.Path(), "err", err)
		}
		p.Instance = c.Request().URL.Path
		if p.Data != nil && p.Data.RetryAfterSeconds != nil && p.Status == http.StatusTooManyRequests {
			c.Response().Header().Set("Retry-After", strconv.Itoa(*p.Data.RetryAfterSeconds))
		}
		if p.Status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
			c.Response().Header().Set("Retry-After", strconv.Itoa(unavailableRetryAfter))
			log.WarnContext(c.Request().Context(), "unavailable", "request_id", rid, "path", c.Path(), "err", err)
		}
		if err := writeProblem(c, p); err != nil {
			log.WarnContext(c.Request().Context(), "write problem", "request_id", rid, "err", err)
		}
	}
}

func writeProblem(c echo.Context, p Problem) error {
	c.Set(ctxProblemCode, p.Code)
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(p.Status)
	}
	c.Response().WriteHeader(p.Status)
	return jsonEncoder(c.Response()).Encode(p)
}
