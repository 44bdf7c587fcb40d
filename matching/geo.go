package matching

import "math"

// EarthRadiusKm is the mean Earth radius used for all distances.
const EarthRadiusKm = 6371.0

const degToRad = math.Pi / 180

// kmPerDegreeLat is the length of one degree along a meridian.
const kmPerDegreeLat = EarthRadiusKm * degToRad

// point is a location with the trigonometry the haversine formula needs
// computed once.
type point struct {
	lat, lng       float64 // degrees
	latRad, lngRad float64
	cosLat         float64
}

func newPoint(lat, lng float64) point {
	return point{
		lat: lat, lng: lng,
		latRad: lat * degToRad, lngRad: lng * degToRad,
		cosLat: math.Cos(lat * degToRad),
	}
}

// validCoordinates reports whether lat/lng are finite and in range;
// listings elsewhere can never be near anything.
func validCoordinates(lat, lng float64) bool {
	return lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180
}

// distanceKm is the great-circle distance by the haversine formula.
func distanceKm(a, b *point) float64 {
	return havDistanceKm(haversine(a, b))
}

// haversine returns h = hav(central angle) for two points, the part of the
// haversine formula before the costly arcsine. Distance grows with h, so
// comparing h against havOfKm(limit) rejects far points cheaply.
func haversine(a, b *point) float64 {
	sLat := math.Sin((b.latRad - a.latRad) / 2)
	sLng := math.Sin((b.lngRad - a.lngRad) / 2)
	// Explicit float64 conversions forbid fused multiply-adds, so every
	// platform computes the same distance and therefore the same scores.
	return float64(sLat*sLat) + float64(float64(a.cosLat*b.cosLat)*float64(sLng*sLng))
}

// havDistanceKm turns a haversine value into kilometres.
func havDistanceKm(h float64) float64 {
	return 2 * EarthRadiusKm * math.Asin(math.Sqrt(min(1, h)))
}

// havOfKm is the haversine value of a distance: the largest h whose
// distance is at most km. Beyond half the circumference every point is
// within reach.
func havOfKm(km float64) float64 {
	if km >= math.Pi*EarthRadiusKm {
		return 1
	}
	s := math.Sin(km / (2 * EarthRadiusKm))
	return s * s
}

// boundingBox returns the latitude range and the half-width in longitude
// (degrees) of a box containing every point within radiusKm of p; fullLng
// is set when the circle reaches a pole or wraps all longitudes. The box
// is slightly widened so that rounding never drops a point that the exact
// distance test would keep.
func boundingBox(p point, radiusKm float64) (latLo, latHi, dLng float64, fullLng bool) {
	const slack = 1 + 1e-9
	ang := radiusKm / EarthRadiusKm * slack
	dLat := ang/degToRad + 1e-9
	latLo, latHi = p.lat-dLat, p.lat+dLat
	if latLo <= -90 || latHi >= 90 {
		return max(latLo, -90), min(latHi, 90), 180, true
	}
	// The widest longitude offset on the circle is asin(sin(ang)/cos(lat)).
	s := math.Sin(ang) / p.cosLat
	if s >= 1 {
		return latLo, latHi, 180, true
	}
	return latLo, latHi, math.Asin(s)/degToRad*slack + 1e-9, false
}
