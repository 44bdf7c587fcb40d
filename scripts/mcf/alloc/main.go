// Command alloc times matching.Allocate, the product's own path, on the
// geographic market that `gen -family geo` and `gen -family geocomp`
// write as DIMACS, so that its time can be set beside LEMON's solve of the
// same data written as one network. It prints the optimum as a DIMACS cost
// (minus the total weight, comparable with the "s" line of either file)
// and the time of Allocate, network building included:
//
//	go run ./scripts/mcf/alloc -nodes 40000 -seed 1 [-warm 0.01]
//
// With -warm SHARE it also changes SHARE of the listings' amounts and
// times (in CPU time) a warm re-run, AllocateWarm from the first run's
// basis, against a cold Allocate on the changed data; -cpuprofile FILE
// writes a CPU profile of that warm re-run. The CPU clock read here moves
// in scheduler ticks (a 2,000-node warm run often read as 0 or as one
// tick), so small markets time both runs -reps times over and report the
// means: by default as many as make the cold runs last about 200 ms.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/gongjian/gongjian/matching"
	"github.com/gongjian/gongjian/matching/mcfgen"
)

func main() {
	nodes := flag.Int("nodes", 40000, "approximate node count, as for gen")
	seed := flag.Uint64("seed", 1, "generator seed")
	warm := flag.Float64("warm", 0, "share of listings to change for a warm re-run (0: none)")
	profile := flag.String("cpuprofile", "", "with -warm: write a CPU profile of the warm re-run to this file")
	reps := flag.Int("reps", 0, "with -warm: time the cold and the warm run this many times each (0: enough for about 200 ms of cold runs)")
	flag.Parse()

	g := mcfgen.GeoMarket(*nodes, *seed)
	offers := make([]matching.Supply, len(g.Offers))
	for i, o := range g.Offers {
		offers[i] = matching.Supply{ID: fmt.Sprintf("o%d", i), Capacity: o.Quantity}
	}
	needs := make([]matching.Demand, len(g.Needs))
	for j, n := range g.Needs {
		needs[j] = matching.Demand{ID: fmt.Sprintf("n%d", j), Quantity: n.Quantity}
	}
	edges := make([]matching.Edge, len(g.Pairs))
	for k, p := range g.Pairs {
		edges[k] = matching.Edge{Offer: p.Offer, Need: p.Need, Score: float64(p.Weight) / matching.ScoreScale}
	}

	if *warm <= 0 {
		start, cpu0 := time.Now(), processCPU()
		a := matching.Allocate(offers, needs, edges)
		elapsed, cpu := time.Since(start), processCPU()-cpu0
		fmt.Printf("s %d\nc solve_ms %.3f\nc solve_cpu_ms %.3f\n", -weight(a), ms(elapsed), ms(cpu))
		return
	}
	start := time.Now()
	a, basis := matching.AllocateWarm(nil, offers, needs, edges)
	elapsed := time.Since(start)
	fmt.Printf("s %d\nc solve_ms %.3f\n", -weight(a), ms(elapsed))

	r := rand.New(rand.NewPCG(*seed, 11))
	for range int(*warm * float64(len(offers)+len(needs))) {
		if k := r.IntN(len(offers) + len(needs)); k < len(offers) {
			offers[k].Capacity = int64(r.IntN(11))
		} else {
			needs[k-len(offers)].Quantity = int64(r.IntN(11))
		}
	}
	cpu0 := processCPU()
	cold := matching.Allocate(offers, needs, edges)
	cpu1 := processCPU()
	n := *reps
	if n <= 0 {
		n = 1
		if once := cpu1 - cpu0; once < 200*time.Millisecond {
			n = int(200*time.Millisecond/max(once, time.Millisecond)) + 1
		}
	}
	if n > 1 {
		cpu0 = processCPU()
		for range n {
			cold = matching.Allocate(offers, needs, edges)
		}
		cpu1 = processCPU()
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer f.Close()
	}
	var hot matching.Allocation
	for range n {
		hot, _ = matching.AllocateWarm(basis, offers, needs, edges)
	}
	cpu2 := processCPU()
	if *profile != "" {
		pprof.StopCPUProfile()
	}
	if weight(cold) != weight(hot) {
		log.Fatal("alloc: warm and cold runs disagree")
	}
	fmt.Printf("c reps %d\nc changed_cold_cpu_ms %.3f\nc changed_warm_cpu_ms %.3f\nc warm_over_cold %.3f\n",
		n, ms(cpu1-cpu0)/float64(n), ms(cpu2-cpu1)/float64(n), float64(cpu2-cpu1)/float64(cpu1-cpu0))
}

// weight is the allocation's total integer weight.
func weight(a matching.Allocation) int64 {
	var w int64
	for _, x := range a.Assignments {
		w += int64(x.Score*matching.ScoreScale+0.5) * x.Quantity
	}
	return w
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// processCPU is the CPU time of this process's threads so far, from
// /proc/self/task/*/schedstat (the same measure as `gongjian mcf`'s
// solve_cpu_ms), or 0 where there is no such file.
func processCPU() time.Duration {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 0
	}
	var total int64
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/schedstat")
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			ns, _ := strconv.ParseInt(f[0], 10, 64)
			total += ns
		}
	}
	return time.Duration(total)
}
