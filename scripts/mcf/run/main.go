// Command run solves a DIMACS min-cost flow file with matching.RunDIMACS,
// standing in for "gongjian mcf FILE [--flows]" in benchmark scripts.
//
//	go run ./scripts/mcf/run FILE [--flows]
package main

import (
	"fmt"
	"os"

	"github.com/gongjian/gongjian/matching"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 || (len(os.Args) == 3 && os.Args[2] != "--flows") {
		fmt.Fprintln(os.Stderr, "usage: run FILE [--flows]")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	if err := matching.RunDIMACS(f, os.Stdout, len(os.Args) == 3); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
