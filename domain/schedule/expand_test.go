package schedule

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

const occFormat = "2006-01-02 15:04:05.000 MST"

func fmtOcc(iv Interval) string {
	return iv.Start.Format(occFormat) + " → " + iv.End.Format(occFormat)
}

// fataler is the part of testing.TB that *rapid.T also implements.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// checkInvariants asserts what every valid window's expansion must satisfy.
func checkInvariants(t fataler, w Window, loc *time.Location, occ []Interval) {
	t.Helper()
	if len(occ) == 0 || !occ[0].Start.Equal(w.Start) || !occ[0].End.Equal(w.End) {
		t.Fatalf("first occurrence %v, want [%v, %v)", occ[:min(1, len(occ))], w.Start, w.End)
	}
	horizon := resolve(wallClock(w.Start.In(loc)).AddDate(0, 0, HorizonDays), loc)
	for i, o := range occ {
		if o.Start.Location() != loc || o.End.Location() != loc {
			t.Fatalf("occurrence %d not in %v: %s", i, loc, fmtOcc(o))
		}
		if o.Empty() || o.Start.After(horizon) {
			t.Fatalf("occurrence %d empty or past the horizon %v: %s", i, horizon, fmtOcc(o))
		}
		if i > 0 && o.Start.Before(occ[i-1].End) {
			t.Fatalf("occurrence %d (%s) overlaps the previous (%s)", i, fmtOcc(o), fmtOcc(occ[i-1]))
		}
	}
	if len(occ) > MaxOccurrences {
		t.Fatalf("%d occurrences, more than MaxOccurrences", len(occ))
	}
	span := w.Span(loc)
	if !span.Start.Equal(occ[0].Start) || !span.End.Equal(occ[len(occ)-1].End) {
		t.Fatalf("Span = %v, want [%v, %v)", span, occ[0].Start, occ[len(occ)-1].End)
	}
}

