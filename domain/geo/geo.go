// Package geo holds the small amount of geodesy gongjian needs: validating coordinates,
// converting between China's GCJ-02 datum and WGS-84, great-circle distance and the bounding box
// used to pre-filter "near me" database queries.
//
// All coordinates handled by the service are WGS-84 once they are inside the domain. Clients in
// mainland China (WeChat mini-programs, AMap, Tencent Maps) report GCJ-02, which is offset from
// WGS-84 by up to several hundred metres; GCJ02ToWGS84 normalises them at the boundary.
//
// The package depends on the standard library only.
package geo

import (
	"errors"
	"fmt"
	"math"
)

// EarthRadiusKm is the IUGG mean Earth radius. Using the mean radius keeps the spherical
// haversine error within about 0.5% of the ellipsoidal distance anywhere on Earth.
const EarthRadiusKm = 6371.0088

// ErrInvalidPoint is wrapped by every error returned from Point.Validate, so callers can map all
// coordinate problems to one API error code with errors.Is.
var ErrInvalidPoint = errors.New("invalid point")

// Point is a latitude/longitude pair in decimal degrees.
type Point struct {
	Lat, Lng float64
}

// Validate reports whether p is a usable coordinate: both values finite, latitude within
// [-90, 90] and longitude within [-180, 180]. The returned error wraps ErrInvalidPoint.
func (p Point) Validate() error {
	switch {
	case math.IsNaN(p.Lat) || math.IsInf(p.Lat, 0):
		return fmt.Errorf("%w: latitude is not a finite number", ErrInvalidPoint)
	case math.IsNaN(p.Lng) || math.IsInf(p.Lng, 0):
		return fmt.Errorf("%w: longitude is not a finite number", ErrInvalidPoint)
	case p.Lat < -90 || p.Lat > 90:
		return fmt.Errorf("%w: latitude %v is outside [-90, 90]", ErrInvalidPoint, p.Lat)
	case p.Lng < -180 || p.Lng > 180:
		return fmt.Errorf("%w: longitude %v is outside [-180, 180]", ErrInvalidPoint, p.Lng)
	}
	return nil
}

// String formats p as "lat,lng", the order Chinese map SDKs and humans use.
func (p Point) String() string {
	return fmt.Sprintf("%.7f,%.7f", p.Lat, p.Lng)
}

func deg2rad(d float64) float64 { return d * math.Pi / 180 }
func rad2deg(r float64) float64 { return r * 180 / math.Pi }

// DistanceKm returns the great-circle distance between a and b in kilometres, using the haversine
// formula on a sphere of radius EarthRadiusKm. Haversine (rather than the spherical law of
// cosines) stays accurate for the short, metre-scale distances that matter for matching.
func DistanceKm(a, b Point) float64 {
	lat1, lat2 := deg2rad(a.Lat), deg2rad(b.Lat)
	dLat := lat2 - lat1
	dLng := deg2rad(b.Lng - a.Lng)
	sLat, sLng := math.Sin(dLat/2), math.Sin(dLng/2)
	h := sLat*sLat + math.Cos(lat1)*math.Cos(lat2)*sLng*sLng
	// Rounding can push h a hair above 1 for antipodal points; Asin would then return NaN.
	h = math.Min(1, math.Max(0, h))
	return 2 * EarthRadiusKm * math.Asin(math.Sqrt(h))
}

// boxPadDeg widens every bounding box edge by about 0.1 mm. Without it, a point exactly radiusKm
// away can land a few ulps outside the box and be dropped by the SQL pre-filter.
const boxPadDeg = 1e-9

// BoundingBox returns the smallest latitude/longitude box (padded by ~0.1 mm) that contains every
// point whose DistanceKm from center is at most radiusKm. It is meant as an index-friendly
// pre-filter (`lat BETWEEN minLat AND maxLat AND lng BETWEEN minLng AND maxLng`) followed by an
// exact DistanceKm check.
//
// Edge cases, chosen so the box is always a superset and always satisfies min <= max:
//   - if the circle reaches a pole, latitude is clamped to ±90 and longitude spans [-180, 180];
//   - if the circle crosses the antimeridian, longitude spans the full [-180, 180] instead of
//     wrapping, trading tightness (irrelevant for China) for a box a plain BETWEEN can use;
//   - a negative or NaN radius is treated as 0.
func BoundingBox(center Point, radiusKm float64) (minLat, minLng, maxLat, maxLng float64) {
	if !(radiusKm > 0) { // also catches NaN
		radiusKm = 0
	}
	angular := radiusKm / EarthRadiusKm // radians
	dLat := rad2deg(angular)
	minLat = center.Lat - dLat - boxPadDeg
	maxLat = center.Lat + dLat + boxPadDeg
	if minLat <= -90 || maxLat >= 90 {
		// The circle contains a pole, so it contains every longitude at that latitude.
		return math.Max(minLat, -90), -180, math.Min(maxLat, 90), 180
	}
	// The widest longitude extent is not at the centre's latitude but where the circle touches
	// its tangent meridians; sin(Δλ) = sin(δ)/cos(φ) gives that extent exactly on a sphere.
	s := math.Sin(angular) / math.Cos(deg2rad(center.Lat))
	if s >= 1 || angular >= math.Pi/2 {
		return minLat, -180, maxLat, 180
	}
	dLng := rad2deg(math.Asin(s))
	minLng = center.Lng - dLng - boxPadDeg
	maxLng = center.Lng + dLng + boxPadDeg
	if minLng < -180 || maxLng > 180 {
		return minLat, -180, maxLat, 180
	}
	return minLat, minLng, maxLat, maxLng
}
