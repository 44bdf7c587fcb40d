package schedule

import (
	"time"

	"github.com/teambition/rrule-go"
)

// Expansion semantics (the choices behind Occurrences):
//
//   - The first occurrence is exactly [Start, End), whether or not Start matches the rule, and it
//     counts toward COUNT, as RFC 5545 specifies. (rrule-go follows python-dateutil and would
//     drop an unmatched DTSTART; we add it back and lower COUNT by one.)
//   - The rule is evaluated on wall-clock ("floating") date-times in the zone, so BYDAY and
//     friends see local dates and 19:00 stays 19:00 across DST changes. Each occurrence keeps
//     the first occurrence's wall-clock duration: 19:00–07:00 stays 19:00–07:00, so on a DST
//     night the absolute length is 11 or 13 hours.
//   - Wall-clock times are turned into instants as RFC 5545 §3.3.5 prescribes: a time repeated
//     by a fall-back means its first (daylight-time) instance, and a time skipped by a
//     spring-forward is read with the offset from before the gap, i.e. it moves forward by the
//     gap (02:30 becomes 03:30). Go's time.Date leaves both cases unspecified (and resolves them
//     differently east and west of Greenwich), so we resolve them ourselves. If the wall-clock
//     end would not fall after the start (possible only for a first occurrence shorter than a
//     fall-back overlap), the absolute duration is used instead.
//   - UNTIL is inclusive and compared as an instant with each occurrence's start.
//   - No occurrence starts after the horizon: HorizonDays calendar days after Start at the same
//     wall-clock time. Rules without COUNT/UNTIL are truncated there; Validate rejects explicit
//     bounds beyond it. An occurrence exactly at the horizon is kept, so an unbounded daily rule
//     yields HorizonDays+1 occurrences.
//   - rrule-go works at second precision; a sub-second part of Start is carried over to every
//     occurrence so the first one is still exactly Start.

// maxOffsetChange bounds how far a zone's UTC offset can jump at one transition (Samoa skipped a
// whole day in 2011). It sizes the neighbourhood in which wall-clock resolution looks for
// transitions and the slack given to UNTIL before exact filtering.
const maxOffsetChange = 48 * time.Hour

// rrule-go gives up iterating after this year. A rule that never matches again (say
// BYMONTH=2;BYMONTHDAY=30) makes it search all the way there, which from 2026 takes ~0.2 s for
// DAILY. rruleCycleYears is the Gregorian cycle: the calendar repeats exactly every 400 years
// (146097 days, a whole number of weeks), so moving floating times by a multiple of it changes
// no weekday, leap day, week number or month length. Iterating with everything moved to within
// one cycle of rruleMaxYear therefore gives identical results while capping that fruitless
// search at 400 years (about 20× cheaper).
const (
	rruleMaxYear    = 9999
	rruleCycleYears = 400
)

// expansion is a window prepared for expansion in one zone. Times named wall* are "floating":
// wall-clock readings in loc stored as UTC, so rrule-go does pure calendar arithmetic on them.
type expansion struct {
	loc         *time.Location
	first       Interval       // exactly the window's [Start, End), in loc
	wallStart   time.Time      // Start's wall clock (floating)
	wallDur     time.Duration  // End − Start as read on wall clocks in loc
	frac        time.Duration  // sub-second part of Start, which rrule-go truncates away
	dtstart     time.Time      // wallStart truncated to the second: the rule's DTSTART
	wallHorizon time.Time      // latest allowed wall-clock start (floating)
	until       time.Time      // the rule's UNTIL as an instant; zero if none
	opt         *rrule.ROption // unshifted; Dtstart and Until are set per iteration
	bounded     bool           // the rule has an explicit COUNT or UNTIL
	shiftYears  int            // multiple of rruleCycleYears added to times handed to rrule-go
}

