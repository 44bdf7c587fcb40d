// Package schedule models when a listing is available and when a claim holds it: windows that
// may repeat by an RFC 5545 RRULE, their expansion into concrete occurrences in an IANA time
// zone, and the interval arithmetic used to enforce "claims lie inside availability" and "at
// every instant, held quantity ≤ capacity".
//
// All intervals are half-open, [Start, End). A Window's RRULE is expanded in wall-clock terms in
// a time zone (DefaultLocation, Asia/Shanghai, unless the caller passes another), so "19:00–07:00
// daily" stays 19:00–07:00 local time. Expansion is bounded by a horizon of HorizonDays after the
// first start and by MaxOccurrences, so a stored window always expands to a small, finite list.
//
// The package depends on the standard library and github.com/teambition/rrule-go only.
package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/teambition/rrule-go"
)

// Limits on windows. They keep expansion cheap enough to run on every request and keep a single
// window from describing an unbounded amount of availability.
const (
	// MaxWindowLength is the longest a single occurrence may last.
	MaxWindowLength = 7 * 24 * time.Hour
	// HorizonDays bounds expansion: no occurrence starts later than HorizonDays calendar days
	// (in the expansion zone, same wall-clock time) after the first start. An occurrence
	// starting exactly at the horizon is kept.
	HorizonDays = 366
	// MaxOccurrences bounds the number of occurrences a window may expand to (a year of
	// hourly-ish rules fits; per-minute ones do not).
	MaxOccurrences = 10000
)

// Field names used in FieldError, matching the API's JSON fields.
const (
	FieldStart = "start"
	FieldEnd   = "end"
	FieldRRule = "rrule"
)

// Codes used in FieldError. They are stable, machine-readable and meant to be passed through
// to API clients as 422 field errors.
const (
	// CodeInvalid: the value is unusable (zero time, year out of range).
	CodeInvalid = "invalid"
	// CodeEndBeforeStart: end is not after start.
	CodeEndBeforeStart = "end_before_start"
	// CodeTooLong: one occurrence would last longer than MaxWindowLength.
	CodeTooLong = "too_long"
	// CodeFractionalSeconds: a boundary has a fraction of a second.
	CodeFractionalSeconds = "fractional_seconds"
	// CodeInvalidRRule: the rule does not parse or uses something this service does not accept.
	CodeInvalidRRule = "invalid_rrule"
	// CodeOverlappingOccurrences: an occurrence starts before the previous one has ended.
	CodeOverlappingOccurrences = "overlapping_occurrences"
	// CodeTooManyOccurrences: the rule expands to more than MaxOccurrences occurrences.
	CodeTooManyOccurrences = "too_many_occurrences"
	// CodeBeyondHorizon: an explicit UNTIL or COUNT reaches past the horizon. (A rule with
	// neither is silently truncated at the horizon instead; an explicit bound the service
	// cannot honour is a client error rather than something to drop quietly.)
	CodeBeyondHorizon = "beyond_horizon"
)

// FieldError describes one invalid input field. Its fields mirror domain.FieldError so the API
// layer can convert it directly.
type FieldError struct {
	Field   string
	Code    string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, code, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)}
}

var loadDefaultLocation = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	// Without a tz database (minimal containers) fall back to a fixed UTC+8. China has not
	// observed DST since 1991, so this gives identical results for any plausible date.
	return time.FixedZone("CST", 8*60*60)
})

// DefaultLocation returns the zone windows are expanded in when the caller passes nil:
// Asia/Shanghai, or a fixed UTC+8 zone if no tz database is available.
func DefaultLocation() *time.Location { return loadDefaultLocation() }

func locOrDefault(loc *time.Location) *time.Location {
	if loc == nil {
		return DefaultLocation()
	}
	return loc
}

// Window is a first occurrence [Start, End) and an optional RRULE repeating it. Build it with
// NewWindow or NewWindowIn, or call Validate on a Window read from storage: the expansion
// methods assume a valid window.
type Window struct {
	Start, End time.Time
	// RRule is an RFC 5545 RRULE value such as "FREQ=DAILY;COUNT=30", without DTSTART (Start is
	// the DTSTART). Empty means the window does not repeat. NewWindow stores it normalised:
	// upper case, without a leading "RRULE:".
	RRule string
}

// NewWindow validates and builds a window whose rule is expanded in DefaultLocation. Errors are
// *FieldError.
func NewWindow(start, end time.Time, rrule string) (Window, error) {
	return NewWindowIn(start, end, rrule, nil)
}

// NewWindowIn is NewWindow for windows expanded in loc (nil means DefaultLocation). The zone
// matters for validation because BYDAY, UNTIL without "Z", the horizon and DST all depend on it;
// expand the window in the same zone it was validated in.
func NewWindowIn(start, end time.Time, rrule string, loc *time.Location) (Window, error) {
	// Round(0) drops monotonic clock readings (time.Now() has one), which == on Windows and
	// reflect.DeepEqual in tests would otherwise trip over.
	w := Window{Start: start.Round(0), End: end.Round(0), RRule: normalizeRRule(rrule)}
	if err := w.Validate(loc); err != nil {
		return Window{}, err
	}
	return w, nil
}

