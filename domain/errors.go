package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. The API maps each to one stable problem code (API.md §1); wrap them with %w to
// add context and compare with errors.Is.
var (
	ErrNotFound          = errors.New("not found")
	ErrForbidden         = errors.New("forbidden")
	ErrUnauthenticated   = errors.New("unauthenticated")
	ErrConflict          = errors.New("conflict")
	ErrVersionMismatch   = errors.New("version mismatch")
	ErrInvalidTransition = errors.New("invalid transition")
	ErrCapacityExceeded  = errors.New("capacity exceeded")
	ErrNoActiveAgreement = errors.New("no active agreement")
	ErrWindowOutside     = errors.New("window outside availability")
	ErrOwnListing        = errors.New("own listing")
	ErrListingNotOpen    = errors.New("listing not open")
	ErrClaimantLimit     = errors.New("claimant limit exceeded")
	ErrIdempotencyReused = errors.New("idempotency key reused")
	// ErrRateLimited is a request refused for coming too often; a DetailError's Data may carry
	// "retry_after_seconds".
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: the database cannot be reached, a lock or statement outlived the request's
	// deadline, or the connection pool stayed exhausted; retry later (503 unavailable).
	ErrUnavailable = errors.New("unavailable")
)

// FieldError is one invalid input field. Code is stable and machine-readable (required, invalid,
// too_long, out_of_range, unknown, ...); Message is English and meant for developers.
type FieldError struct {
	Field   string
	Code    string
	Message string
}

// ValidationError collects the field errors of one request. It is the only error kind the API
// answers with 422 validation_failed.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "validation failed: " + strings.Join(parts, "; ")
}

// Add records a field error.
func (e *ValidationError) Add(field, code, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was recorded, so validators can end with `return v.Err()`.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid is a shortcut for a validation error on one field.
func Invalid(field, code, format string, args ...any) error {
	v := &ValidationError{}
	v.Add(field, code, format, args...)
	return v
}

// DetailError carries a sentinel plus a human detail and optional structured data (for example the
// occurrence that would overflow). The API shows Detail and Data; errors.Is sees Kind.
type DetailError struct {
	Kind   error
	Detail string
	Data   map[string]any
}

func (e *DetailError) Error() string { return e.Kind.Error() + ": " + e.Detail }
func (e *DetailError) Unwrap() error { return e.Kind }

// Detailed wraps kind with a detail message.
func Detailed(kind error, data map[string]any, format string, args ...any) error {
	return &DetailError{Kind: kind, Detail: fmt.Sprintf(format, args...), Data: data}
}
