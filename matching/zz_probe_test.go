package matching

import (
	"fmt"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/gongjian/gongjian/matching/mcfgen"
)

func TestZZProbe(t *testing.T) {
	nodes := 40000
	if os.Getenv("ZZN") == "200000" {
		nodes = 200000
	}
	offers, needs, edges := geoRun(mcfgen.GeoMarket(nodes, 1))
	_, basis := AllocateWarm(nil, offers, needs, edges)
	changed, cn := changeListings(offers, needs, 0.01, 1)
	b := Allocate(changed, cn, edges)
	dbgOn = os.Getenv("ZZLOG") != ""
	if dbgOn {
		AllocateWarm(basis, changed, cn, edges)
		return
	}
	f, _ := os.Create("/tmp/probe/warm.prof")
	pprof.StartCPUProfile(f)
	dbgSearch.Store(0)
	dbgSettled.Store(0)
	dbgPush.Store(0)
	t0 := time.Now()
	const N = 10
	for range N {
		a, _ := AllocateWarm(basis, changed, cn, edges)
		if allocationWeight(a) != allocationWeight(b) {
			t.Fatal("differ")
		}
	}
	pprof.StopCPUProfile()
	fmt.Println("warm", time.Since(t0)/N, "searches", dbgSearch.Load()/N, "settled", dbgSettled.Load()/N, "push", dbgPush.Load()/N)
}