// Validate checks w for expansion in loc (nil means DefaultLocation) and returns a *FieldError,
// or nil:
//   - start and end are set and in years 1970–9000 (CodeInvalid), in whole seconds
//     (CodeFractionalSeconds);
//   - end is after start (CodeEndBeforeStart) by at most MaxWindowLength (CodeTooLong);
//   - rrule, if set, is one RFC 5545 RRULE value with FREQ DAILY, WEEKLY, MONTHLY or YEARLY,
//     without DTSTART, BYEASTER, COUNT<1, INTERVAL<1, repeated parts or COUNT with UNTIL
//     (CodeInvalidRRule);
//   - an explicit COUNT/UNTIL ends within the horizon (CodeBeyondHorizon);
//   - it expands to at most MaxOccurrences occurrences (CodeTooManyOccurrences);
//   - each occurrence ends no later than the next one starts (CodeOverlappingOccurrences).
//
// The first failure is returned, in that order, since rule checks are meaningless without a
// valid start and end. Validation expands the window once, which costs about as much as
// Occurrences.
func (w Window) Validate(loc *time.Location) error {
	e, err := newExpansion(w, locOrDefault(loc))
	if err != nil {
		return err
	}
	return e.check()
}

// normalizeRRule trims, upper-cases (RFC 5545 names and values are case-insensitive) and strips
// an optional "RRULE:" property prefix.
func normalizeRRule(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.TrimSpace(strings.TrimPrefix(s, "RRULE:"))
}

// allowedParts are the RFC 5545 rule parts accepted. rrule-go's non-standard BYEASTER is
// excluded, and DTSTART is excluded because the window's Start is the DTSTART.
var allowedParts = map[string]bool{
	"FREQ": true, "UNTIL": true, "COUNT": true, "INTERVAL": true,
	"BYSECOND": true, "BYMINUTE": true, "BYHOUR": true, "BYDAY": true, "BYMONTHDAY": true,
	"BYYEARDAY": true, "BYWEEKNO": true, "BYMONTH": true, "BYSETPOS": true, "WKST": true,
}

// parseRRule parses a normalised rule in loc (UNTIL without "Z" is local time in loc). It
// applies the RFC 5545 constraints rrule-go is lenient about, because leniency here would change
// meaning: rrule-go treats COUNT=0 as "forever" and silently lets a later FREQ override an
// earlier one.
func parseRRule(s string, loc *time.Location) (*rrule.ROption, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, fieldErr(FieldRRule, CodeInvalidRRule,
			"rrule must be a single RRULE value without DTSTART or other properties")
	}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ";") {
		key, val, ok := strings.Cut(part, "=")
		switch {
		case !ok || key == "" || val == "":
			return nil, fieldErr(FieldRRule, CodeInvalidRRule, "malformed rule part %q", part)
		case key == "DTSTART":
			return nil, fieldErr(FieldRRule, CodeInvalidRRule,
				"DTSTART is not allowed in rrule: the window start is the first occurrence")
		case !allowedParts[key]:
			return nil, fieldErr(FieldRRule, CodeInvalidRRule, "unsupported rule part %s", key)
		case seen[key]:
			return nil, fieldErr(FieldRRule, CodeInvalidRRule, "rule part %s appears twice", key)
		}
		seen[key] = true
		switch key {
		case "FREQ":
			switch val {
			case "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
			case "HOURLY", "MINUTELY", "SECONDLY":
				// Sub-daily frequencies make rrule-go step hour by hour (or finer) when looking
				// for the next match, which for a rule with no further matches means walking to
				// year 9999. Sub-daily repetition can still be spelled as DAILY;BYHOUR=...
				return nil, fieldErr(FieldRRule, CodeInvalidRRule,
					"FREQ=%s is not supported; use DAILY with BYHOUR for several occurrences a day", val)
			default:
				return nil, fieldErr(FieldRRule, CodeInvalidRRule, "unknown FREQ %s", val)
			}
		case "COUNT", "INTERVAL":
			if n, err := strconv.Atoi(val); err != nil || n < 1 {
				return nil, fieldErr(FieldRRule, CodeInvalidRRule, "%s must be a positive integer", key)
			}
		}
	}
	if !seen["FREQ"] {
		return nil, fieldErr(FieldRRule, CodeInvalidRRule, "FREQ is required")
	}
	if seen["COUNT"] && seen["UNTIL"] {
		return nil, fieldErr(FieldRRule, CodeInvalidRRule, "COUNT and UNTIL must not both be present")
	}
	opt, err := rrule.StrToROptionInLocation(s, loc)
	if err != nil {
		return nil, fieldErr(FieldRRule, CodeInvalidRRule, "invalid rrule: %v", err)
	}
	if _, err := rrule.NewRRule(*opt); err != nil { // range checks on BY* values
		return nil, fieldErr(FieldRRule, CodeInvalidRRule, "invalid rrule: %v", err)
	}
	return opt, nil
}
