package schedule

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// base is an arbitrary instant; the interval tests only care about relative positions, so times
// are written as minute offsets from it.
var base = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func at(min int) time.Time { return base.Add(time.Duration(min) * time.Minute) }

func iv(from, to int) Interval { return Interval{Start: at(from), End: at(to)} }

func TestIntervalPredicates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		a, b          Interval
		overlaps      bool
		aContainsB    bool
		durationOfA   time.Duration
		emptyA        bool
		overlapsSwap  bool // b.Overlaps(a), which must always equal overlaps
		bContainsAExp bool
	}{
		{"disjoint", iv(0, 10), iv(20, 30), false, false, 10 * time.Minute, false, false, false},
		{"touching", iv(0, 10), iv(10, 20), false, false, 10 * time.Minute, false, false, false},
		{"partial", iv(0, 10), iv(5, 15), true, false, 10 * time.Minute, false, true, false},
		{"nested", iv(0, 30), iv(10, 20), true, true, 30 * time.Minute, false, true, false},
		{"equal", iv(0, 10), iv(0, 10), true, true, 10 * time.Minute, false, true, true},
		{"same start", iv(0, 10), iv(0, 5), true, true, 10 * time.Minute, false, true, false},
		{"same end", iv(0, 10), iv(5, 10), true, true, 10 * time.Minute, false, true, false},
		{"empty inside", iv(0, 10), iv(5, 5), false, true, 10 * time.Minute, false, false, false},
		{"empty a", iv(5, 5), iv(0, 10), false, false, 0, true, false, true},
		{"reversed a", iv(10, 0), iv(0, 10), false, false, -10 * time.Minute, true, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.a.Overlaps(tc.b); got != tc.overlaps {
				t.Errorf("Overlaps = %v, want %v", got, tc.overlaps)
			}
			if got := tc.b.Overlaps(tc.a); got != tc.overlapsSwap {
				t.Errorf("swapped Overlaps = %v, want %v", got, tc.overlapsSwap)
			}
			if got := tc.a.Contains(tc.b); got != tc.aContainsB {
				t.Errorf("Contains = %v, want %v", got, tc.aContainsB)
			}
			if got := tc.b.Contains(tc.a); got != tc.bContainsAExp {
				t.Errorf("swapped Contains = %v, want %v", got, tc.bContainsAExp)
			}
			if got := tc.a.Duration(); got != tc.durationOfA {
				t.Errorf("Duration = %v, want %v", got, tc.durationOfA)
			}
			if got := tc.a.Empty(); got != tc.emptyA {
				t.Errorf("Empty = %v, want %v", got, tc.emptyA)
			}
		})
	}
}

func TestWithin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		outer []Interval
		inner []Interval
		want  *Interval
	}{
		{"both empty", nil, nil, nil},
		{"no inner", []Interval{iv(0, 10)}, nil, nil},
		{"no outer", nil, []Interval{iv(0, 1)}, &Interval{at(0), at(1)}},
		{"exact fit", []Interval{iv(0, 10)}, []Interval{iv(0, 10)}, nil},
		{"inside", []Interval{iv(0, 10)}, []Interval{iv(2, 3), iv(4, 10)}, nil},
		{"sticks out at end", []Interval{iv(0, 10)}, []Interval{iv(2, 3), iv(5, 11)}, &Interval{at(5), at(11)}},
		{"starts before", []Interval{iv(5, 10)}, []Interval{iv(4, 6)}, &Interval{at(4), at(6)}},
		{"in the gap", []Interval{iv(0, 10), iv(20, 30)}, []Interval{iv(12, 15)}, &Interval{at(12), at(15)}},
		{"straddles touching outers", []Interval{iv(0, 10), iv(10, 20)}, []Interval{iv(5, 15)}, &Interval{at(5), at(15)}},
		{"straddles overlapping outers", []Interval{iv(0, 12), iv(8, 20)}, []Interval{iv(5, 15)}, &Interval{at(5), at(15)}},
		{"second of overlapping outers fits", []Interval{iv(0, 12), iv(4, 20)}, []Interval{iv(5, 15)}, nil},
		{"early long outer covers later inners", []Interval{iv(0, 100), iv(10, 20), iv(30, 40)},
			[]Interval{iv(15, 25), iv(35, 90)}, nil},
		{"each inner in its own outer", []Interval{iv(0, 10), iv(20, 30), iv(40, 50)},
			[]Interval{iv(1, 2), iv(20, 30), iv(45, 50)}, nil},
		{"later inner fails", []Interval{iv(0, 10), iv(20, 30)},
			[]Interval{iv(1, 2), iv(25, 31)}, &Interval{at(25), at(31)}},
		{"empty inner at outer end", []Interval{iv(0, 10)}, []Interval{iv(10, 10)}, nil},
		{"reversed inner", []Interval{iv(0, 10)}, []Interval{iv(6, 4)}, &Interval{at(6), at(4)}},
		{"unsorted input", []Interval{iv(20, 30), iv(0, 10)},
			[]Interval{iv(25, 26), iv(5, 12), iv(1, 2)}, &Interval{at(5), at(12)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Within(tc.outer, tc.inner)
			switch {
			case got == nil && tc.want == nil:
			case got == nil || tc.want == nil || *got != *tc.want:
				t.Fatalf("Within = %v, want %v", got, tc.want)
			}
		})
	}
}

