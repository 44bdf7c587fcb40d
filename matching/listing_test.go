package matching

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"
)

var t0 = time.Date(2030, 3, 4, 0, 0, 0, 0, time.UTC)

// at returns t0 plus h hours.
func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func iv(from, to float64) Interval { return Interval{Start: at(from), End: at(to)} }

func TestNormalizeSpans(t *testing.T) {
	got := normalizeSpans([]Interval{iv(5, 6), iv(1, 2), iv(1.5, 3), iv(4, 4), iv(8, 7), iv(3, 3.5)})
	want := []span{{spanTime(at(1)), spanTime(at(3.5))}, {spanTime(at(5)), spanTime(at(6))}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v, want %v", got, want)
	}
	// Times outside the nanosecond range are clamped, not wrapped.
	far := normalizeSpans([]Interval{{Start: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), End: at(0)}})
	if len(far) != 1 || far[0].start != math.MinInt64 {
		t.Fatalf("far past not clamped: %v", far)
	}
}

func TestOverlapDurationMatchesCounting(t *testing.T) {
	// On an hourly grid, the overlap is the number of hours covered by
	// both lists, which a plain count over the grid gives independently.
	rapid.Check(t, func(t *rapid.T) {
		draw := func(name string) ([]Interval, [48]bool) {
			var covered [48]bool
			var occ []Interval
			for range rapid.IntRange(0, 6).Draw(t, name+"Count") {
				a := rapid.IntRange(0, 47).Draw(t, name+"Start")
				b := rapid.IntRange(a, 48).Draw(t, name+"End")
				occ = append(occ, iv(float64(a), float64(b)))
				for h := a; h < b; h++ {
					covered[h] = true
				}
			}
			return occ, covered
		}
		a, ca := draw("a")
		b, cb := draw("b")
		var hours int64
		for h := range 48 {
			if ca[h] && cb[h] {
				hours++
			}
		}
		got := overlapDuration(normalizeSpans(a), normalizeSpans(b))
		if got != hours*int64(time.Hour) {
			t.Fatalf("overlap %v, want %d hours", time.Duration(got), hours)
		}
	})
}

func TestDistanceKm(t *testing.T) {
	paris, london := newPoint(48.8566, 2.3522), newPoint(51.5074, -0.1278)
	if d := distanceKm(&paris, &london); math.Abs(d-343.5) > 0.5 {
		t.Fatalf("Paris–London %.1f km, want about 343.5", d)
	}
	// Across the antimeridian the short way round.
	a, b := newPoint(0, 179.9), newPoint(0, -179.9)
	if d := distanceKm(&a, &b); math.Abs(d-22.24) > 0.01 {
		t.Fatalf("across the antimeridian %.3f km, want about 22.24", d)
	}
}

func TestBoundingBoxContainsCircle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := newPoint(rapid.Float64Range(-89.9, 89.9).Draw(t, "lat"), rapid.Float64Range(-180, 180).Draw(t, "lng"))
		r := rapid.Float64Range(0, 500).Draw(t, "radius")
		// Draw points around the circle's edge, where the box is tight.
		span := r/kmPerDegreeLat*1.1 + 1e-9
		plat := c.lat + rapid.Float64Range(-span, span).Draw(t, "dlat")
		plng := c.lng + rapid.Float64Range(-span, span).Draw(t, "dlng")/max(c.cosLat, 0.01)
		if plat < -90 || plat > 90 {
			return
		}
		plng = math.Remainder(plng, 360)
		p := newPoint(plat, plng)
		if distanceKm(&c, &p) > r {
			return
		}
		latLo, latHi, dLng, full := boundingBox(c, r)
		if p.lat < latLo || p.lat > latHi {
			t.Fatalf("lat %v outside [%v, %v]", p.lat, latLo, latHi)
		}
		if full {
			return
		}
		diff := math.Abs(math.Remainder(p.lng-c.lng, 360))
		if diff > dLng {
			t.Fatalf("lng offset %v beyond %v", diff, dLng)
		}
	})
}

func TestTimeMaskNeverHidesOverlap(t *testing.T) {
	// The index rejects pairs whose bucket masks are disjoint, so any real
	// overlap must show up as a shared bucket.
	rapid.Check(t, func(t *rapid.T) {
		drawSpans := func(name string) []span {
			var occ []Interval
			for range rapid.IntRange(1, 5).Draw(t, name+"Count") {
				a := rapid.Float64Range(-50, 400).Draw(t, name+"Start")
				occ = append(occ, iv(a, a+rapid.Float64Range(0.001, 30).Draw(t, name+"Hours")))
			}
			if rapid.IntRange(0, 9).Draw(t, name+"Extreme") == 0 {
				occ = append(occ, Interval{Start: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), End: at(-100)})
			}
			return normalizeSpans(occ)
		}
		indexed := []record{{spans: drawSpans("a")}, {spans: drawSpans("b")}}
		tb := newTimeBuckets(indexed)
		query := drawSpans("q")
		for _, r := range indexed {
			if overlapDuration(query, r.spans) > 0 && tb.mask(query)&tb.mask(r.spans) == 0 {
				t.Fatalf("overlap hidden: query %v record %v buckets %+v", query, r.spans, tb)
			}
		}
	})
}