func TestOccurrences(t *testing.T) {
	t.Parallel()
	sh := DefaultLocation()
	ny := mustLoc(t, "America/New_York")
	d := func(loc *time.Location, y int, m time.Month, day, hh, mm int) time.Time {
		return time.Date(y, m, day, hh, mm, 0, 0, loc)
	}
	tests := []struct {
		name       string
		loc        *time.Location
		start, end time.Time
		rrule      string
		count      int
		want       []string // every occurrence, when listed
		last       string   // the last occurrence, when set
		durations  []time.Duration
	}{
		{
			name: "no rule", loc: sh,
			start: d(sh, 2026, 12, 1, 19, 0), end: d(sh, 2026, 12, 2, 7, 0),
			count: 1,
			want:  []string{"2026-12-01 19:00:00.000 CST → 2026-12-02 07:00:00.000 CST"},
		},
		{
			name: "daily 19:00–07:00 crosses midnight", loc: sh,
			start: d(sh, 2026, 12, 30, 19, 0), end: d(sh, 2026, 12, 31, 7, 0),
			rrule: "FREQ=DAILY;COUNT=4", count: 4,
			want: []string{
				"2026-12-30 19:00:00.000 CST → 2026-12-31 07:00:00.000 CST",
				"2026-12-31 19:00:00.000 CST → 2027-01-01 07:00:00.000 CST",
				"2027-01-01 19:00:00.000 CST → 2027-01-02 07:00:00.000 CST",
				"2027-01-02 19:00:00.000 CST → 2027-01-03 07:00:00.000 CST",
			},
		},
		{
			name: "weekdays with inclusive UNTIL", loc: sh,
			start: d(sh, 2026, 12, 7, 9, 0), end: d(sh, 2026, 12, 7, 18, 0), // Monday
			rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261218T010000Z", // Fri 18th 09:00 local
			count: 10,
			last:  "2026-12-18 09:00:00.000 CST → 2026-12-18 18:00:00.000 CST",
		},
		{
			name: "weekday nights until March", loc: sh,
			start: d(sh, 2026, 12, 1, 19, 0), end: d(sh, 2026, 12, 2, 7, 0), // Tuesday
			rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270301T000000Z",
			// 23 weekdays left in December, 21 in January, 20 in February; Monday 1 March
			// 19:00 is after UNTIL (08:00 local).
			count: 64,
			last:  "2027-02-26 19:00:00.000 CST → 2027-02-27 07:00:00.000 CST",
		},
		{
			name: "local UNTIL is read in the zone", loc: sh,
			start: d(sh, 2026, 12, 1, 19, 0), end: d(sh, 2026, 12, 1, 20, 0),
			rrule: "FREQ=DAILY;UNTIL=20261203T190000", count: 3,
			last: "2026-12-03 19:00:00.000 CST → 2026-12-03 20:00:00.000 CST",
		},
		{
			name: "COUNT", loc: sh,
			start: d(sh, 2026, 12, 1, 19, 0), end: d(sh, 2026, 12, 2, 7, 0),
			rrule: "FREQ=DAILY;COUNT=30", count: 30,
			last: "2026-12-30 19:00:00.000 CST → 2026-12-31 07:00:00.000 CST",
		},
		{
			name: "unmatched start is first and counts toward COUNT", loc: sh,
			start: d(sh, 2026, 12, 5, 9, 0), end: d(sh, 2026, 12, 5, 12, 0), // Saturday
			rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=3", count: 3,
			want: []string{
				"2026-12-05 09:00:00.000 CST → 2026-12-05 12:00:00.000 CST",
				"2026-12-07 09:00:00.000 CST → 2026-12-07 12:00:00.000 CST",
				"2026-12-08 09:00:00.000 CST → 2026-12-08 12:00:00.000 CST",
			},
		},
		{
			name: "unmatched start with COUNT=1", loc: sh,
			start: d(sh, 2026, 12, 5, 9, 0), end: d(sh, 2026, 12, 5, 12, 0),
			rrule: "FREQ=WEEKLY;BYDAY=MO;COUNT=1", count: 1,
		},
		{
			name: "unbounded daily is truncated at the horizon (inclusive)", loc: sh,
			start: d(sh, 2026, 12, 1, 19, 0), end: d(sh, 2026, 12, 2, 7, 0),
			rrule: "FREQ=DAILY", count: HorizonDays + 1,
			last: "2027-12-02 19:00:00.000 CST → 2027-12-03 07:00:00.000 CST",
		},
		{
			name: "unbounded weekly is truncated at the horizon", loc: sh,
			start: d(sh, 2026, 12, 1, 19, 0), end: d(sh, 2026, 12, 2, 7, 0),
			rrule: "FREQ=WEEKLY", count: 53,
			last: "2027-11-30 19:00:00.000 CST → 2027-12-01 07:00:00.000 CST",
		},
		{
			name: "monthly on the 31st skips short months (RFC 5545)", loc: sh,
			start: d(sh, 2027, 1, 31, 10, 0), end: d(sh, 2027, 1, 31, 11, 0),
			rrule: "FREQ=MONTHLY", count: 8, // Jan Mar May Jul Aug Oct Dec 2027, Jan 2028
			last: "2028-01-31 10:00:00.000 CST → 2028-01-31 11:00:00.000 CST",
		},
		// The next three pin calendar details that rrule-go must get right even though it
		// iterates on dates shifted by whole 400-year cycles (see rruleCycleYears).
		{
			name: "leap day", loc: sh,
			start: d(sh, 2027, 6, 1, 10, 0), end: d(sh, 2027, 6, 1, 11, 0),
			rrule: "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", count: 2,
			last: "2028-02-29 10:00:00.000 CST → 2028-02-29 11:00:00.000 CST",
		},
		{
			name: "ISO week 53", loc: sh,
			start: d(sh, 2026, 12, 1, 10, 0), end: d(sh, 2026, 12, 1, 11, 0),
			rrule: "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH", count: 2,
			last: "2026-12-31 10:00:00.000 CST → 2026-12-31 11:00:00.000 CST",
		},
		{
			name: "rule that never matches leaves the first occurrence", loc: sh,
			start: d(sh, 2026, 12, 1, 10, 0), end: d(sh, 2026, 12, 1, 11, 0),
			rrule: "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", count: 1,
		},
		{
			name: "every other day", loc: sh,
			start: d(sh, 2026, 12, 1, 8, 0), end: d(sh, 2026, 12, 1, 9, 0),
			rrule: "FREQ=DAILY;INTERVAL=2;COUNT=3", count: 3,
			last: "2026-12-05 08:00:00.000 CST → 2026-12-05 09:00:00.000 CST",
		},
		{
			// Wall-clock semantics: the night containing the fall-back lasts 13 hours.
			name: "new york across the end of DST", loc: ny,
			start: d(ny, 2026, 10, 30, 19, 0), end: d(ny, 2026, 10, 31, 7, 0),
			rrule: "FREQ=DAILY;COUNT=3", count: 3,
			want: []string{
				"2026-10-30 19:00:00.000 EDT → 2026-10-31 07:00:00.000 EDT",
				"2026-10-31 19:00:00.000 EDT → 2026-11-01 07:00:00.000 EST",
				"2026-11-01 19:00:00.000 EST → 2026-11-02 07:00:00.000 EST",
			},
			durations: []time.Duration{12 * time.Hour, 13 * time.Hour, 12 * time.Hour},
		},
		{
			// ... and the night containing the spring-forward lasts 11 hours.
			name: "new york across the start of DST", loc: ny,
			start: d(ny, 2027, 3, 12, 19, 0), end: d(ny, 2027, 3, 13, 7, 0),
			rrule: "FREQ=DAILY;COUNT=3", count: 3,
			want: []string{
				"2027-03-12 19:00:00.000 EST → 2027-03-13 07:00:00.000 EST",
				"2027-03-13 19:00:00.000 EST → 2027-03-14 07:00:00.000 EDT",
				"2027-03-14 19:00:00.000 EDT → 2027-03-15 07:00:00.000 EDT",
			},
			durations: []time.Duration{12 * time.Hour, 11 * time.Hour, 12 * time.Hour},
		},
		{
			// 02:30 does not exist on 2027-03-14; as in RFC 5545 it is read with the pre-gap
			// offset, which moves it forward by the gap.
			name: "new york start inside the DST gap", loc: ny,
			start: d(ny, 2027, 3, 13, 2, 30), end: d(ny, 2027, 3, 13, 3, 30),
			rrule: "FREQ=DAILY;COUNT=3", count: 3,
			want: []string{
				"2027-03-13 02:30:00.000 EST → 2027-03-13 03:30:00.000 EST",
				"2027-03-14 03:30:00.000 EDT → 2027-03-14 04:30:00.000 EDT",
				"2027-03-15 02:30:00.000 EDT → 2027-03-15 03:30:00.000 EDT",
			},
		},
		{
			// 01:30 happens twice on 2026-11-01; RFC 5545 picks the first (EDT) one, and the
			// wall-clock end 02:30 exists only once (EST), so that occurrence lasts two hours.
			name: "new york start inside the repeated hour", loc: ny,
			start: d(ny, 2026, 10, 31, 1, 30), end: d(ny, 2026, 10, 31, 2, 30),
			rrule: "FREQ=DAILY;COUNT=2", count: 2,
			want: []string{
				"2026-10-31 01:30:00.000 EDT → 2026-10-31 02:30:00.000 EDT",
				"2026-11-01 01:30:00.000 EDT → 2026-11-01 02:30:00.000 EST",
			},
			durations: []time.Duration{time.Hour, 2 * time.Hour},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, err := NewWindowIn(tc.start, tc.end, tc.rrule, tc.loc)
			if err != nil {
				t.Fatalf("NewWindowIn: %v", err)
			}
			occ := w.Occurrences(tc.loc)
			checkInvariants(t, w, tc.loc, occ)
			got := make([]string, len(occ))
			for i, o := range occ {
				got[i] = fmtOcc(o)
			}
			if len(occ) != tc.count {
				t.Fatalf("%d occurrences, want %d:\n%s", len(occ), tc.count, strings.Join(got, "\n"))
			}
			if tc.want != nil && !slices.Equal(got, tc.want) {
				t.Fatalf("occurrences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if tc.last != "" && got[len(got)-1] != tc.last {
				t.Fatalf("last occurrence %s, want %s", got[len(got)-1], tc.last)
			}
			for i, want := range tc.durations {
				if occ[i].Duration() != want {
					t.Fatalf("occurrence %d lasts %v, want %v", i, occ[i].Duration(), want)
				}
			}
		})
	}
}

