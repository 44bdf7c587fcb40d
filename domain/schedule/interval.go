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

// Peaks returns, for each interval of within (sorted by start and pairwise disjoint), the largest
// total Qty of the weighted intervals held at any single instant inside it; instants covered by
// nothing count as 0. It is the check behind "at every instant, held quantity ≤ capacity".
// Intervals are half-open: one ending at t and one starting at t are never counted together,
// and empty or reversed intervals hold nothing. One sweep: O((n + m) log n) for n weighted
// intervals and m intervals of within.
func Peaks(ws []WeightedInterval, within []Interval) []int64 {
	type step struct {
		at    int64 // Unix nanoseconds: cheaper to compare than time.Time, and sorting dominates
		delta int64
	}
	st := make([]step, 0, 2*len(ws))
	for _, w := range ws {
		if w.Start.Before(w.End) && w.Qty != 0 {
			st = append(st, step{w.Start.UnixNano(), w.Qty}, step{w.End.UnixNano(), -w.Qty})
		}
	}
	// At one instant, ends before starts: the running total never counts both.
	slices.SortFunc(st, func(a, b step) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.delta, b.delta)
	})
	out := make([]int64, len(within))
	var level int64
	i := 0
	for k, iv := range within {
		start, end := iv.Start.UnixNano(), iv.End.UnixNano()
		for i < len(st) && st[i].at <= start {
			level += st[i].delta
			i++
		}
		peak, lv := max(level, 0), level
		for j := i; j < len(st) && st[j].at < end; j++ {
			lv += st[j].delta
			peak = max(peak, lv)
		}
		if iv.Empty() {
			peak = 0
		}
		out[k] = peak
	}
	return out
}
