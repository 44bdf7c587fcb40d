package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gongjian/gongjian/matching"
)

// mcf solves a DIMACS min-cost-flow file (or standard input for "-") and prints the DIMACS
// solution: "s COST" or "s INFEASIBLE", "f SRC DST FLOW" lines with --flows, and "c solve_ms X".
func mcf(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("mcf", flag.ContinueOnError)
	flows := fs.Bool("flows", false, "print the flow on every arc that carries some")
	// Accept the flag before or after the file name.
	var files []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		return errors.New("usage: gongjian mcf FILE [--flows]   (FILE may be - for standard input)")
	}
	in := io.Reader(os.Stdin)
	if files[0] != "-" {
		f, err := os.Open(files[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	if err := matching.RunDIMACS(in, stdout, *flows); err != nil {
		return fmt.Errorf("mcf: %w", err)
	}
	return nil
}
