package schedule

import (
	"strings"
	"time"
)

// untilLayout is RFC 5545's UTC DATE-TIME form, as in UNTIL=20270301T110000Z.
const untilLayout = "20060102T150405Z"

// WithUntil returns w with its rule's bound stated as UNTIL=last (the start of the last
// occurrence, in UTC), replacing any COUNT or UNTIL. A window that does not repeat is returned
// as it is. UNTIL is inclusive (RFC 5545 §3.3.10), so the occurrences are those of w up to and
// including the one starting at last.
func (w Window) WithUntil(last time.Time) Window {
	if w.RRule == "" {
		return w
	}
	parts := make([]string, 0, 4)
	for part := range strings.SplitSeq(w.RRule, ";") {
		key, _, _ := strings.Cut(part, "=")
		if key == "COUNT" || key == "UNTIL" {
			continue
		}
		parts = append(parts, part)
	}
	parts = append(parts, "UNTIL="+last.UTC().Format(untilLayout))
	w.RRule = strings.Join(parts, ";")
	return w
}

// Bounded returns w with the bound it has in effect written out: the rule's UNTIL becomes the
// start of its last occurrence (the horizon cuts a rule without COUNT or UNTIL), with the
// occurrences. The result expands to exactly the same occurrences as w.
func (w Window) Bounded(loc *time.Location) (Window, []Interval) {
	occs := w.Occurrences(loc)
	if w.RRule == "" || len(occs) == 0 {
		return w, occs
	}
	return w.WithUntil(occs[len(occs)-1].Start), occs
}

// Clip returns the window made of exactly those occurrences of w that lie inside [from, to)
// (start ≥ from and end ≤ to): its first occurrence is the first of them and its rule is
// bounded by UNTIL at the start of the last. ok is false when no occurrence lies inside, or when
// the rule restarted at a later occurrence would not give the same occurrences (a rule whose
// pattern depends on its DTSTART in a way that moving it changes); then the caller has nothing
// it can claim exactly.
func (w Window) Clip(loc *time.Location, from, to time.Time) (clipped Window, occs []Interval, ok bool) {
	loc = locOrDefault(loc)
	for _, iv := range w.OccurrencesBetween(loc, from, to) {
		if !iv.Start.Before(from) && !iv.End.After(to) {
			occs = append(occs, iv)
		}
	}
	if len(occs) == 0 {
		return Window{}, nil, false
	}
	first := occs[0]
	clipped = Window{Start: first.Start, End: first.End, RRule: w.RRule}
	if len(occs) == 1 {
		clipped.RRule = ""
		return clipped, occs, true
	}
	clipped = clipped.WithUntil(occs[len(occs)-1].Start)
	if clipped.Validate(loc) != nil || !sameIntervals(clipped.Occurrences(loc), occs) {
		return Window{}, nil, false
	}
	return clipped, occs, true
}

func sameIntervals(a, b []Interval) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Start.Equal(b[i].Start) || !a[i].End.Equal(b[i].End) {
			return false
		}
	}
	return true
}
