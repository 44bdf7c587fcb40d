package matching

import "math"

// timeBuckets splits the time range spanned by an index's occurrences into
// 64 equal buckets, so that each listing's occurrences can be summarised
// as a 64-bit mask of the buckets they touch. Two listings whose masks
// share no bit cannot overlap in time, which lets a search reject most
// neighbours that are never free at the same time from the grid entry
// alone, before reading their occurrences.
type timeBuckets struct {
	lo, hi int64  // [lo, hi): every indexed occurrence lies inside
	width  uint64 // bucket length in nanoseconds, ≥ 1
}

func newTimeBuckets(records []record) timeBuckets {
	if len(records) == 0 {
		return timeBuckets{width: 1}
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range records {
		s := records[i].spans
		lo = min(lo, s[0].start)
		hi = max(hi, s[len(s)-1].end)
	}
	// Unsigned arithmetic: the range can exceed MaxInt64 when times were
	// clamped to the ends of the representable range.
	return timeBuckets{lo: lo, hi: hi, width: (uint64(hi)-uint64(lo))/64 + 1}
}

// mask returns the buckets touched by sorted, disjoint spans. Parts of a
// span outside [lo, hi) are dropped: no indexed listing exists there.
func (tb timeBuckets) mask(spans []span) uint64 {
	var m uint64
	for _, s := range spans {
		start, end := max(s.start, tb.lo), min(s.end, tb.hi)
		if end <= start {
			continue
		}
		// Half-open span: its last instant is end-1.
		first := (uint64(start) - uint64(tb.lo)) / tb.width
		last := (uint64(end-1) - uint64(tb.lo)) / tb.width
		if last-first >= 63 {
			return math.MaxUint64
		}
		m |= (uint64(1)<<(last-first+1) - 1) << first
	}
	return m
}
