package matching

import "fmt"

// solveComponent solves one connected component, given as the indexes of
// its edges, and returns its assignments in edge order.
//
// The network: local nodes are the offers, then the needs, in order of
// first use, and a sink last. Arc v < nOffers is offer v's "keep" arc to
// the sink (uncapacitated, cost 0), arc nOffers+w is need w's drain to the
// sink (capacity = quantity), and the pair arcs follow in edge order
// (offer → need, uncapacitated, cost −weight).
//
// It always starts from a hint. Cold, the hint is the tree in which every
// offer keeps its whole supply and every need hangs from the sink with
// nothing: feasible, strongly feasible and with all potentials 0, so the
// simplex works on the real costs from its first pivot and never with the
// big-M of the artificial start. Warm, arcs take their state from the
// previous run's basis where it knows them, and new ones the cold state.
func (r *allocRun) solveComponent(ks []int32) componentResult {
	var res componentResult
	for _, k := range ks {
		e := r.edges[k]
		if r.localOffer[e.Offer] < 0 {
			r.localOffer[e.Offer] = int32(len(res.offerIDs))
			res.offerIDs = append(res.offerIDs, int32(e.Offer))
		}
		if r.localNeed[e.Need] < 0 {
			r.localNeed[e.Need] = int32(len(res.needIDs))
			res.needIDs = append(res.needIDs, int32(e.Need))
		}
	}
	nOffers := len(res.offerIDs)
	sink := nOffers + len(res.needIDs)
	net := NewNetwork(sink + 1)
	net.arcs = make([]arcSpec, 0, len(ks)+sink)
	hint := make([]int8, 0, len(ks)+sink)
	var total int64
	for v, i := range res.offerIDs {
		net.supply[v] = r.capacity[i]
		net.arcs = append(net.arcs, arcSpec{from: int32(v), to: int32(sink), upper: Infinity})
		hint = append(hint, r.prev.keepHint(r.oldOffer, int(i)))
		total += r.capacity[i]
	}
	net.supply[sink] = -total
	for w, j := range res.needIDs {
		net.arcs = append(net.arcs, arcSpec{from: int32(nOffers + w), to: int32(sink), upper: r.quantity[j]})
		hint = append(hint, r.prev.drainHint(r.oldNeed, int(j)))
	}
	first := len(net.arcs)
	for _, k := range ks {
		e := r.edges[k]
		net.arcs = append(net.arcs, arcSpec{
			from: r.localOffer[e.Offer], to: int32(nOffers) + r.localNeed[e.Need],
			upper: Infinity, cost: -r.weights[k],
		})
		hint = append(hint, r.prev.pairHint(r.oldOffer, r.oldNeed, e.Offer, e.Need))
	}

	// The network is always feasible (offers can send everything straight
	// to the sink) and has no cycles, so the only possible failure is the
	// overflow guard, which MaxQuantity keeps out of reach for components
	// of fewer than about four million offers and needs.
	st, flow, stats, err := net.solveFlow(solveOpts{hint: hint, keep: r.wantBasis})
	if err != nil || st != Optimal {
		panic(fmt.Sprintf("matching: Allocate: component of %d offers and %d needs: %v %v",
			nOffers, len(res.needIDs), st, err))
	}
	res.pivots = stats.pivots
	for i, k := range ks {
		if f := flow[first+i]; f > 0 {
			e := r.edges[k]
			res.assign = append(res.assign, Assignment{Offer: e.Offer, Need: e.Need, Quantity: f, Score: clampScore(e.Score)})
			if r.wantBasis {
				res.used = append(res.used, int32(first+i))
			}
		}
	}
	if r.wantBasis {
		sp := stats.kept
		res.sp = sp
		if sink <= repairMaxNodes { // a component warm runs may repair
			res.topo = &keptTopo{net: newRepairNet(sp, nOffers, len(res.needIDs), net.arcs)}
		}
		// Nothing pivots a kept simplex again: its pricing view can go,
		// which leaves the Basis about as large as before the topology.
		sp.pa, sp.pb, sp.pc = nil, nil, nil
	}
	return res
}
