package schedule

import (
	"testing"
	"time"
)

// TestOccursBetweenAgreesWithOccurrencesBetween compares the early-exit check with the full
// expansion over ranges before, inside, between and after occurrences of several rules.
func TestOccursBetweenAgreesWithOccurrencesBetween(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2027, 3, 1, 19, 0, 0, 0, loc)
	windows := []Window{
		{Start: start, End: start.Add(12 * time.Hour)},
		{Start: start, End: start.Add(12 * time.Hour), RRule: "FREQ=DAILY;COUNT=300"},
		{Start: start, End: start.Add(2 * time.Hour), RRule: "FREQ=WEEKLY;BYDAY=SA,SU"},
		{Start: start, End: start.Add(3 * time.Hour), RRule: "FREQ=MONTHLY;BYMONTHDAY=1,15;UNTIL=20271231T000000Z"},
	}
	for _, w := range windows {
		for day := -3; day < 400; day += 7 {
			for _, span := range []time.Duration{time.Hour, 30 * time.Hour, 24 * 24 * time.Hour} {
				for _, off := range []time.Duration{0, 8 * time.Hour, 21 * time.Hour} {
					from := start.AddDate(0, 0, day).Add(off)
					to := from.Add(span)
					want := len(w.OccurrencesBetween(loc, from, to)) > 0
					if got := w.OccursBetween(loc, from, to); got != want {
						t.Fatalf("%s from %s to %s: OccursBetween %v, OccurrencesBetween says %v", w.RRule, from, to, got, want)
					}
				}
			}
		}
	}
	if (Window{Start: start, End: start.Add(time.Hour)}).OccursBetween(loc, start, start) {
		t.Fatal("an empty range overlaps")
	}
}
