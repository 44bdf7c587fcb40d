package mcfgen

// NetgenParams are the parameters of NETGEN (Klingman, Napier and Stutz,
// 1974), the generator of the DIMACS implementation challenge, under its
// own names. Transshipment sources and sinks (NETGEN's TSOURCES and
// TSINKS) are not supported: sources and sinks here are pure.
type NetgenParams struct {
	Nodes, Sources, Sinks int
	Arcs                  int   // DENSITY: total number of arcs
	MinCost, MaxCost      int64 // arc cost range
	Supply                int64 // total supply, split over the sources
	HiCost                int   // percent of skeleton arcs given MaxCost
	Capacitated           int   // percent of arcs with a capacity in [MinCap, MaxCap]
	MinCap, MaxCap        int64
}

// Netgen8 returns the parameters of the usual NETGEN-8 family (sparse,
// eight arcs per node): about √n sources and as many sinks, an average
// supply of 1,000 per source, costs in [1, 10000], capacities in
// [1, 1000] on every arc, 30 % of the skeleton at the highest cost.
func Netgen8(nodes int) NetgenParams {
	st := 1
	for (st+1)*(st+1) <= nodes {
		st++
	}
	return NetgenParams{
		Nodes: nodes, Sources: st, Sinks: st, Arcs: 8 * nodes,
		MinCost: 1, MaxCost: 10000, Supply: 1000 * int64(st),
		HiCost: 30, Capacitated: 100, MinCap: 1, MaxCap: 1000,
	}
}

// Netgen generates an instance as NETGEN describes it. Nodes are sources
// first, then sinks, then transshipment nodes. First a skeleton makes the
// instance feasible: the transshipment nodes are dealt out to the sources,
// each source's share is strung into a random tree hanging from the
// source, each sink is assigned to a source and joined to a random node
// of that source's tree, and the source's supply is split over its sinks
// as their demands. Skeleton arcs can carry their source's whole supply,
// and HiCost percent of them cost MaxCost, so that cheap paths need not
// follow the skeleton. The remaining arcs join random pairs of distinct
// nodes (never into a source nor out of a sink) with random costs, and
// Capacitated percent of all non-skeleton arcs get a random capacity, the
// others the total supply.
func Netgen(p NetgenParams, seed uint64) Instance {
	r := newRand(seed)
	n := p.Nodes
	in := Instance{Supply: make([]int64, n), Arcs: make([]Arc, 0, p.Arcs)}
	cost := func() int64 { return p.MinCost + int64(r.intn(int(p.MaxCost-p.MinCost+1))) }
	capacity := func() int64 {
		if r.intn(100) < p.Capacitated {
			return p.MinCap + int64(r.intn(int(p.MaxCap-p.MinCap+1)))
		}
		return p.Supply
	}

	// Split the total supply: every source gets at least one unit.
	supply := in.Supply[:p.Sources]
	for i := range supply {
		supply[i] = 1
	}
	for left := p.Supply - int64(p.Sources); left > 0; {
		chunk := min(left, 1+int64(r.intn(int(max(p.Supply/int64(p.Sources), 1)))))
		supply[r.intn(p.Sources)] += chunk
		left -= chunk
	}

	// Skeleton trees: tree[s] lists source s and its transshipment nodes.
	tree := make([][]int, p.Sources)
	for s := range tree {
		tree[s] = []int{s}
	}
	for v := p.Sources + p.Sinks; v < n; v++ {
		s := r.intn(p.Sources)
		parent := tree[s][r.intn(len(tree[s]))]
		tree[s] = append(tree[s], v)
		in.Arcs = append(in.Arcs, Arc{From: parent, To: v, Cap: supply[s], Cost: skeletonCost(r, p, cost)})
	}
	// Every sink goes to one source; a source with no sink gets one too.
	sinksOf := make([][]int, p.Sources)
	for k := range p.Sinks {
		s := r.intn(p.Sources)
		if k < p.Sources && k < p.Sinks {
			s = k
		}
		sinksOf[s] = append(sinksOf[s], p.Sources+k)
	}
	for s, sinks := range sinksOf {
		if len(sinks) == 0 {
			sinks = []int{p.Sources + r.intn(p.Sinks)}
		}
		left := supply[s]
		for i, t := range sinks {
			d := left
			if i < len(sinks)-1 {
				d = int64(r.intn(int(left) + 1))
			}
			left -= d
			in.Supply[t] -= d
			from := tree[s][r.intn(len(tree[s]))]
			in.Arcs = append(in.Arcs, Arc{From: from, To: t, Cap: supply[s], Cost: skeletonCost(r, p, cost)})
		}
	}

	// Random arcs: from a source or transshipment node to a sink or
	// transshipment node.
	for len(in.Arcs) < p.Arcs {
		from := r.intn(n - p.Sinks)
		if from >= p.Sources {
			from += p.Sinks
		}
		to := p.Sources + r.intn(n-p.Sources)
		if from == to {
			continue
		}
		in.Arcs = append(in.Arcs, Arc{From: from, To: to, Cap: capacity(), Cost: cost()})
	}
	return in
}

func skeletonCost(r *splitmix, p NetgenParams, cost func() int64) int64 {
	if r.intn(100) < p.HiCost {
		return p.MaxCost
	}
	return cost()
}
