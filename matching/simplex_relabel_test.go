package matching

import (
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// relabelAlways makes every solve relabel its nodes after every pivot
// until the returned function is called.
func relabelAlways() (restore func()) {
	f, p, n := relabelFactor, relabelMinPivots, relabelMinNodes
	relabelFactor, relabelMinPivots, relabelMinNodes = 0, 1, 0
	return func() { relabelFactor, relabelMinPivots, relabelMinNodes = f, p, n }
}

// Relabelling is an isomorphism: a solve that relabels after every pivot
// makes the same pivots and returns the same flow as one that never does,
// from the artificial start and from a crash start.
func TestSolveRelabelledIsIdentical(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var net *Network
		if rapid.Bool().Draw(t, "market") {
			net = marketNetwork(t)
		} else {
			net = mediumNetwork(t)
		}
		plain, errPlain := net.Solve()
		restore := relabelAlways()
		relabelled, errRel := net.Solve()
		restore()
		if errPlain != nil || errRel != nil {
			t.Fatalf("errors %v, %v", errPlain, errRel)
		}
		if !reflect.DeepEqual(plain, relabelled) {
			t.Fatalf("relabelled solve differs: %+v against %+v", relabelled, plain)
		}
		if relabelled.Status == Optimal {
			if err := checkFlow(net, relabelled); err != nil {
				t.Fatal(err)
			}
			if _, want := sspMinCost(net); relabelled.Cost != want {
				t.Fatalf("cost %d, reference %d", relabelled.Cost, want)
			}
		}
	})
}

// Kept simplexes restarted in place (components above repairMaxNodes)
// read the kept tree and potentials by node, so they must come back in the
// caller's numbering: chains of relabelled restarts match cold runs.
func TestAllocateWarmRestartRelabelled(t *testing.T) {
	defer relabelAlways()()
	checkWarmRestartChains(t)
}