func newExpansion(w Window, loc *time.Location) (*expansion, error) {
	if err := w.checkTimes(loc); err != nil {
		return nil, err
	}
	start, end := w.Start.In(loc), w.End.In(loc)
	e := &expansion{
		loc:       loc,
		first:     Interval{Start: start, End: end},
		wallStart: wallClock(start),
	}
	e.wallDur = wallClock(end).Sub(e.wallStart)
	e.dtstart = e.wallStart.Truncate(time.Second)
	e.frac = e.wallStart.Sub(e.dtstart)
	e.wallHorizon = e.wallStart.AddDate(0, 0, HorizonDays)
	e.shiftYears = (rruleMaxYear - e.wallHorizon.Year()) / rruleCycleYears * rruleCycleYears

	norm := normalizeRRule(w.RRule)
	if norm == "" {
		return e, nil
	}
	opt, err := parseRRule(norm, loc)
	if err != nil {
		return nil, err
	}
	opt.Dtstart = e.dtstart
	e.bounded = opt.Count > 0 || !opt.Until.IsZero()
	if !opt.Until.IsZero() {
		// rrule-go compares UNTIL with our floating times, where DST makes the comparison
		// off by up to an offset change; give it slack and filter exactly by instant.
		e.until = opt.Until
		opt.Until = wallClock(opt.Until.In(loc)).Add(maxOffsetChange)
	}
	e.opt = opt
	if opt.Count > 0 {
		next, err := e.iterate(e.dtstart, opt.Until)
		if err != nil {
			return nil, err
		}
		if t, ok := next(); !ok || !t.Equal(e.dtstart) {
			// Start is not an occurrence of the rule but is still the first occurrence and
			// counts toward COUNT, so the rule itself may produce one fewer.
			opt.Count--
			if opt.Count == 0 {
				e.opt = nil
			}
		}
	}
	return e, nil
}

// iterate runs the rule from the floating dtstart, stopping after the floating until (if not
// zero), and returns its floating occurrence times. See rruleCycleYears for the shift.
func (e *expansion) iterate(dtstart, until time.Time) (func() (time.Time, bool), error) {
	opt := *e.opt
	opt.Dtstart = dtstart.AddDate(e.shiftYears, 0, 0)
	opt.Until = time.Time{}
	if !until.IsZero() {
		opt.Until = until.AddDate(e.shiftYears, 0, 0)
	}
	r, err := rrule.NewRRule(opt)
	if err != nil {
		return nil, fieldErr(FieldRRule, CodeInvalidRRule, "invalid rrule: %v", err)
	}
	next := r.Iterator()
	return func() (time.Time, bool) {
		t, ok := next()
		return t.AddDate(-e.shiftYears, 0, 0), ok
	}, nil
}

// checkTimes validates Start and End; see Validate.
func (w Window) checkTimes(loc *time.Location) error {
	for _, f := range []struct {
		name string
		t    time.Time
	}{{FieldStart, w.Start}, {FieldEnd, w.End}} {
		if f.t.IsZero() {
			return fieldErr(f.name, CodeInvalid, "%s is required", f.name)
		}
		// rrule-go cannot iterate past year 9999; the lower bound rejects bogus client clocks.
		if y := f.t.In(loc).Year(); y < 1970 || y > 9000 {
			return fieldErr(f.name, CodeInvalid, "%s year %d is outside 1970–9000", f.name, y)
		}
		// Holds are kept in whole seconds; a fractional boundary would be rounded into an
		// overlap (or a gap) that the capacity check cannot see.
		if f.t.Nanosecond() != 0 {
			return fieldErr(f.name, CodeFractionalSeconds, "%s must be a whole second (no fraction)", f.name)
		}
	}
	if !w.End.After(w.Start) {
		return fieldErr(FieldEnd, CodeEndBeforeStart, "end must be after start")
	}
	if d := w.End.Sub(w.Start); d > MaxWindowLength {
		return fieldErr(FieldEnd, CodeTooLong, "a window may last at most %s, this one lasts %s",
			MaxWindowLength, d)
	}
	return nil
}

// wallClock returns t's wall-clock reading as a floating (UTC-coded) time, so that subtracting
// two of them measures wall-clock rather than elapsed duration.
func wallClock(t time.Time) time.Time {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, t.Nanosecond(), time.UTC)
}

// resolve turns a floating wall-clock time into an instant in loc following RFC 5545 §3.3.5: a
// repeated wall time means its first instance, a skipped one is read with the offset from before
// the gap.
func resolve(wall time.Time, loc *time.Location) time.Time {
	y, m, d := wall.Date()
	hh, mm, ss := wall.Clock()
	t := time.Date(y, m, d, hh, mm, ss, wall.Nanosecond(), loc)
	zoneStart, zoneEnd := t.ZoneBounds()
	if (zoneStart.IsZero() || t.Sub(zoneStart) > maxOffsetChange) &&
		(zoneEnd.IsZero() || zoneEnd.Sub(t) > maxOffsetChange) {
		return t // no transition nearby: the wall time exists exactly once
	}
	// Near a transition the only offsets that can apply are those in effect on either side.
	// Each gives a candidate instant wall − offset; it is valid if it reads back as wall.
	var earliestValid, latest time.Time
	for _, probe := range []time.Time{t.Add(-maxOffsetChange), t, t.Add(maxOffsetChange)} {
		_, off := probe.Zone()
		c := wall.Add(-time.Duration(off) * time.Second).In(loc)
		if wallClock(c).Equal(wall) && (earliestValid.IsZero() || c.Before(earliestValid)) {
			earliestValid = c
		}
		if latest.IsZero() || c.After(latest) {
			latest = c
		}
	}
	if !earliestValid.IsZero() {
		return earliestValid
	}
	// In a gap the pre-gap offset is the smaller one, so wall − offset is the later candidate.
	return latest
}

