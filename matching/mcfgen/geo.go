package mcfgen

import (
	"math"
	"slices"
)

// GeoListing is one offer or need of a generated market: a point in a
// city square (kilometres), a category, an amount and a time window (in
// hours from the start of a week).
type GeoListing struct {
	X, Y       float64
	Category   int
	Quantity   int64
	Start, End int
}

// GeoPair is a candidate pairing of offer Offer with need Need and its
// integer weight (the product's score × 1,000,000).
type GeoPair struct {
	Offer, Need int
	Weight      int64
}

// Geo is a generated matching run: what a street or district hands the
// allocation step. Pairs are grouped by need, best first.
type Geo struct {
	Offers, Needs []GeoListing
	Pairs         []GeoPair
}

// Parameters of the geographic market, chosen to look like a matching run
// of the product: a 30 km city square, listings crowded into hotspots
// (most activity happens in a few neighbourhoods), six categories,
// quantities 1–10, windows of 2–9 hours starting within a day, candidates within
// geoRadiusKm that overlap in time, each need keeping its best
// geoMaxCandidates offers.
const (
	geoSideKm         = 30.0
	geoCategories     = 6
	geoRadiusKm       = 3.0
	geoMaxCandidates  = 50
	geoHotspotShare   = 0.8
	geoListingsPerHot = 400
)

// GeoMarket returns a deterministic market with about nodes/2 offers and
// nodes/2 needs (two nodes are left for the super source and sink of
// [Geo.Network]). Weights mix closeness (half) and the share of the
// shorter window that the two windows overlap (half), as the product's
// score does, and are at least 1.
func GeoMarket(nodes int, seed uint64) Geo {
	side := max((nodes-2)/2, 1)
	r := newRand(seed)
	hot := max(4, 2*side/geoListingsPerHot)
	type hotspot struct{ x, y, sigma float64 }
	spots := make([]hotspot, hot)
	for i := range spots {
		spots[i] = hotspot{r.float() * geoSideKm, r.float() * geoSideKm, 0.3 + 1.2*r.float()}
	}
	listing := func() GeoListing {
		var x, y float64
		if r.float() < geoHotspotShare {
			h := spots[r.intn(hot)]
			x = h.x + h.sigma*r.normal()
			y = h.y + h.sigma*r.normal()
		} else {
			x, y = r.float()*geoSideKm, r.float()*geoSideKm
		}
		// Windows start within one day: a run covers a few days of
		// activity, and most listings name the same busy hours.
		start := r.intn(24)
		return GeoListing{
			X: x, Y: y,
			Category: r.intn(geoCategories),
			Quantity: 1 + int64(r.intn(10)),
			Start:    start,
			End:      start + 2 + r.intn(8),
		}
	}
	g := Geo{Offers: make([]GeoListing, side), Needs: make([]GeoListing, side)}
	for i := range g.Offers {
		g.Offers[i] = listing()
	}
	for i := range g.Needs {
		g.Needs[i] = listing()
	}
	g.Pairs = geoPairs(g.Offers, g.Needs)
	return g
}

// geoPairs finds, for every need, the offers of its category within
// geoRadiusKm whose windows overlap its own, and keeps the best
// geoMaxCandidates of them. A bucket grid of cell size geoRadiusKm means
// only the 3×3 cells around a need can hold candidates.
func geoPairs(offers, needs []GeoListing) []GeoPair {
	cell := func(v float64) int { return int(math.Floor(v / geoRadiusKm)) }
	type key struct{ cat, cx, cy int }
	buckets := make(map[key][]int)
	for i, o := range offers {
		k := key{o.Category, cell(o.X), cell(o.Y)}
		buckets[k] = append(buckets[k], i)
	}
	var pairs, cand []GeoPair
	for j, n := range needs {
		cand = cand[:0]
		cx, cy := cell(n.X), cell(n.Y)
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				for _, i := range buckets[key{n.Category, cx + dx, cy + dy}] {
					if w := geoWeight(offers[i], n); w > 0 {
						cand = append(cand, GeoPair{Offer: i, Need: j, Weight: w})
					}
				}
			}
		}
		slices.SortFunc(cand, func(a, b GeoPair) int {
			if a.Weight != b.Weight {
				return int(b.Weight - a.Weight)
			}
			return a.Offer - b.Offer
		})
		pairs = append(pairs, cand[:min(len(cand), geoMaxCandidates)]...)
	}
	return pairs
}

// geoWeight is the weight of pairing o with n, or 0 if they are too far
// apart or never available at the same time.
func geoWeight(o, n GeoListing) int64 {
	d := math.Hypot(o.X-n.X, o.Y-n.Y)
	overlap := min(o.End, n.End) - max(o.Start, n.Start)
	if d > geoRadiusKm || overlap <= 0 {
		return 0
	}
	shorter := min(o.End-o.Start, n.End-n.Start)
	score := 0.5*(1-d/geoRadiusKm) + 0.5*float64(overlap)/float64(shorter)
	return max(1, int64(math.Round(score*1e6)))
}
