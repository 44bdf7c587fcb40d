package domain

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
)

func cacheListing(t *testing.T, id string, version int64, windows ...schedule.Window) Listing {
	t.Helper()
	return Listing{ID: id, Version: version, TimeZone: DefaultTimeZone, Windows: windows}
}

// TestOccurrenceCacheAgreesWithExpansion: what the cache returns for any range is what
// Listing.Occurrences expands, for single and interleaved recurring windows, and OccursBetween
// agrees with both.
func TestOccurrenceCacheAgreesWithExpansion(t *testing.T) {
	t.Parallel()
	loc := ZoneOr(DefaultTimeZone)
	start := time.Date(2027, 3, 1, 19, 0, 0, 0, loc)
	ls := []Listing{
		cacheListing(t, "a", 1, schedule.Window{Start: start, End: start.Add(12 * time.Hour), RRule: "FREQ=DAILY;COUNT=200"}),
		cacheListing(t, "b", 1,
			schedule.Window{Start: start, End: start.Add(3 * time.Hour), RRule: "FREQ=WEEKLY;BYDAY=MO,WE"},
			schedule.Window{Start: start.Add(-26 * time.Hour), End: start.Add(-20 * time.Hour), RRule: "FREQ=DAILY;INTERVAL=3"}),
		cacheListing(t, "c", 4, schedule.Window{Start: start, End: start.Add(6 * 24 * time.Hour)}),
	}
	var c occurrenceCache
	for _, l := range ls {
		for day := -10; day < 380; day += 11 {
			for _, span := range []time.Duration{time.Hour, 50 * time.Hour, 366 * 24 * time.Hour} {
				from := start.AddDate(0, 0, day).Add(5 * time.Hour)
				to := from.Add(span)
				want := l.Occurrences(from, to)
				got := c.between(l, from, to)
				if !slices.EqualFunc(got, want, func(a, b schedule.Interval) bool { return a.Start.Equal(b.Start) && a.End.Equal(b.End) }) {
					t.Fatalf("listing %s [%s, %s): cache %d occurrences, expansion %d", l.ID, from, to, len(got), len(want))
				}
				if l.OccursBetween(from, to) != (len(want) > 0) || c.occursBetween(l, from, to) != (len(want) > 0) {
					t.Fatalf("listing %s [%s, %s): OccursBetween disagrees", l.ID, from, to)
				}
			}
		}
	}
}

// TestOccurrenceCacheStaysWithinBudget: a new version is a new entry (windows change only with
// the version), and the least recently used entries go once the budget is spent.
func TestOccurrenceCacheStaysWithinBudget(t *testing.T) {
	t.Parallel()
	loc := ZoneOr(DefaultTimeZone)
	start := time.Date(2027, 3, 1, 19, 0, 0, 0, loc)
	daily := schedule.Window{Start: start, End: start.Add(time.Hour), RRule: "FREQ=DAILY"}
	var c occurrenceCache
	first := cacheListing(t, "first", 1, daily)
	if n := len(c.all(first)); n != schedule.HorizonDays+1 {
		t.Fatalf("a daily listing without bounds has %d occurrences, want %d", n, schedule.HorizonDays+1)
	}
	moved := cacheListing(t, "first", 2, schedule.Window{Start: start.Add(time.Hour), End: start.Add(2 * time.Hour)})
	if got := c.all(moved); len(got) != 1 || !got[0].Start.Equal(start.Add(time.Hour)) {
		t.Fatalf("version 2 served from version 1's entry: %v", got[:min(len(got), 2)])
	}
	for i := 0; i < 2*occurrenceBudget/(schedule.HorizonDays+1); i++ {
		c.all(cacheListing(t, fmt.Sprint("l", i), 1, daily))
		if c.size > occurrenceBudget {
			t.Fatalf("cache holds %d intervals, budget %d", c.size, occurrenceBudget)
		}
	}
	if _, ok := c.entries[occurrenceKey{"first", 1}]; ok {
		t.Fatal("the least recently used entry was kept")
	}
	if len(c.entries) != c.lru.Len() {
		t.Fatalf("%d entries, %d in the LRU list", len(c.entries), c.lru.Len())
	}
}