// civilDay numbers a floating time's calendar date in days since 1970-01-01.
func civilDay(wall time.Time) int {
	return int(wall.Truncate(24*time.Hour).Unix() / 86400)
}

// occurrence returns the occurrence whose start has wall-clock reading wall (with frac added).
func (e *expansion) occurrence(wall time.Time) Interval {
	if wall.Equal(e.wallStart) {
		return e.first // exact, even if Start is the second instance of a repeated hour
	}
	s := resolve(wall, e.loc)
	end := resolve(wall.Add(e.wallDur), e.loc)
	if !end.After(s) {
		end = s.Add(e.first.Duration())
	}
	return Interval{Start: s, End: end}
}

// walk calls yield with occurrences in order of their wall-clock start until yield returns false
// or the rule ends: first the window's own [Start, End), then the rule's, from an anchor at or
// before notBefore (occurrences between Start and the anchor are skipped) and honouring UNTIL.
// With clamp, the rule stops at the horizon; without it the caller must stop, which check uses
// to detect explicit bounds past the horizon. The wall-clock start is passed along for horizon
// checks.
func (e *expansion) walk(notBefore time.Time, clamp bool, yield func(wall time.Time, iv Interval) bool) {
	if !yield(e.wallStart, e.first) || e.opt == nil {
		return
	}
	until := e.opt.Until
	if clamp && (until.IsZero() || until.After(e.wallHorizon)) {
		// Lets rrule-go stop by itself at the first match past the horizon.
		until = e.wallHorizon
	}
	next, err := e.iterate(e.anchor(notBefore), until)
	if err != nil {
		return // unreachable: the same options passed NewRRule in parseRRule
	}
	for {
		t, ok := next()
		if !ok {
			return
		}
		if t.Equal(e.dtstart) {
			continue // Start itself, already yielded
		}
		wall := t.Add(e.frac)
		iv := e.occurrence(wall)
		if !e.until.IsZero() && iv.Start.After(e.until) {
			continue // inside the UNTIL slack; rrule-go stops shortly
		}
		if !yield(wall, iv) {
			return
		}
	}
}

// anchor returns the floating DTSTART to iterate from so that occurrences long before notBefore
// are not generated. rrule-go has no skip-ahead (even its Between walks from DTSTART), so for a
// narrow query late in the year we move DTSTART forward ourselves by whole periods of the rule.
//
// That is only equivalent for DAILY and WEEKLY rules without COUNT: a whole number of periods
// keeps the INTERVAL phase, the weekday and (for WEEKLY) the WKST week alignment, while BYMONTH,
// BYMONTHDAY, BYYEARDAY and BYWEEKNO are evaluated per calendar date and are unaffected. COUNT
// counts from the original DTSTART, and MONTHLY/YEARLY rules have at most a dozen periods within
// the horizon, so those iterate from the start.
//
// One subtlety: rrule-go builds the anchor's own week only from the anchor's weekday on, so
// WEEKLY BYSETPOS may pick differently in that one week. The anchor is at least a whole period
// before notBefore, so that week ends before notBefore and callers that pass notBefore = from −
// (window length + slack) filter those occurrences out as non-overlapping.
func (e *expansion) anchor(notBefore time.Time) time.Time {
	interval := max(e.opt.Interval, 1)
	var period int
	switch {
	case e.opt.Count > 0:
		return e.dtstart
	case e.opt.Freq == rrule.DAILY:
		period = interval
	case e.opt.Freq == rrule.WEEKLY:
		period = 7 * interval
	default:
		return e.dtstart
	}
	// One period short of notBefore's date keeps the anchor before it.
	k := (civilDay(wallClock(notBefore.In(e.loc)))-civilDay(e.dtstart))/period - 1
	if k <= 0 {
		return e.dtstart
	}
	return e.dtstart.AddDate(0, 0, k*period)
}

