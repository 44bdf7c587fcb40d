package schedule

import "time"

// OccursBetween reports whether any occurrence of w in loc overlaps [from, to): the answer of
// len(OccurrencesBetween(loc, from, to)) > 0, but it stops at the first such occurrence instead
// of expanding the whole range, so a search over a year costs one occurrence per listing.
func (w Window) OccursBetween(loc *time.Location, from, to time.Time) bool {
	q := Interval{Start: from, End: to}
	if q.Empty() {
		return false
	}
	e, err := newExpansion(w, locOrDefault(loc))
	if err != nil {
		return false
	}
	margin := max(e.wallDur, e.first.Duration()) + maxOffsetChange
	found, n := false, 0
	e.walk(from.Add(-margin), true, func(wall time.Time, iv Interval) bool {
		n++
		if wall.After(e.wallHorizon) || !iv.Start.Before(to) || n > MaxOccurrences {
			return false
		}
		found = iv.Overlaps(q)
		return !found
	})
	return found
}
