package schedule

import (
	"cmp"
	"slices"
	"time"
)

// Interval is the half-open time range [Start, End). Half-open ranges make back-to-back
// bookings (one ending at 19:00, the next starting at 19:00) share no instant, so they never
// count against each other's capacity.
type Interval struct {
	Start, End time.Time
}

// Duration returns End − Start (negative for a reversed interval).
func (i Interval) Duration() time.Duration { return i.End.Sub(i.Start) }

// Empty reports whether i contains no instant (End ≤ Start).
func (i Interval) Empty() bool { return !i.Start.Before(i.End) }

// Overlaps reports whether i and o share at least one instant. Intervals that merely touch
// (i.End == o.Start) do not overlap, and an empty interval overlaps nothing.
func (i Interval) Overlaps(o Interval) bool {
	return i.Start.Before(o.End) && o.Start.Before(i.End) && !i.Empty() && !o.Empty()
}

// Contains reports whether o lies entirely within i: i.Start ≤ o.Start ≤ o.End ≤ i.End. The
// test is positional, so an empty o counts as contained when its position lies within i, but a
// reversed o (End before Start) never does, so malformed input cannot pass a containment check.
func (i Interval) Contains(o Interval) bool {
	return !o.Start.Before(i.Start) && !o.End.After(i.End) && !o.End.Before(o.Start)
}

// Within checks that every inner interval lies entirely within some single outer interval, in
// the sense of Interval.Contains. Touching or overlapping outer intervals are not merged, so an
// inner interval straddling two of them is outside; merge them first if that should be allowed.
// It returns a copy of the first inner interval, in order of Start, that is not contained
// (reversed inner intervals never are), or nil when all are.
//
// Both lists are expected to be sorted by Start, in which case Within is a single linear merge.
// Outer intervals may overlap one another. Unsorted input is detected and handled by sorting
// copies (O(n log n)); it is never silently misjudged.
func Within(outer, inner []Interval) (firstOutside *Interval) {
	if !sortedByStart(outer) || !sortedByStart(inner) {
		outer = sortedCopy(outer)
		inner = sortedCopy(inner)
	}
	// Invariant: reach is the largest End among outer[:j], the outers starting no later than
	// the current inner. Any inner with End ≤ reach is contained by the outer achieving reach,
	// because that outer also starts at or before the inner; if End > reach, no outer starting
	// early enough reaches far enough, and later outers start too late. So one pass suffices.
	var (
		j     int
		reach time.Time
		seen  bool
	)
	for k := range inner {
		in := inner[k]
		for j < len(outer) && !outer[j].Start.After(in.Start) {
			if !seen || outer[j].End.After(reach) {
				reach = outer[j].End
				seen = true
			}
			j++
		}
		if !seen || in.End.After(reach) || in.End.Before(in.Start) {
			return &in
		}
	}
	return nil
}

func sortedByStart(ivs []Interval) bool {
	return slices.IsSortedFunc(ivs, func(a, b Interval) int { return a.Start.Compare(b.Start) })
}

func sortedCopy(ivs []Interval) []Interval {
	c := slices.Clone(ivs)
	// Stable, so "first outside" among equal starts is the caller's order.
	slices.SortStableFunc(c, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	return c
}

// WeightedInterval is a half-open interval [Start, End) holding Qty units of something (for
// example the quantity a claim reserves).
type WeightedInterval struct {
	Start, End time.Time
	Qty        int64
}

// MaxConcurrent returns the largest total Qty held at any single instant of within, counting
// each interval at the instants it covers. Intervals are half-open, so one ending at t and one
// starting at t are never counted together. Instants of within covered by nothing count as 0, so
// the result is 0 for an empty within or when nothing overlaps it.
//
// It is the check behind "at every instant, held quantity ≤ capacity": compare the result with
// capacity. Sums are not checked for int64 overflow.
func MaxConcurrent(intervals []WeightedInterval, within Interval) int64 {
	qty, _ := PeakConcurrent(intervals, within)
	return qty
}

// PeakConcurrent is MaxConcurrent that also returns where the peak is: the earliest maximal
// stretch [at.Start, at.End) of within over which the total is constant and equal to qty. It is
// meant for error messages ("over capacity from 19:00 to 21:00"); its times are in
// within.Start's location. For an empty within it returns (0, Interval{}).
func PeakConcurrent(intervals []WeightedInterval, within Interval) (qty int64, at Interval) {
	if within.Empty() {
		return 0, Interval{}
	}
	// Events carry (seconds, nanoseconds) instead of time.Time: comparing two int64 pairs is
	// several times cheaper than time.Time.Compare, and sorting dominates the cost.
	type event struct {
		sec   int64
		nsec  int32
		delta int64
	}
	ev := func(t time.Time, delta int64) event {
		return event{sec: t.Unix(), nsec: int32(t.Nanosecond()), delta: delta}
	}
	compare := func(a, b event) int {
		if c := cmp.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		return cmp.Compare(a.nsec, b.nsec)
	}
	toTime := func(e event) time.Time { return time.Unix(e.sec, int64(e.nsec)).In(within.Start.Location()) }
	// Zero-weight sentinels at both ends of within make the uncovered stretches (total 0)
	// ordinary segments, so negative quantities and "nothing overlaps" need no special cases.
	events := make([]event, 0, 2*len(intervals)+2)
	events = append(events, ev(within.Start, 0), ev(within.End, 0))
	for _, iv := range intervals {
		// Clip to within: only instants inside it matter, and clipping keeps every event in
		// [within.Start, within.End].
		s, e := iv.Start, iv.End
		if s.Before(within.Start) {
			s = within.Start
		}
		if e.After(within.End) {
			e = within.End
		}
		if !s.Before(e) || iv.Qty == 0 {
			continue
		}
		events = append(events, ev(s, iv.Qty), ev(e, -iv.Qty))
	}
	slices.SortFunc(events, compare)
	endEv := ev(within.End, 0)

	// Apply every event at the same instant before reading the total: the total then holds on
	// the whole segment [t, next t). This is what makes an end and a start at the same t cancel
	// rather than briefly double-count.
	var cur int64
	found := false
	var atStart, atEnd event
	for i := 0; i < len(events); {
		t := events[i]
		for i < len(events) && compare(events[i], t) == 0 {
			cur += events[i].delta
			i++
		}
		if compare(t, endEv) >= 0 {
			break // the within.End sentinel: no segment starts here
		}
		next := events[i] // i < len(events): the within.End sentinel is still ahead
		switch {
		case !found || cur > qty:
			qty, atStart, atEnd, found = cur, t, next, true
		case cur == qty && compare(atEnd, t) == 0:
			atEnd = next // extend the current maximal stretch
		}
	}
	return qty, Interval{Start: toTime(atStart), End: toTime(atEnd)}
}
