package geo

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    Point
		ok   bool
	}{
		{"liuzhou", Point{24.33, 109.42}, true},
		{"origin", Point{0, 0}, true},
		{"corners", Point{-90, -180}, true},
		{"other corners", Point{90, 180}, true},
		{"lat too big", Point{90.0000001, 0}, false},
		{"lat too small", Point{-91, 0}, false},
		{"lng too big", Point{0, 180.5}, false},
		{"lng too small", Point{0, -181}, false},
		{"nan lat", Point{math.NaN(), 0}, false},
		{"nan lng", Point{0, math.NaN()}, false},
		{"inf lat", Point{math.Inf(1), 0}, false},
		{"inf lng", Point{0, math.Inf(-1)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.p.Validate()
			if tc.ok && err != nil {
				t.Fatalf("Validate(%v) = %v, want nil", tc.p, err)
			}
			if !tc.ok && !errors.Is(err, ErrInvalidPoint) {
				t.Fatalf("Validate(%v) = %v, want ErrInvalidPoint", tc.p, err)
			}
		})
	}
}

func TestDistanceKm(t *testing.T) {
	t.Parallel()
	quarter := math.Pi * EarthRadiusKm / 2
	tests := []struct {
		name string
		a, b Point
		want float64
		tol  float64
	}{
		{"same point", Point{24.33, 109.42}, Point{24.33, 109.42}, 0, 0},
		{"one degree of latitude", Point{0, 0}, Point{1, 0}, quarter / 90, 1e-9},
		{"equator to pole", Point{0, 0}, Point{90, 0}, quarter, 1e-9},
		{"antipodes", Point{0, 0}, Point{0, 180}, 2 * quarter, 1e-9},
		{"across antimeridian", Point{0, 179.5}, Point{0, -179.5}, quarter / 90, 1e-9},
		// Long distances are cross-checked against the spherical law of cosines, an independent
		// formula that is accurate at these scales.
		{"beijing to shanghai", Point{39.9042, 116.4074}, Point{31.2304, 121.4737},
			lawOfCosinesKm(Point{39.9042, 116.4074}, Point{31.2304, 121.4737}), 1e-6},
		{"liuzhou to nanning", Point{24.3264, 109.4281}, Point{22.8170, 108.3665},
			lawOfCosinesKm(Point{24.3264, 109.4281}, Point{22.8170, 108.3665}), 1e-6},
		// 0.001° of latitude is 111.2 m on this sphere; haversine must keep metre precision.
		{"hundred metres", Point{24.33, 109.42}, Point{24.331, 109.42}, quarter / 90 / 1000, 1e-9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := DistanceKm(tc.a, tc.b)
			if math.Abs(got-tc.want) > tc.tol {
				t.Fatalf("DistanceKm(%v, %v) = %v, want %v ± %v", tc.a, tc.b, got, tc.want, tc.tol)
			}
		})
	}
}

func TestBoundingBox(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                           string
		center                         Point
		radiusKm                       float64
		minLat, minLng, maxLat, maxLng float64
		tol                            float64
	}{
		{"zero radius", Point{24.33, 109.42}, 0, 24.33, 109.42, 24.33, 109.42, 1e-8},
		{"negative radius is zero", Point{24.33, 109.42}, -5, 24.33, 109.42, 24.33, 109.42, 1e-8},
		{"nan radius is zero", Point{24.33, 109.42}, math.NaN(), 24.33, 109.42, 24.33, 109.42, 1e-8},
		{"equator 111 km", Point{0, 0}, math.Pi * EarthRadiusKm / 180, -1, -1, 1, 1, 1e-8},
		{"north pole inside", Point{89.9, 0}, 50, 89.9 - 50/EarthRadiusKm*180/math.Pi, -180, 90, 180, 1e-8},
		{"south pole inside", Point{-89.9, 10}, 50, -90, -180, -89.9 + 50/EarthRadiusKm*180/math.Pi, 180, 1e-8},
		{"antimeridian", Point{0, 179.9}, 50, -50 / EarthRadiusKm * 180 / math.Pi, -180, 50 / EarthRadiusKm * 180 / math.Pi, 180, 1e-8},
		{"infinite radius", Point{10, 10}, math.Inf(1), -90, -180, 90, 180, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			minLat, minLng, maxLat, maxLng := BoundingBox(tc.center, tc.radiusKm)
			got := []float64{minLat, minLng, maxLat, maxLng}
			want := []float64{tc.minLat, tc.minLng, tc.maxLat, tc.maxLng}
			for i := range got {
				if math.Abs(got[i]-want[i]) > tc.tol {
					t.Fatalf("BoundingBox(%v, %v) = %v, want %v", tc.center, tc.radiusKm, got, want)
				}
			}
		})
	}
}

// TestBoundingBoxLongitudeIsTight checks that the longitude extent is the tangent-meridian one,
// not the looser r/(R·cos φ): the points where the circle touches the box edges must be exactly
// radiusKm away.
func TestBoundingBoxLongitudeIsTight(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		center   Point
		radiusKm float64
	}{
		{"liuzhou 5 km", Point{24.33, 109.42}, 5},
		{"harbin 500 km", Point{45.75, 126.65}, 500},
		{"equator 1000 km", Point{0, 30}, 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, minLng, _, maxLng := BoundingBox(tc.center, tc.radiusKm)
			// The tangent point lies on the edge meridian at latitude asin(sin φ / cos δ).
			delta := tc.radiusKm / EarthRadiusKm
			tangentLat := rad2deg(math.Asin(math.Sin(deg2rad(tc.center.Lat)) / math.Cos(delta)))
			for _, lng := range []float64{minLng, maxLng} {
				d := DistanceKm(tc.center, Point{tangentLat, lng})
				if math.Abs(d-tc.radiusKm) > 1e-3 {
					t.Fatalf("tangent point at lng %v is %v km away, want %v", lng, d, tc.radiusKm)
				}
			}
		})
	}
}

