package mcfgen

// Network writes the market as one min-cost flow network, the way a
// general-purpose solver would be handed a matching run: node 0 is a
// super source with the total offered capacity, nodes 1..offers the
// offers, then the needs, and last a super sink demanding the same total.
// The source feeds each offer up to its capacity, each pair is an arc
// offer → need of cost −weight, each need drains into the sink up to its
// quantity, and a bypass arc source → sink makes all flow optional. The
// optimal cost is minus the best total weight.
func (g Geo) Network() Instance {
	nO, nN := len(g.Offers), len(g.Needs)
	sink := 1 + nO + nN
	in := Instance{
		Supply: make([]int64, sink+1),
		Arcs:   make([]Arc, 0, nO+nN+len(g.Pairs)+1),
	}
	var total int64
	for i, o := range g.Offers {
		total += o.Quantity
		in.Arcs = append(in.Arcs, Arc{From: 0, To: 1 + i, Cap: o.Quantity})
	}
	for _, p := range g.Pairs {
		c := min(g.Offers[p.Offer].Quantity, g.Needs[p.Need].Quantity)
		in.Arcs = append(in.Arcs, Arc{From: 1 + p.Offer, To: 1 + nO + p.Need, Cap: c, Cost: -p.Weight})
	}
	for j, n := range g.Needs {
		in.Arcs = append(in.Arcs, Arc{From: 1 + nO + j, To: sink, Cap: n.Quantity})
	}
	in.Arcs = append(in.Arcs, Arc{From: 0, To: sink, Cap: total})
	in.Supply[0], in.Supply[sink] = total, -total
	return in
}

// Components writes the market in the product's own formulation, the one
// matching.Allocate builds: the offer/need graph is split into connected
// components, and each becomes a network of its own (here all placed side
// by side in one instance). In a component every offer supplies its
// capacity and may keep it through a zero-cost arc to the component's
// sink, pairs are arcs offer → need of cost −weight, and each need drains
// into the sink up to its quantity. Offers and needs without pairs are
// left out, as Allocate leaves them out. The optimal cost equals that of
// [Geo.Network].
func (g Geo) Components() Instance {
	nO := len(g.Offers)
	uf := newUnionFind(nO + len(g.Needs))
	for _, p := range g.Pairs {
		uf.union(p.Offer, nO+p.Need)
	}
	// Components in order of their first pair, members in order of first
	// use, like Allocate numbers them.
	comp := make(map[int]int)
	var members [][]int // per component: offer and need ids (needs ≥ nO)
	var pairsOf [][]int
	local := make([]int, nO+len(g.Needs))
	for i := range local {
		local[i] = -1
	}
	for k, p := range g.Pairs {
		r := uf.find(p.Offer)
		c, ok := comp[r]
		if !ok {
			c = len(members)
			comp[r] = c
			members = append(members, nil)
			pairsOf = append(pairsOf, nil)
		}
		for _, v := range [2]int{p.Offer, nO + p.Need} {
			if local[v] < 0 {
				local[v] = len(members[c])
				members[c] = append(members[c], v)
			}
		}
		pairsOf[c] = append(pairsOf[c], k)
	}
	var in Instance
	for c, ms := range members {
		base := len(in.Supply)
		sink := base + len(ms)
		in.Supply = append(in.Supply, make([]int64, len(ms)+1)...)
		var total int64
		for _, v := range ms {
			if v < nO {
				q := g.Offers[v].Quantity
				in.Supply[base+local[v]] = q
				total += q
				in.Arcs = append(in.Arcs, Arc{From: base + local[v], To: sink, Cap: q})
			} else {
				in.Arcs = append(in.Arcs, Arc{From: base + local[v], To: sink, Cap: g.Needs[v-nO].Quantity})
			}
		}
		in.Supply[sink] = -total
		for _, k := range pairsOf[c] {
			p := g.Pairs[k]
			cp := min(g.Offers[p.Offer].Quantity, g.Needs[p.Need].Quantity)
			in.Arcs = append(in.Arcs, Arc{From: base + local[p.Offer], To: base + local[nO+p.Need], Cap: cp, Cost: -p.Weight})
		}
	}
	return in
}

// unionFind is a disjoint-set forest with path halving.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	uf := &unionFind{parent: make([]int, n)}
	for i := range uf.parent {
		uf.parent[i] = i
	}
	return uf
}

func (uf *unionFind) find(x int) int {
	for uf.parent[x] != x {
		uf.parent[x] = uf.parent[uf.parent[x]]
		x = uf.parent[x]
	}
	return x
}

func (uf *unionFind) union(a, b int) {
	if a, b = uf.find(a), uf.find(b); a != b {
		uf.parent[max(a, b)] = min(a, b)
	}
}
