package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/gongjian/gongjian/matching"
)

// mcf solves a DIMACS min-cost-flow file (or standard input for "-") and prints the DIMACS
// solution: "s COST" or "s INFEASIBLE", "f SRC DST FLOW" lines with --flows, and "c solve_ms X".
func mcf(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("mcf", flag.ContinueOnError)
	flows := fs.Bool("flows", false, "print the flow on every arc that carries some")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run (parse and solve) to this file")
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
		return errors.New("usage: gongjian mcf FILE [--flows] [--cpuprofile OUT]   (FILE may be - for standard input)")
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
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if err := matching.RunDIMACSTimed(in, stdout, *flows, processCPU); err != nil {
		return fmt.Errorf("mcf: %w", err)
	}
	return nil
}

// processCPU returns the CPU time that this process's threads have used,
// summed from /proc/self/task/*/schedstat (nanoseconds on a CPU), or -1
// where there are no such files. Benchmarks set it beside LEMON's clock()
// because on a shared machine the wall time of a solve mostly measures the
// other processes.
func processCPU() time.Duration {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return -1
	}
	var total int64
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/schedstat")
		if err != nil {
			continue // a thread that has just exited
		}
		f := bytes.Fields(b)
		if len(f) == 0 {
			return -1
		}
		ns, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return -1
		}
		total += ns
	}
	return time.Duration(total)
}