func TestInvalidWindowExpandsToNothing(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 19, 0, 0, 0, DefaultLocation())
	tests := []struct {
		name string
		w    Window
	}{
		{"zero", Window{}},
		{"reversed", Window{Start: start, End: start.Add(-time.Hour)}},
		{"bad rule", Window{Start: start, End: start.Add(time.Hour), RRule: "FREQ=SOMETIMES"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.w.Occurrences(nil); got != nil {
				t.Fatalf("Occurrences = %v, want nil", got)
			}
			if got := tc.w.OccurrencesBetween(nil, start.AddDate(-1, 0, 0), start.AddDate(1, 0, 0)); got != nil {
				t.Fatalf("OccurrencesBetween = %v, want nil", got)
			}
			if got := tc.w.Span(nil); got != (Interval{}) {
				t.Fatalf("Span = %v, want zero", got)
			}
		})
	}
}

func TestOccurrencesBetween(t *testing.T) {
	t.Parallel()
	sh := DefaultLocation()
	mustWindow := func(start, end time.Time, rule string) Window {
		w, err := NewWindow(start, end, rule)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	start := time.Date(2026, 12, 1, 19, 0, 0, 0, sh)
	nightly := mustWindow(start, start.Add(12*time.Hour), "FREQ=DAILY")
	counted := mustWindow(start, start.Add(12*time.Hour), "FREQ=DAILY;COUNT=300")
	// day returns hour hh (may exceed 24) of day n, counted from start's date.
	day := func(n int, hh int) time.Time { return start.AddDate(0, 0, n).Add(time.Duration(hh-19) * time.Hour) }
	nights := func(ns ...int) []Interval {
		out := []Interval{}
		for _, n := range ns {
			out = append(out, Interval{Start: day(n, 19), End: day(n, 31)})
		}
		return out
	}
	var all300 []int
	for i := range 300 {
		all300 = append(all300, i)
	}

	// A long window on a sparse DAILY rule: the occurrence covering a late query started days
	// before it, so the skip-ahead must reach back by the window length.
	monday := time.Date(2026, 12, 7, 9, 0, 0, 0, sh)
	mondays := mustWindow(monday, monday.Add(6*24*time.Hour), "FREQ=DAILY;BYDAY=MO")
	week40 := monday.AddDate(0, 0, 7*40)
	saturday40 := week40.AddDate(0, 0, 5).Add(3 * time.Hour) // Saturday 12:00

	tests := []struct {
		name     string
		w        Window
		from, to time.Time
		want     []Interval
	}{
		{"empty query", nightly, day(5, 19), day(5, 19), nights()},
		{"reversed query", nightly, day(6, 0), day(5, 0), nights()},
		{"daytime gap", nightly, day(5, 7), day(5, 19), nights()},
		{"ends where an occurrence starts", nightly, day(5, 12), day(5, 19), nights()},
		{"starts where an occurrence ends", nightly, day(5, 31), day(5, 40), nights()},
		{"one instant of an occurrence", nightly, day(5, 19), day(5, 19).Add(time.Nanosecond), nights(5)},
		{"mid-occurrence, after midnight", nightly, day(5, 27), day(5, 28), nights(5)},
		{"last nanosecond of an occurrence", nightly, day(5, 31).Add(-time.Nanosecond), day(5, 32), nights(5)},
		{"two nights", nightly, day(5, 20), day(6, 20), nights(5, 6)},
		{"before the first", nightly, day(-10, 0), day(0, 19), nights()},
		{"first", nightly, day(-10, 0), day(0, 20), nights(0)},
		{"late in the year", nightly, day(300, 3), day(301, 3), nights(299, 300)},
		{"at the horizon", nightly, day(366, 0), day(400, 0), nights(365, 366)},
		{"past the horizon", nightly, day(367, 8), day(400, 0), nights()},
		{"with COUNT, late", counted, day(290, 20), day(292, 20), nights(290, 291, 292)},
		{"with COUNT, past the end", counted, day(300, 8), day(310, 0), nights()},
		{"with COUNT, everything", counted, day(-1, 0), day(400, 0), nights(all300...)},
		{"long occurrence started days before the query", mondays, saturday40, saturday40.Add(time.Hour),
			[]Interval{{Start: week40, End: week40.AddDate(0, 0, 6)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.w.OccurrencesBetween(sh, tc.from, tc.to)
			if !slices.EqualFunc(got, tc.want, func(a, b Interval) bool {
				return a.Start.Equal(b.Start) && a.End.Equal(b.End)
			}) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// TestAnchor pins the skip-ahead used by OccurrencesBetween. Anchors are floating (wall-clock
// times coded as UTC).
func TestAnchor(t *testing.T) {
	t.Parallel()
	ny := mustLoc(t, "America/New_York")
	sh := DefaultLocation()
	wall := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, time.UTC) }
	tests := []struct {
		name      string
		loc       *time.Location
		start     time.Time
		rrule     string
		notBefore time.Time
		want      time.Time
	}{
		{"before start", sh, time.Date(2026, 12, 1, 19, 0, 0, 0, sh), "FREQ=DAILY",
			time.Date(2026, 11, 1, 0, 0, 0, 0, sh), wall(2026, 12, 1, 19, 0)},
		{"daily", sh, time.Date(2026, 12, 1, 19, 0, 0, 0, sh), "FREQ=DAILY",
			time.Date(2027, 3, 1, 0, 0, 0, 0, sh), wall(2027, 2, 28, 19, 0)},
		{"every third day keeps phase", sh, time.Date(2026, 12, 1, 19, 0, 0, 0, sh), "FREQ=DAILY;INTERVAL=3",
			time.Date(2026, 12, 20, 0, 0, 0, 0, sh), wall(2026, 12, 16, 19, 0)},
		{"fortnightly keeps phase", sh, time.Date(2026, 12, 1, 19, 0, 0, 0, sh), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR",
			time.Date(2027, 1, 20, 0, 0, 0, 0, sh), wall(2026, 12, 29, 19, 0)},
		{"COUNT disables skipping", sh, time.Date(2026, 12, 1, 19, 0, 0, 0, sh), "FREQ=DAILY;COUNT=200",
			time.Date(2027, 3, 1, 0, 0, 0, 0, sh), wall(2026, 12, 1, 19, 0)},
		{"monthly is not skipped", sh, time.Date(2026, 12, 1, 19, 0, 0, 0, sh), "FREQ=MONTHLY",
			time.Date(2027, 6, 1, 0, 0, 0, 0, sh), wall(2026, 12, 1, 19, 0)},
		// Floating times make a wall time inside the 2027-03-14 DST gap a fine anchor.
		{"DST gap", ny, time.Date(2026, 12, 1, 2, 30, 0, 0, ny), "FREQ=DAILY",
			time.Date(2027, 3, 15, 12, 0, 0, 0, ny), wall(2027, 3, 14, 2, 30)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := Window{Start: tc.start, End: tc.start.Add(time.Hour), RRule: tc.rrule}
			e, err := newExpansion(w, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.anchor(tc.notBefore); !got.Equal(tc.want) {
				t.Fatalf("anchor = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	ny := mustLoc(t, "America/New_York")
	lh := mustLoc(t, "Australia/Lord_Howe") // UTC+10:30, DST +11:00: a 30-minute shift east of UTC
	wall := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, time.UTC) }
	tests := []struct {
		name string
		loc  *time.Location
		wall time.Time
		want string
	}{
		{"ordinary", ny, wall(2027, 1, 10, 2, 30), "2027-01-10 02:30 EST"},
		{"just before a gap", ny, wall(2027, 3, 14, 1, 59), "2027-03-14 01:59 EST"},
		{"in the gap, west", ny, wall(2027, 3, 14, 2, 30), "2027-03-14 03:30 EDT"},
		{"after the gap", ny, wall(2027, 3, 14, 3, 0), "2027-03-14 03:00 EDT"},
		{"repeated hour, west", ny, wall(2026, 11, 1, 1, 30), "2026-11-01 01:30 EDT"},
		{"after the repeated hour", ny, wall(2026, 11, 1, 2, 0), "2026-11-01 02:00 EST"},
		{"in the gap, east", lh, wall(2026, 10, 4, 2, 15), "2026-10-04 02:45 +11"},
		{"repeated half hour, east", lh, wall(2027, 4, 4, 1, 45), "2027-04-04 01:45 +11"},
		{"shanghai", DefaultLocation(), wall(2027, 3, 14, 2, 30), "2027-03-14 02:30 CST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := resolve(tc.wall, tc.loc).Format("2006-01-02 15:04 MST"); got != tc.want {
				t.Fatalf("resolve(%v) = %s, want %s", tc.wall, got, tc.want)
			}
		})
	}
}

// TestOccurrencesBetweenMatchesOccurrences checks the skip-ahead against the full expansion for
// random windows, rules, zones (with and without DST, and Lord Howe's 30-minute DST) and queries.
// It also re-checks the expansion invariants for every valid window it generates.
func TestOccurrencesBetweenMatchesOccurrences(t *testing.T) {
	t.Parallel()
	zones := []*time.Location{
		DefaultLocation(), time.UTC, mustLoc(t, "America/New_York"), mustLoc(t, "Australia/Lord_Howe"),
	}
	days := []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	rapid.Check(t, func(t *rapid.T) {
		loc := rapid.SampledFrom(zones).Draw(t, "loc")
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).
			Add(time.Duration(rapid.IntRange(0, 2*365*24*60).Draw(t, "startMin")) * time.Minute).
			Add(time.Duration(rapid.SampledFrom([]int{0, 0, 0, 500}).Draw(t, "startMs")) * time.Millisecond)
		dur := time.Duration(rapid.OneOf(
			rapid.IntRange(1, 12*60), rapid.IntRange(1, 7*24*60)).Draw(t, "durMin")) * time.Minute

		var parts []string
		// Weighted towards DAILY/WEEKLY without COUNT, the rules OccurrencesBetween skips ahead on.
		freq := rapid.SampledFrom([]string{"DAILY", "WEEKLY", "DAILY", "WEEKLY", "MONTHLY"}).Draw(t, "freq")
		parts = append(parts, "FREQ="+freq)
		if n := rapid.IntRange(0, 3).Draw(t, "interval"); n > 0 {
			parts = append(parts, fmt.Sprintf("INTERVAL=%d", n))
		}
		if rapid.Bool().Draw(t, "byday") {
			sel := rapid.SliceOfNDistinct(rapid.SampledFrom(days), 1, 7, func(s string) string { return s }).Draw(t, "days")
			parts = append(parts, "BYDAY="+strings.Join(sel, ","))
			if freq == "WEEKLY" && rapid.Bool().Draw(t, "bysetpos") {
				// BYSETPOS picks from each week's set: the case where skipping ahead into the
				// middle of a week could go wrong.
				parts = append(parts, "BYSETPOS="+rapid.SampledFrom([]string{"1", "-1", "2"}).Draw(t, "setpos"))
			}
		}
		if freq == "WEEKLY" && rapid.Bool().Draw(t, "wkst") {
			parts = append(parts, "WKST="+rapid.SampledFrom(days).Draw(t, "wkstDay"))
		}
		if freq == "DAILY" && rapid.Bool().Draw(t, "byhour") {
			hours := rapid.SliceOfNDistinct(rapid.IntRange(0, 23), 1, 4, func(h int) int { return h }).Draw(t, "hours")
			slices.Sort(hours)
			parts = append(parts, "BYHOUR="+strings.Trim(strings.ReplaceAll(fmt.Sprint(hours), " ", ","), "[]"))
		}
		switch rapid.IntRange(0, 3).Draw(t, "bound") { // 0 and 3: unbounded
		case 1:
			parts = append(parts, fmt.Sprintf("COUNT=%d", rapid.IntRange(1, 400).Draw(t, "count")))
		case 2:
			until := start.Add(time.Duration(rapid.IntRange(-1, 366*24).Draw(t, "untilHours")) * time.Hour)
			parts = append(parts, "UNTIL="+until.UTC().Format("20060102T150405Z"))
		}
		rule := strings.Join(parts, ";")

		w, err := NewWindowIn(start, start.Add(dur), rule, loc)
		if err != nil {
			return // overlapping or beyond the horizon: nothing to compare
		}
		all := w.Occurrences(loc)
		checkInvariants(t, w, loc, all)

		from := start.Add(time.Duration(rapid.IntRange(-3*24*60, 370*24*60).Draw(t, "fromMin")) * time.Minute)
		to := from.Add(time.Duration(rapid.IntRange(0, 20*24*60).Draw(t, "lenMin")) * time.Minute)
		q := Interval{Start: from, End: to}
		var want []Interval
		for _, o := range all {
			if o.Overlaps(q) {
				want = append(want, o)
			}
		}
		got := w.OccurrencesBetween(loc, from, to)
		if !slices.EqualFunc(got, want, func(a, b Interval) bool {
			return a.Start.Equal(b.Start) && a.End.Equal(b.End)
		}) {
			t.Fatalf("rule %q in %v, query [%v, %v):\ngot  %v\nwant %v", rule, loc, from, to, got, want)
		}
	})
}

func benchWindow(b *testing.B, rule string) Window {
	b.Helper()
	start := time.Date(2026, 12, 1, 19, 0, 0, 0, DefaultLocation())
	w, err := NewWindow(start, start.Add(12*time.Hour), rule)
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// BenchmarkOccurrencesDaily366 expands "19:00–07:00 daily" over the full horizon (367
// occurrences).
func BenchmarkOccurrencesDaily366(b *testing.B) {
	w := benchWindow(b, "FREQ=DAILY")
	loc := DefaultLocation()
	b.ReportAllocs()
	for b.Loop() {
		if n := len(w.Occurrences(loc)); n != HorizonDays+1 {
			b.Fatalf("%d occurrences", n)
		}
	}
}

func BenchmarkOccurrencesWeekdays366(b *testing.B) {
	w := benchWindow(b, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")
	loc := DefaultLocation()
	b.ReportAllocs()
	for b.Loop() {
		_ = w.Occurrences(loc)
	}
}

func BenchmarkValidateDaily366(b *testing.B) {
	w := benchWindow(b, "FREQ=DAILY")
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Validate(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateNeverMatching measures the worst case: a rule with no further occurrences,
// for which rrule-go searches until it runs out of years.
func BenchmarkValidateNeverMatching(b *testing.B) {
	w := Window{Start: time.Date(2026, 12, 1, 19, 0, 0, 0, DefaultLocation())}
	w.End = w.Start.Add(time.Hour)
	w.RRule = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Validate(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOccurrencesBetweenLate queries one day about 300 days in: the skip-ahead path.
func BenchmarkOccurrencesBetweenLate(b *testing.B) {
	w := benchWindow(b, "FREQ=DAILY")
	from := w.Start.AddDate(0, 0, 300)
	b.ReportAllocs()
	for b.Loop() {
		_ = w.OccurrencesBetween(nil, from, from.AddDate(0, 0, 1))
	}
}

// BenchmarkOccurrencesBetweenLateCount is the same query on a COUNT rule, which must iterate
// from the start.
func BenchmarkOccurrencesBetweenLateCount(b *testing.B) {
	w := benchWindow(b, "FREQ=DAILY;COUNT=367")
	from := w.Start.AddDate(0, 0, 300)
	b.ReportAllocs()
	for b.Loop() {
		_ = w.OccurrencesBetween(nil, from, from.AddDate(0, 0, 1))
	}
}

func TestFractionalSecondsRefused(t *testing.T) {
	sh := DefaultLocation()
	start := time.Date(2026, 12, 1, 19, 0, 0, 0, sh)
	for _, tc := range []struct {
		name       string
		start, end time.Time
		field      string
	}{
		{"start", start.Add(250 * time.Millisecond), start.Add(time.Hour), FieldStart},
		{"end", start, start.Add(time.Hour + time.Nanosecond), FieldEnd},
	} {
		_, err := NewWindowIn(tc.start, tc.end, "FREQ=DAILY;COUNT=3", sh)
		fe, ok := err.(*FieldError)
		if !ok || fe.Field != tc.field || fe.Code != CodeFractionalSeconds {
			t.Errorf("%s: got %v, want a %s error on %s", tc.name, err, CodeFractionalSeconds, tc.field)
		}
	}
}
