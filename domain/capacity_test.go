package domain

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/gongjian/gongjian/domain/schedule"
)

// The sweep behind the capacity invariant agrees with the brute-force-tested
// schedule.MaxConcurrent on random holds and disjoint occurrences.
func TestPeaksMatchMaxConcurrent(t *testing.T) {
	t.Parallel()
	base := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 12).Draw(t, "holds")
		holds := make([]Hold, n)
		weighted := make([]schedule.WeightedInterval, n)
		for i := range holds {
			s := rapid.IntRange(0, 50).Draw(t, "start")
			e := s + rapid.IntRange(1, 20).Draw(t, "len")
			q := int64(rapid.IntRange(1, 5).Draw(t, "q"))
			holds[i] = Hold{Start: at(s), End: at(e), Quantity: q}
			weighted[i] = schedule.WeightedInterval{Start: at(s), End: at(e), Qty: q}
		}
		var occs []schedule.Interval
		for cur := rapid.IntRange(0, 5).Draw(t, "first"); cur < 70; {
			l := rapid.IntRange(1, 15).Draw(t, "olen")
			occs = append(occs, schedule.Interval{Start: at(cur), End: at(cur + l)})
			cur += l + rapid.IntRange(0, 10).Draw(t, "gap")
		}
		got := peaks(steps(holds, nil), occs)
		for k, o := range occs {
			if want := schedule.MaxConcurrent(weighted, o); got[k] != want {
				t.Fatalf("occurrence %d: peak %d, want %d", k, got[k], want)
			}
		}
	})
}