// check expands the whole window once, enforcing the horizon on explicit bounds, MaxOccurrences
// and non-overlap of successive occurrences.
func (e *expansion) check() error {
	var (
		n    int
		prev Interval
		bad  *FieldError
	)
	e.walk(e.dtstart, false, func(wall time.Time, cur Interval) bool {
		if wall.After(e.wallHorizon) {
			if e.bounded {
				bad = fieldErr(FieldRRule, CodeBeyondHorizon,
					"the rule has an occurrence at %s, more than %d days after start; occurrences must start by %s (omit UNTIL/COUNT to repeat up to that date)",
					cur.Start.Format(time.RFC3339), HorizonDays, resolve(e.wallHorizon, e.loc).Format(time.RFC3339))
			}
			return false
		}
		n++
		if n > MaxOccurrences {
			bad = fieldErr(FieldRRule, CodeTooManyOccurrences,
				"the rule expands to more than %d occurrences", MaxOccurrences)
			return false
		}
		// Touching is fine (half-open); starting before the previous one ends is not. This
		// also rejects the out-of-order starts DST gap resolution can produce.
		if n > 1 && cur.Start.Before(prev.End) {
			bad = fieldErr(FieldRRule, CodeOverlappingOccurrences,
				"the occurrence starting %s begins before the one starting %s ends at %s",
				cur.Start.Format(time.RFC3339), prev.Start.Format(time.RFC3339), prev.End.Format(time.RFC3339))
			return false
		}
		prev = cur
		return true
	})
	if bad != nil {
		return bad
	}
	return nil
}

// sizeHint estimates how many occurrences a full expansion yields, so Occurrences can allocate
// once: growing the slice accounted for about a quarter of expansion time in benchmarks. It is an
// upper bound for plain DAILY/WEEKLY rules and a guess otherwise.
func (e *expansion) sizeHint() int {
	if e.opt == nil {
		return 1
	}
	perPeriod := max(1, len(e.opt.Byhour)) * max(1, len(e.opt.Byminute)) * max(1, len(e.opt.Bysecond))
	interval := max(1, e.opt.Interval)
	var n int
	switch e.opt.Freq {
	case rrule.DAILY:
		n = (HorizonDays/interval + 1) * perPeriod
	case rrule.WEEKLY:
		n = (HorizonDays/(7*interval) + 1) * max(1, len(e.opt.Byweekday)) * perPeriod
	default:
		n = 16
	}
	if e.opt.Count > 0 {
		n = min(n, e.opt.Count+1)
	}
	return min(n, MaxOccurrences)
}

// Occurrences returns every occurrence of w in loc (nil means DefaultLocation), in ascending
// order; the first is [Start, End). See the package documentation for the horizon and the
// wall-clock/DST rules. Times are in loc.
//
// It returns nil if w is not valid (Validate would fail on start, end or rrule). It does not
// re-check overlaps or MaxOccurrences (it stops at MaxOccurrences), which Validate guarantees
// only for the zone it ran in.
func (w Window) Occurrences(loc *time.Location) []Interval {
	e, err := newExpansion(w, locOrDefault(loc))
	if err != nil {
		return nil
	}
	out := make([]Interval, 0, e.sizeHint())
	e.walk(e.dtstart, true, func(wall time.Time, iv Interval) bool {
		if wall.After(e.wallHorizon) || len(out) == MaxOccurrences {
			return false
		}
		out = append(out, iv)
		return true
	})
	return out
}

// OccurrencesBetween returns, in ascending order, the occurrences of w in loc that overlap the
// half-open range [from, to) — the same ones Occurrences would, filtered — or nil if none do or
// w is not valid. For DAILY and WEEKLY rules without COUNT it starts iterating shortly before
// from (the window length plus two days, which covers any zone offset change) rather than at
// Start, and it always stops at to, so narrow queries stay cheap late in the year.
func (w Window) OccurrencesBetween(loc *time.Location, from, to time.Time) []Interval {
	q := Interval{Start: from, End: to}
	if q.Empty() {
		return nil
	}
	e, err := newExpansion(w, locOrDefault(loc))
	if err != nil {
		return nil
	}
	margin := max(e.wallDur, e.first.Duration()) + maxOffsetChange
	var out []Interval
	e.walk(from.Add(-margin), true, func(wall time.Time, iv Interval) bool {
		if wall.After(e.wallHorizon) || !iv.Start.Before(to) || len(out) == MaxOccurrences {
			return false
		}
		if iv.Overlaps(q) {
			out = append(out, iv)
		}
		return true
	})
	return out
}

// Span returns the interval from the first occurrence's start to the latest occurrence end, in
// loc (nil means DefaultLocation): a cheap superset to store and index for range queries. It
// returns the zero Interval if w is not valid.
func (w Window) Span(loc *time.Location) Interval {
	occ := w.Occurrences(loc)
	if len(occ) == 0 {
		return Interval{}
	}
	span := occ[0]
	for _, o := range occ[1:] {
		if o.End.After(span.End) {
			span.End = o.End
		}
	}
	return span
}
