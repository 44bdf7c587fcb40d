package matching

import (
	"math"
	"slices"
	"time"
)

// Interval is one occurrence of a listing: the half-open time range
// [Start, End).
type Interval struct {
	Start, End time.Time
}

// Listing is an offer or a need as the matching engine sees it.
type Listing struct {
	ID       string
	OrgID    string // publishing unit or community; "" means unknown
	StreetID string
	Category string
	// Lat and Lng are in degrees; RadiusKm is how far the listing reaches.
	Lat, Lng, RadiusKm float64
	// Quantity is the remaining spare capacity of an offer, or the
	// remaining quantity wanted by a need.
	Quantity int64
	// Occurrences should be sorted and non-overlapping; they are
	// normalised (sorted, merged, empty ones dropped) anyway.
	Occurrences []Interval
	// StreetOnly restricts matches to listings of the same street.
	StreetOnly bool
}

// span is an occurrence in nanoseconds since the Unix epoch, [start, end).
type span struct {
	start, end int64
}

// Nanosecond times cover the years 1678–2262; clamping outside that keeps
// arithmetic defined (time.Time.UnixNano is not) at no cost to any real
// schedule.
var (
	minSpanTime = time.Unix(0, math.MinInt64)
	maxSpanTime = time.Unix(0, math.MaxInt64)
)

func spanTime(t time.Time) int64 {
	switch {
	case t.Before(minSpanTime):
		return math.MinInt64
	case t.After(maxSpanTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// normalizeSpans converts occurrences to spans, sorted and merged so that
// they are disjoint, dropping empty or inverted ones. The linear-time
// overlap below relies on that shape, and callers cannot be trusted to
// always provide it.
func normalizeSpans(occ []Interval) []span {
	out := make([]span, 0, len(occ))
	sorted := true
	for _, iv := range occ {
		s := span{spanTime(iv.Start), spanTime(iv.End)}
		if s.end <= s.start {
			continue
		}
		if n := len(out); n > 0 && s.start < out[n-1].start {
			sorted = false
		}
		out = append(out, s)
	}
	if !sorted {
		slices.SortFunc(out, func(a, b span) int {
			switch {
			case a.start < b.start:
				return -1
			case a.start > b.start:
				return 1
			}
			return 0
		})
	}
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// totalDuration is the summed length of disjoint spans, saturating
// rather than overflowing.
func totalDuration(spans []span) int64 {
	var total uint64
	for _, s := range spans {
		total += uint64(s.end) - uint64(s.start)
		if total > math.MaxInt64 {
			return math.MaxInt64
		}
	}
	return int64(total)
}

// overlapDuration returns how much time two sorted, disjoint span lists
// share, in one merge-like pass: O(len(a)+len(b)).
func overlapDuration(a, b []span) int64 {
	var total uint64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo := max(a[i].start, b[j].start)
		hi := min(a[i].end, b[j].end)
		if hi > lo {
			total += uint64(hi) - uint64(lo)
		}
		// Advance whichever span ends first; it cannot meet anything else
		// in the other list.
		if a[i].end < b[j].end {
			i++
		} else {
			j++
		}
	}
	return int64(min(total, math.MaxInt64))
}
