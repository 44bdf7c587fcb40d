package matching

import (
	"math"
	"slices"
)

// lngRange is a closed range of longitudes in degrees, within [-180, 180].
type lngRange struct{ lo, hi float64 }

// scan calls visit for the entries of g that may lie within radiusKm of p
// and whose time mask meets times. It reads only the rows of cells that
// intersect the bounding box of that circle and, within a row, the cells
// in the box's longitude range (one binary search per row and range);
// entries outside the box itself are dropped on their coordinates. Entries
// outside the circle, or without actual time overlap, may still be
// visited; visit decides.
//
// *maxKm is a cut-off that visit may lower while the scan runs, as better
// matches make far ones pointless: rows and entries whose latitude alone
// puts them farther than *maxKm from p are skipped. Rows are visited from
// p's row outwards, so near entries come first and the cut-off tightens
// early.
func (idx *Index) scan(g *grid, p point, radiusKm float64, times uint64, maxKm *float64, visit func(rec int32)) {
	latLo, latHi, dLng, full := boundingBox(p, radiusKm)
	ranges := lngRanges(p.lng, dLng, full)
	first, last := idx.row(latLo), idx.row(latHi)
	center := min(max(idx.row(p.lat), first), last)

	scanRow := func(row int64) bool {
		if row < first || row > last || idx.rowGapKm(row, p.lat) > *maxKm {
			return false
		}
		for _, lr := range ranges {
			lo, _ := slices.BinarySearch(g.keys, idx.cellKey(row, idx.col(lr.lo)))
			hiKey := idx.cellKey(row, idx.col(lr.hi))
			for i := lo; i < len(g.keys) && g.keys[i] <= hiKey; i++ {
				e := &g.entries[i]
				if e.times&times == 0 || e.lat < latLo || e.lat > latHi || e.lng < lr.lo || e.lng > lr.hi {
					continue
				}
				// A great circle is never shorter than the meridian arc
				// between the two latitudes.
				if math.Abs(e.lat-p.lat)*kmPerDegreeLat > *maxKm {
					continue
				}
				visit(e.rec)
			}
		}
		return true
	}
	// The cut-off only shrinks, so once a row is out of reach so is every
	// row beyond it in the same direction.
	upDone, downDone := false, false
	for step := int64(0); !upDone || !downDone; step++ {
		if !upDone {
			upDone = !scanRow(center + step)
		}
		if !downDone && step > 0 {
			downDone = !scanRow(center - step)
		}
	}
}

// lngRanges returns the longitude ranges of a box of half-width dLng
// around lng: one range, or two when the box crosses the antimeridian.
func lngRanges(lng, dLng float64, full bool) []lngRange {
	if full {
		return []lngRange{{-180, 180}}
	}
	lo, hi := lng-dLng, lng+dLng
	switch {
	case lo < -180:
		return []lngRange{{-180, hi}, {lo + 360, 180}}
	case hi > 180:
		return []lngRange{{lo, 180}, {-180, hi - 360}}
	}
	return []lngRange{{lo, hi}}
}

// rowGapKm is a lower bound on the distance from latitude lat to any point
// of the given row of cells, shaved slightly so that rounding in row()
// can never make it exceed a true distance.
func (idx *Index) rowGapKm(row int64, lat float64) float64 {
	rowLo := float64(row)*idx.cellLat - 90
	rowHi := rowLo + idx.cellLat
	gap := max(0, rowLo-lat, lat-rowHi)
	return max(0, gap*kmPerDegreeLat-1e-6)
}
