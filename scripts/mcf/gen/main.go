// Command gen writes a deterministic min-cost flow instance in DIMACS
// format, so that other solvers can be timed on exactly the input that
// matching's benchmarks use.
//
//	go run ./scripts/mcf/gen -family geo -nodes 40000 -seed 1 -o FILE
//
// Families (see package mcfgen): transport (uniform bipartite, planted
// supplies; sized by -sources, -sinks, -degree), geo (a matching run as one
// network with a super source and sink), geocomp (the same run in the
// per-component formulation of matching.Allocate), netgen (NETGEN-8) and
// grid (GRIDGEN-like).
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/gongjian/gongjian/matching/mcfgen"
)

func main() {
	family := flag.String("family", "transport", "transport, geo, geocomp, netgen or grid")
	nodes := flag.Int("nodes", 40000, "approximate node count (all families but transport)")
	sources := flag.Int("sources", 20000, "transport: number of source nodes")
	sinks := flag.Int("sinks", 20000, "transport: number of sink nodes")
	degree := flag.Int("degree", 50, "transport: arcs per source")
	seed := flag.Uint64("seed", 1, "generator seed")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()
	if *sources < 1 || *sinks < 1 || *degree < 1 || *nodes < 4 {
		log.Fatal("gen: -sources, -sinks and -degree must be positive, -nodes at least 4")
	}

	var in mcfgen.Instance
	comment := fmt.Sprintf("gongjian %s nodes=%d seed=%d", *family, *nodes, *seed)
	switch *family {
	case "transport":
		in = mcfgen.Transport(*sources, *sinks, *degree, *seed)
		comment = fmt.Sprintf("gongjian transport sources=%d sinks=%d degree=%d seed=%d",
			*sources, *sinks, *degree, *seed)
	case "geo":
		in = mcfgen.GeoMarket(*nodes, *seed).Network()
	case "geocomp":
		in = mcfgen.GeoMarket(*nodes, *seed).Components()
	case "netgen":
		in = mcfgen.Netgen(mcfgen.Netgen8(*nodes), *seed)
	case "grid":
		in = mcfgen.Grid(*nodes, *seed)
	default:
		log.Fatalf("gen: unknown family %q", *family)
	}

	var w io.Writer = os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		w = f
	}
	if err := in.WriteDIMACS(w, comment); err != nil {
		log.Fatal(err)
	}
}
