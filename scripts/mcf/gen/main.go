// Command gen writes a deterministic transportation instance in DIMACS
// min-cost flow format, the same one BenchmarkSolveTransport20k solves, so
// that other solvers can be timed on identical input.
//
//	go run ./scripts/mcf/gen -sources 20000 -sinks 20000 -degree 50 -seed 1 -o FILE
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
	sources := flag.Int("sources", 20000, "number of source nodes")
	sinks := flag.Int("sinks", 20000, "number of sink nodes")
	degree := flag.Int("degree", 50, "arcs per source")
	seed := flag.Uint64("seed", 1, "generator seed")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()
	if *sources < 1 || *sinks < 1 || *degree < 1 {
		log.Fatal("gen: -sources, -sinks and -degree must be positive")
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
	in := mcfgen.Transport(*sources, *sinks, *degree, *seed)
	comment := fmt.Sprintf("gongjian transport sources=%d sinks=%d degree=%d seed=%d",
		*sources, *sinks, *degree, *seed)
	if err := in.WriteDIMACS(w, comment); err != nil {
		log.Fatal(err)
	}
}
