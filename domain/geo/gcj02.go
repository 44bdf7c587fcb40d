package geo

import "math"

// GCJ-02 ("Mars coordinates") is WGS-84 plus a deliberately obfuscated, smooth offset of up to a
// few hundred metres. The forward transform is public knowledge; there is no closed-form
// inverse, so GCJ02ToWGS84 inverts it numerically.

// Parameters of the Krasovsky 1940 ellipsoid, on which the GCJ-02 offset is defined.
const (
	krasovskyA  = 6378245.0
	krasovskyE2 = 0.00669342162296594323
)

// gcjTolerance is the convergence target of the inverse, in degrees: about 1 cm, far below what
// a phone GPS can resolve, so further iterations would buy nothing.
const gcjTolerance = 1e-7

// gcjMaxIterations bounds the inverse. The forward transform is a small perturbation of the
// identity (its Jacobian is close to I), so fixed-point iteration converges in a handful of steps;
// the bound only matters for pathological input near the edge of the China box.
const gcjMaxIterations = 30

// outOfChina is the conventional rough rectangle used by Chinese map SDKs to decide whether to
// apply the offset. It deliberately matches their behaviour, not the real border: being
// consistent with the SDK that produced the coordinate is what makes the round trip correct.
func outOfChina(p Point) bool {
	return p.Lng < 72.004 || p.Lng > 137.8347 || p.Lat < 0.8293 || p.Lat > 55.8271
}

// WGS84ToGCJ02 applies China's GCJ-02 offset to a WGS-84 point. Points outside the rough China
// bounding box (and invalid points) are returned unchanged.
func WGS84ToGCJ02(p Point) Point {
	if p.Validate() != nil || outOfChina(p) {
		return p
	}
	return gcjForward(p)
}

// gcjForward applies the offset without the China box test.
func gcjForward(p Point) Point {
	dLat, dLng := gcjOffset(p)
	return Point{Lat: p.Lat + dLat, Lng: p.Lng + dLng}
}

// GCJ02ToWGS84 removes China's GCJ-02 offset, returning the WGS-84 point whose GCJ-02 image is p
// to within about 1e-7 degrees (~1 cm). Points outside the rough China bounding box (and invalid
// points) are returned unchanged, mirroring the SDKs that produce GCJ-02.
func GCJ02ToWGS84(p Point) Point {
	if p.Validate() != nil || outOfChina(p) {
		return p
	}
	// Fixed-point iteration w ← w − (F(w) − p). Because F is the identity plus a slowly varying
	// offset, each step shrinks the error by roughly the offset's relative slope (~1e-5), so two or
	// three iterations usually reach the tolerance.
	//
	// The iteration uses the unbounded transform: within a few hundred metres of the box edge the
	// estimate can step outside the box, where the bounded transform is the identity and the
	// iteration would oscillate. Such inputs have no exact preimage (the datum is discontinuous at
	// the edge), and the smooth inverse is the most sensible answer for them.
	w := p
	for range gcjMaxIterations {
		f := gcjForward(w)
		errLat, errLng := f.Lat-p.Lat, f.Lng-p.Lng
		w.Lat -= errLat
		w.Lng -= errLng
		if math.Abs(errLat) < gcjTolerance && math.Abs(errLng) < gcjTolerance {
			break
		}
	}
	return w
}

// gcjOffset returns the GCJ-02 offset in degrees at WGS-84 point p.
func gcjOffset(p Point) (dLat, dLng float64) {
	// The obfuscation polynomials are defined relative to (105°E, 35°N), roughly China's centre.
	x, y := p.Lng-105, p.Lat-35
	rawLat := gcjLatTerm(x, y)
	rawLng := gcjLngTerm(x, y)

	// The raw terms are metres on the Krasovsky ellipsoid; convert them to degrees using the
	// meridian and prime-vertical radii of curvature at this latitude.
	radLat := deg2rad(p.Lat)
	sinLat := math.Sin(radLat)
	w := 1 - krasovskyE2*sinLat*sinLat
	sqrtW := math.Sqrt(w)
	meridianRadius := krasovskyA * (1 - krasovskyE2) / (w * sqrtW)
	primeVerticalRadius := krasovskyA / sqrtW
	dLat = rad2deg(rawLat / meridianRadius)
	dLng = rad2deg(rawLng / (primeVerticalRadius * math.Cos(radLat)))
	return dLat, dLng
}

// gcjWave is the periodic part shared by both axes; the 2/3 scale is part of the published
// definition.
func gcjWave(x float64) float64 {
	return (20*math.Sin(6*math.Pi*x) + 20*math.Sin(2*math.Pi*x)) * 2 / 3
}

func gcjLatTerm(x, y float64) float64 {
	v := -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	v += gcjWave(x)
	v += (20*math.Sin(math.Pi*y) + 40*math.Sin(math.Pi*y/3)) * 2 / 3
	v += (160*math.Sin(math.Pi*y/12) + 320*math.Sin(math.Pi*y/30)) * 2 / 3
	return v
}

func gcjLngTerm(x, y float64) float64 {
	v := 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	v += gcjWave(x)
	v += (20*math.Sin(math.Pi*x) + 40*math.Sin(math.Pi*x/3)) * 2 / 3
	v += (150*math.Sin(math.Pi*x/12) + 300*math.Sin(math.Pi*x/30)) * 2 / 3
	return v
}
