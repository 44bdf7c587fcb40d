package matching

import (
	"math"
	"slices"
	"sort"
)

// Index is a spatial index over a set of listings (offers, or needs for the
// reverse direction) that answers "which listings could match this one"
// without scanning them all. Listings are grouped by category, and each
// category's listings sit on a uniform lat/lng grid stored as one array
// sorted by cell; a search visits, for each related category, only the
// rows of cells that intersect the query's bounding box, with one binary
// search per row.
//
// An Index is immutable once built and safe for concurrent searches.
type Index struct {
	records  []record
	grids    []grid // per category
	catNames []string
	orgs     map[string]int32
	streets  map[string]int32

	maxRadius        float64 // largest radius of an indexed listing
	times            timeBuckets
	cellLat, cellLng float64 // cell size in degrees
	rows, cols       int64   // grid dimensions
}

// grid holds one category's listings sorted by cell key (row<<32 | col).
type grid struct {
	keys    []uint64
	entries []gridEntry
}

// gridEntry keeps the coordinates and the time mask next to the record
// number, so that a scan rejects most entries without reading records.
type gridEntry struct {
	lat, lng float64
	times    uint64 // timeBuckets mask of the record's occurrences
	rec      int32
}

// NewIndex indexes listings. Listings that can never match (no positive
// Quantity, no occurrence of positive length, invalid coordinates or a
// negative radius) are left out. Search results refer to listings by
// their position in this slice. The index copies what it needs, so later
// changes to the slice do not affect it.
//
// The cell size is half the median radius of the indexed listings (at
// least 100 m): a query whose radius is typical then touches about five
// rows of cells and reads little outside its own circle, whereas cells
// sized by the largest radius degrade into near-linear scans when a few
// listings reach far.
func NewIndex(listings []Listing) *Index {
	idx := &Index{
		orgs:    make(map[string]int32),
		streets: make(map[string]int32),
	}
	cats := make(map[string]int32)
	var recCats []int32
	var radii, lats []float64
	for i, l := range listings {
		r, ok := newRecord(l, i)
		if !ok {
			continue
		}
		r.org = intern(idx.orgs, l.OrgID)
		r.street = intern(idx.streets, l.StreetID)
		c, ok := cats[l.Category]
		if !ok {
			c = int32(len(idx.catNames))
			cats[l.Category] = c
			idx.catNames = append(idx.catNames, l.Category)
		}
		idx.records = append(idx.records, r)
		recCats = append(recCats, c)
		radii = append(radii, r.radius)
		lats = append(lats, r.lat)
		idx.maxRadius = max(idx.maxRadius, r.radius)
	}

	cellKm := 0.1
	if len(radii) > 0 {
		cellKm = max(cellKm, median(radii)/2)
	}
	idx.cellLat = cellKm / kmPerDegreeLat
	// Cells are square at the typical latitude; elsewhere they are merely
	// rectangular, which costs a little speed but never correctness.
	refLat := 0.0
	if len(lats) > 0 {
		refLat = math.Min(math.Abs(median(lats)), 80)
	}
	idx.cellLng = idx.cellLat / math.Cos(refLat*degToRad)
	idx.rows = int64(math.Ceil(180/idx.cellLat)) + 1
	idx.cols = int64(math.Ceil(360/idx.cellLng)) + 1

	idx.layout(recCats)
	return idx
}

// layout sorts the records by (category, cell, input position) and builds
// the per-category grids. Records and their occurrence spans are stored in
// that same order, in one array each, so that scanning a row of cells
// reads memory sequentially instead of chasing a pointer per listing; the
// explicit tie-break makes the layout independent of map iteration.
func (idx *Index) layout(recCats []int32) {
	n := len(idx.records)
	keys := make([]uint64, n)
	order := make([]int, n)
	totalSpans := 0
	for i := range idx.records {
		keys[i] = idx.cellKey(idx.row(idx.records[i].lat), idx.col(idx.records[i].lng))
		order[i] = i
		totalSpans += len(idx.records[i].spans)
	}
	sort.Slice(order, func(a, b int) bool {
		ia, ib := order[a], order[b]
		if recCats[ia] != recCats[ib] {
			return recCats[ia] < recCats[ib]
		}
		if keys[ia] != keys[ib] {
			return keys[ia] < keys[ib]
		}
		return ia < ib
	})

	idx.times = newTimeBuckets(idx.records)
	records := make([]record, n)
	spans := make([]span, 0, totalSpans)
	idx.grids = make([]grid, len(idx.catNames))
	for pos, i := range order {
		r := idx.records[i]
		start := len(spans)
		spans = append(spans, r.spans...)
		r.spans = spans[start:len(spans):len(spans)]
		records[pos] = r
		g := &idx.grids[recCats[i]]
		g.keys = append(g.keys, keys[i])
		g.entries = append(g.entries, gridEntry{
			lat: r.lat, lng: r.lng, times: idx.times.mask(r.spans), rec: int32(pos),
		})
	}
	idx.records = records
}

// Len returns the number of listings the index holds (those that can match).
func (idx *Index) Len() int { return len(idx.records) }

func intern(m map[string]int32, s string) int32 {
	if s == "" {
		return -1
	}
	id, ok := m[s]
	if !ok {
		id = int32(len(m))
		m[s] = id
	}
	return id
}

// lookup maps a query's organisation or street into the index's ids: -1
// for none, -2 for a value no indexed listing has (so it equals nothing).
func lookup(m map[string]int32, s string) int32 {
	if s == "" {
		return -1
	}
	if id, ok := m[s]; ok {
		return id
	}
	return -2
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func (idx *Index) row(lat float64) int64 {
	return min(max(int64(math.Floor((lat+90)/idx.cellLat)), 0), idx.rows-1)
}

func (idx *Index) col(lng float64) int64 {
	return min(max(int64(math.Floor((lng+180)/idx.cellLng)), 0), idx.cols-1)
}

func (idx *Index) cellKey(row, col int64) uint64 {
	return uint64(row)<<32 | uint64(col)
}
