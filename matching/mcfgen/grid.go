package mcfgen

// Grid returns an instance in the manner of GRIDGEN (Bertsekas' grid
// generator): the nodes form a square-ish grid with arcs both ways between
// neighbours, which carry the whole supply at a random cost, plus as many
// random capacitated arcs again between nodes at most a few rows and
// columns apart, so that the grid gets shortcuts but keeps its long
// paths. About √n sources and √n sinks sit at random nodes with an average
// supply of 1,000; costs are in [1, 10000] and the extra arcs' capacities
// in [1, 1000]. Long paths and many equal-length routes make grids hard
// for the network simplex, which is why they are in every benchmark set.
func Grid(nodes int, seed uint64) Instance {
	r := newRand(seed)
	w := 1
	for (w+1)*(w+1) <= nodes {
		w++
	}
	h := max(nodes/w, 1)
	n := w * h
	st := max(w, 2)
	total := 2000 * int64(st) // bounds the total supply
	in := Instance{Supply: make([]int64, n), Arcs: make([]Arc, 0, 8*n)}
	cost := func() int64 { return 1 + int64(r.intn(10000)) }

	// Grid arcs, both directions.
	for y := range h {
		for x := range w {
			v := y*w + x
			if x+1 < w {
				in.Arcs = append(in.Arcs, Arc{From: v, To: v + 1, Cap: total, Cost: cost()},
					Arc{From: v + 1, To: v, Cap: total, Cost: cost()})
			}
			if y+1 < h {
				in.Arcs = append(in.Arcs, Arc{From: v, To: v + w, Cap: total, Cost: cost()},
					Arc{From: v + w, To: v, Cap: total, Cost: cost()})
			}
		}
	}
	// Shortcuts within a few rows and columns.
	const reach = 4
	for range 4 * n {
		x, y := r.intn(w), r.intn(h)
		tx := min(max(x+r.intn(2*reach+1)-reach, 0), w-1)
		ty := min(max(y+r.intn(2*reach+1)-reach, 0), h-1)
		if tx == x && ty == y {
			continue
		}
		in.Arcs = append(in.Arcs, Arc{From: y*w + x, To: ty*w + tx, Cap: 1 + int64(r.intn(1000)), Cost: cost()})
	}
	// Sources and sinks at random nodes, paired so that supplies sum to
	// zero; the grid arcs make every pair reachable.
	for range st {
		b := 1 + int64(r.intn(1999))
		in.Supply[r.intn(n)] += b
		in.Supply[r.intn(n)] -= b
	}
	return in
}