func lawOfCosinesKm(a, b Point) float64 {
	lat1, lat2 := deg2rad(a.Lat), deg2rad(b.Lat)
	c := math.Sin(lat1)*math.Sin(lat2) + math.Cos(lat1)*math.Cos(lat2)*math.Cos(deg2rad(b.Lng-a.Lng))
	return EarthRadiusKm * math.Acos(c)
}

// destination returns the point reached by travelling distKm from p on the initial bearing
// (radians, clockwise from north), using the spherical direct formula.
func destination(p Point, bearing, distKm float64) Point {
	delta := distKm / EarthRadiusKm
	lat1, lng1 := deg2rad(p.Lat), deg2rad(p.Lng)
	lat2 := math.Asin(math.Sin(lat1)*math.Cos(delta) + math.Cos(lat1)*math.Sin(delta)*math.Cos(bearing))
	lng2 := lng1 + math.Atan2(math.Sin(bearing)*math.Sin(delta)*math.Cos(lat1),
		math.Cos(delta)-math.Sin(lat1)*math.Sin(lat2))
	lng := math.Mod(rad2deg(lng2)+540, 360) - 180
	return Point{Lat: rad2deg(lat2), Lng: lng}
}

// checkDistanceProperties asserts the metric properties the matching code relies on and the
// "within radius implies inside box" guarantee, for one pair of points.
func checkDistanceProperties(t *testing.T, a, b Point, radiusKm float64) {
	t.Helper()
	d := DistanceKm(a, b)
	if math.IsNaN(d) || d < 0 {
		t.Fatalf("DistanceKm(%v, %v) = %v, want >= 0", a, b, d)
	}
	if r := DistanceKm(b, a); r != d {
		t.Fatalf("DistanceKm not symmetric: %v vs %v for %v, %v", d, r, a, b)
	}
	if d > math.Pi*EarthRadiusKm*(1+1e-12) {
		t.Fatalf("DistanceKm(%v, %v) = %v exceeds half the circumference", a, b, d)
	}
	if d <= radiusKm {
		minLat, minLng, maxLat, maxLng := BoundingBox(a, radiusKm)
		if b.Lat < minLat || b.Lat > maxLat || b.Lng < minLng || b.Lng > maxLng {
			t.Fatalf("%v is %v km from %v (radius %v) but outside box [%v,%v]x[%v,%v]",
				b, d, a, radiusKm, minLat, maxLat, minLng, maxLng)
		}
	}
}

func randomPoint(r *rand.Rand) Point {
	return Point{Lat: r.Float64()*180 - 90, Lng: r.Float64()*360 - 180}
}

// TestDistanceProperties is a deterministic randomized property test. Most pairs are generated
// inside the radius (including right at it) because uniformly random pairs would almost never
// exercise the bounding-box guarantee.
func TestDistanceProperties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		seed    uint64
		center  func(*rand.Rand) Point
		maxDist float64
	}{
		{"anywhere, up to 3000 km", 1, randomPoint, 3000},
		{"china, up to 50 km", 2, func(r *rand.Rand) Point {
			return Point{Lat: 18 + r.Float64()*35, Lng: 74 + r.Float64()*60}
		}, 50},
		{"near poles", 3, func(r *rand.Rand) Point {
			lat := 85 + r.Float64()*5
			if r.IntN(2) == 0 {
				lat = -lat
			}
			return Point{Lat: lat, Lng: r.Float64()*360 - 180}
		}, 1000},
		{"near antimeridian", 4, func(r *rand.Rand) Point {
			return Point{Lat: r.Float64()*140 - 70, Lng: 179 + r.Float64()}
		}, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(tc.seed, 42))
			for range 20000 {
				a := tc.center(r)
				radius := r.Float64() * tc.maxDist
				var b Point
				switch r.IntN(4) {
				case 0:
					b = randomPoint(r)
				case 1:
					b = destination(a, r.Float64()*2*math.Pi, radius) // on the circle
				default:
					b = destination(a, r.Float64()*2*math.Pi, r.Float64()*radius)
				}
				checkDistanceProperties(t, a, b, radius)
			}
		})
	}
}

// FuzzDistance runs the same properties on fuzzer-chosen inputs; the seeds below also run as
// ordinary tests.
func FuzzDistance(f *testing.F) {
	f.Add(24.33, 109.42, 24.34, 109.43, 5.0)
	f.Add(0.0, 179.99, 0.0, -179.99, 10.0)
	f.Add(89.99, 0.0, 89.99, 180.0, 3.0)
	f.Add(-90.0, -180.0, 90.0, 180.0, 20015.1)
	f.Add(0.0, 0.0, 0.0, 180.0, 0.0)
	f.Fuzz(func(t *testing.T, lat1, lng1, lat2, lng2, radius float64) {
		a, b := Point{lat1, lng1}, Point{lat2, lng2}
		if a.Validate() != nil || b.Validate() != nil || math.IsNaN(radius) || radius < 0 || radius > 1e5 {
			t.Skip()
		}
		checkDistanceProperties(t, a, b, radius)
	})
}
