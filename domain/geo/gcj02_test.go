package geo

import (
	"math"
	"testing"
)

func TestWGS84ToGCJ02KnownValue(t *testing.T) {
	t.Parallel()
	// Reference pairs produced by widely used independent implementations of the published
	// transform; agreement to ~1e-9° shows the constants and terms are transcribed correctly.
	tests := []struct {
		name string
		wgs  Point
		gcj  Point
		tol  float64
	}{
		{"tiananmen", Point{39.915, 116.404}, Point{39.91640428150164, 116.41024449916938}, 1e-9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := WGS84ToGCJ02(tc.wgs)
			if math.Abs(got.Lat-tc.gcj.Lat) > tc.tol || math.Abs(got.Lng-tc.gcj.Lng) > tc.tol {
				t.Fatalf("WGS84ToGCJ02(%v) = %v, want %v", tc.wgs, got, tc.gcj)
			}
		})
	}
}

func TestGCJ02ToWGS84KnownValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		gcj  Point
		wgs  Point
		tol  float64
	}{
		// The reference is only published to five decimals, hence the tolerance.
		{"heilongjiang", Point{45, 123}, Point{44.99804071, 122.99395597}, 5e-6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := GCJ02ToWGS84(tc.gcj)
			if math.Abs(got.Lat-tc.wgs.Lat) > tc.tol || math.Abs(got.Lng-tc.wgs.Lng) > tc.tol {
				t.Fatalf("GCJ02ToWGS84(%v) = %v, want %v", tc.gcj, got, tc.wgs)
			}
		})
	}
}

func TestGCJ02RoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    Point
		// minM and maxM bound the size of the GCJ-02 offset at p, in metres.
		minM, maxM float64
	}{
		{"liuzhou", Point{24.33, 109.42}, 200, 700},
		{"beijing", Point{39.9042, 116.4074}, 200, 800},
		{"shanghai", Point{31.2304, 121.4737}, 200, 800},
		{"urumqi", Point{43.8256, 87.6168}, 1, 1000},
		{"london (outside china)", Point{51.5074, -0.1278}, 0, 0},
		{"tokyo (outside the box)", Point{35.6762, 139.6503}, 0, 0},
		{"invalid is untouched", Point{123, 456}, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gcj := WGS84ToGCJ02(tc.p)
			offsetM := DistanceKm(tc.p, gcj) * 1000
			if offsetM < tc.minM || offsetM > tc.maxM {
				t.Fatalf("offset at %v is %.1f m, want within [%v, %v]", tc.p, offsetM, tc.minM, tc.maxM)
			}
			back := GCJ02ToWGS84(gcj)
			if math.Abs(back.Lat-tc.p.Lat) > 1e-7 || math.Abs(back.Lng-tc.p.Lng) > 1e-7 {
				t.Fatalf("GCJ02ToWGS84(WGS84ToGCJ02(%v)) = %v", tc.p, back)
			}
			// The inverse's defining property: its forward image is the input to ~1e-7°.
			fwd := WGS84ToGCJ02(GCJ02ToWGS84(tc.p))
			if math.Abs(fwd.Lat-tc.p.Lat) > 1e-7 || math.Abs(fwd.Lng-tc.p.Lng) > 1e-7 {
				t.Fatalf("WGS84ToGCJ02(GCJ02ToWGS84(%v)) = %v", tc.p, fwd)
			}
		})
	}
}

// TestGCJ02RoundTripGrid sweeps the whole China box so an iteration that fails to converge
// somewhere (for instance near the box edges) shows up.
func TestGCJ02RoundTripGrid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                   string
		latFrom, latTo, latInc float64
		lngFrom, lngTo, lngInc float64
	}{
		{"mainland", 18, 54, 0.37, 73.5, 135, 0.53},
		{"near box edges", 0.83, 55.82, 5.4999, 72.005, 137.83, 6.58},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for lat := tc.latFrom; lat <= tc.latTo; lat += tc.latInc {
				for lng := tc.lngFrom; lng <= tc.lngTo; lng += tc.lngInc {
					g := Point{lat, lng}
					w := GCJ02ToWGS84(g)
					if outOfChina(w) {
						continue // the datum boundary is discontinuous; nothing to invert there
					}
					f := WGS84ToGCJ02(w)
					if math.Abs(f.Lat-g.Lat) > 1e-7 || math.Abs(f.Lng-g.Lng) > 1e-7 {
						t.Fatalf("round trip at %v gave %v", g, f)
					}
				}
			}
		})
	}
}

func BenchmarkGCJ02ToWGS84(b *testing.B) {
	p := Point{24.33, 109.42}
	for b.Loop() {
		_ = GCJ02ToWGS84(p)
	}
}