// minuteInterval draws an interval with minute-aligned ends, possibly empty or reversed.
func minuteInterval(t *rapid.T, label string) Interval {
	a := rapid.IntRange(0, 60).Draw(t, label+".start")
	l := rapid.IntRange(-2, 20).Draw(t, label+".len") // negative: reversed
	return iv(a, a+l)
}

func byStart(a, b Interval) int { return a.Start.Compare(b.Start) }

func TestWithinMatchesBruteForce(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.Custom(func(t *rapid.T) Interval { return minuteInterval(t, "iv") })
		outer := rapid.SliceOfN(gen, 0, 6).Draw(t, "outer")
		inner := rapid.SliceOfN(gen, 0, 6).Draw(t, "inner")
		if rapid.Bool().Draw(t, "sorted") {
			slices.SortStableFunc(outer, byStart)
			slices.SortStableFunc(inner, byStart)
		}
		// Reference: quadratic search over the stably sorted inner list.
		sortedInner := slices.Clone(inner)
		slices.SortStableFunc(sortedInner, byStart)
		var want *Interval
		for _, in := range sortedInner {
			if !slices.ContainsFunc(outer, func(o Interval) bool { return o.Contains(in) }) {
				want = &in
				break
			}
		}
		got := Within(outer, inner)
		if (got == nil) != (want == nil) || got != nil && *got != *want {
			t.Fatalf("Within(%v, %v) = %v, want %v", outer, inner, got, want)
		}
	})
}

func wi(from, to int, qty int64) WeightedInterval {
	return WeightedInterval{Start: at(from), End: at(to), Qty: qty}
}

func TestPeaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		intervals []WeightedInterval
		within    Interval
		want      int64
	}{
		{"nothing", nil, iv(0, 10), 0},
		{"empty within", []WeightedInterval{wi(0, 10, 5)}, iv(5, 5), 0},
		{"single", []WeightedInterval{wi(2, 4, 3)}, iv(0, 10), 3},
		{"back to back do not add", []WeightedInterval{wi(0, 5, 2), wi(5, 10, 3)}, iv(0, 10), 3},
		{"overlap adds", []WeightedInterval{wi(0, 6, 2), wi(5, 10, 3)}, iv(0, 10), 5},
		{"same start same end", []WeightedInterval{wi(1, 3, 1), wi(1, 3, 1), wi(1, 3, 1)}, iv(0, 10), 3},
		{"peak outside within ignored", []WeightedInterval{wi(0, 5, 1), wi(2, 4, 10), wi(4, 9, 1)}, iv(4, 10), 2},
		{"interval ending at within start ignored", []WeightedInterval{wi(0, 5, 7)}, iv(5, 10), 0},
		{"interval starting at within end ignored", []WeightedInterval{wi(10, 15, 7)}, iv(5, 10), 0},
		{"clipped to within", []WeightedInterval{wi(0, 100, 4)}, iv(10, 20), 4},
		{"empty and reversed intervals ignored", []WeightedInterval{wi(3, 3, 9), wi(5, 2, 9)}, iv(0, 10), 0},
		{"unsorted input", []WeightedInterval{wi(8, 9, 1), wi(0, 10, 1), wi(3, 9, 1)}, iv(0, 10), 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Peaks(tc.intervals, []Interval{tc.within})[0]; got != tc.want {
				t.Fatalf("Peaks = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestPeaksMatchesBruteForce compares the sweep with evaluating every instant, over several
// disjoint intervals at once. All boundaries are whole minutes, so the total is constant on each
// [k, k+1) minute and checking the instants at whole minutes covers every instant.
func TestPeaksMatchesBruteForce(t *testing.T) {
	t.Parallel()
	sumAt := func(intervals []WeightedInterval, instant time.Time) int64 {
		var s int64
		for _, w := range intervals {
			if !instant.Before(w.Start) && instant.Before(w.End) {
				s += w.Qty
			}
		}
		return s
	}
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.Custom(func(t *rapid.T) WeightedInterval {
			a := rapid.IntRange(0, 30).Draw(t, "start")
			b := rapid.IntRange(0, 30).Draw(t, "end") // may be ≤ start: must be ignored
			q := rapid.Int64Range(1, 5).Draw(t, "qty")
			return wi(a, b, q)
		})
		intervals := rapid.SliceOfN(gen, 0, 12).Draw(t, "intervals")
		var within []Interval
		for k, n := rapid.IntRange(-2, 4).Draw(t, "first"), rapid.IntRange(0, 4).Draw(t, "n"); len(within) < n; {
			length := rapid.IntRange(1, 8).Draw(t, "len")
			within = append(within, iv(k, k+length))
			k += length + rapid.IntRange(0, 3).Draw(t, "gap")
		}
		got := Peaks(intervals, within)
		for x, w := range within {
			var want int64
			for m := w.Start; m.Before(w.End); m = m.Add(time.Minute) {
				want = max(want, sumAt(intervals, m))
			}
			if got[x] != want {
				t.Fatalf("Peaks(%v)[%d] = %d, brute force = %d", w, x, got[x], want)
			}
		}
	})
}

func BenchmarkPeaks1000(b *testing.B) {
	intervals := make([]WeightedInterval, 1000)
	for i := range intervals {
		intervals[i] = wi(i*7%1440, i*7%1440+90, int64(i%4+1))
	}
	within := []Interval{iv(0, 1440+90)}
	for b.Loop() {
		_ = Peaks(intervals, within)
	}
}
