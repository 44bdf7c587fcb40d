// Package mcfgen generates deterministic min-cost flow instances for
// benchmarks and solver comparisons, and writes them in DIMACS format.
//
// It does not depend on package matching, so that matching's own tests and
// benchmarks can use it, as can the scripts that feed the same instance to
// other solvers.
package mcfgen

import (
	"bufio"
	"fmt"
	"io"
	"math"
)

// Arc is one arc of an instance; From and To are 0-based node indexes.
type Arc struct {
	From, To         int
	Lower, Cap, Cost int64
}

// Instance is a min-cost flow problem: Supply[v] > 0 for sources, < 0 for
// sinks, summing to zero.
type Instance struct {
	Supply []int64
	Arcs   []Arc
}

// Transport returns a feasible, capacitated transportation instance with
// the given numbers of sources (nodes 0..sources-1) and sinks (the nodes
// after them), each source having degree arcs to distinct random sinks,
// and costs uniform in [1, 10000]. The same arguments always give the same
// instance.
//
// Feasibility is planted: each source splits its supply (uniform in
// [1, 1000]) over one to three of its arcs, every sink demands exactly what
// it receives in that plan, and every arc's capacity is at least its
// planned flow (plus up to 1000 of slack). Sinks that receive nothing in
// the plan have zero demand but can still be used as the optimum sees fit,
// within capacities.
func Transport(sources, sinks, degree int, seed uint64) Instance {
	degree = min(degree, sinks)
	r := newRand(seed)
	in := Instance{
		Supply: make([]int64, sources+sinks),
		Arcs:   make([]Arc, 0, sources*degree),
	}
	seen := make(map[int]bool, degree)
	for s := range sources {
		first := len(in.Arcs)
		clear(seen)
		for len(seen) < degree {
			t := r.intn(sinks)
			if seen[t] {
				continue
			}
			seen[t] = true
			in.Arcs = append(in.Arcs, Arc{From: s, To: sources + t, Cost: 1 + int64(r.intn(10000))})
		}
		supply := 1 + int64(r.intn(1000))
		in.Supply[s] = supply
		// Plan: split the supply over the first k of this source's arcs
		// (their sinks are random, so "first" is as good as any).
		k := 1 + r.intn(min(3, degree))
		planned := make([]int64, degree)
		left := supply
		for i := range k - 1 {
			planned[i] = int64(r.intn(int(left) + 1))
			left -= planned[i]
		}
		planned[k-1] += left
		for i := range degree {
			a := &in.Arcs[first+i]
			a.Cap = planned[i] + int64(r.intn(1001))
			in.Supply[a.To] -= planned[i]
		}
	}
	return in
}

// WriteDIMACS writes the instance in DIMACS min-cost flow format, with
// 1-based node ids and an "n" line for every node with non-zero supply.
func (in Instance) WriteDIMACS(w io.Writer, comment string) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if comment != "" {
		fmt.Fprintf(bw, "c %s\n", comment)
	}
	fmt.Fprintf(bw, "p min %d %d\n", len(in.Supply), len(in.Arcs))
	for v, b := range in.Supply {
		if b != 0 {
			fmt.Fprintf(bw, "n %d %d\n", v+1, b)
		}
	}
	for _, a := range in.Arcs {
		fmt.Fprintf(bw, "a %d %d %d %d %d\n", a.From+1, a.To+1, a.Lower, a.Cap, a.Cost)
	}
	return bw.Flush()
}

// splitmix is SplitMix64: tiny, fast and fully specified, so instances do
// not change when the standard library's generators do.
type splitmix struct{ state uint64 }

func newRand(seed uint64) *splitmix { return &splitmix{state: seed} }

func (r *splitmix) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a value in [0, n); the modulo bias is negligible for the
// small n used here and keeps the generator trivially reproducible.
func (r *splitmix) intn(n int) int {
	return int(r.next() % uint64(n))
}

// float returns a value in [0, 1) from the top 53 bits.
func (r *splitmix) float() float64 {
	return float64(r.next()>>11) / (1 << 53)
}

// normal returns a standard normal deviate (Box–Muller, one of the pair).
func (r *splitmix) normal() float64 {
	u := 1 - r.float() // (0, 1], so the logarithm is finite
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}
