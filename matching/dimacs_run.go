package matching

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"
)

// RunDIMACS reads a DIMACS min-cost flow problem from in (see
// [ReadDIMACS]), solves it and writes the result to out in DIMACS solution
// format:
//
//	s COST                      (or s INFEASIBLE, s UNBOUNDED)
//	f SRC DST FLOW              (withFlows only: one line per arc with
//	                             non-zero flow, in input order, 1-based)
//	c solve_ms X                (solve time in milliseconds, 3 decimals)
//	c pivots N degenerate D     (simplex pivots, and those that moved no flow)
//
// The reported time covers the solve only, not parsing or writing. This is
// the one place in the package that reads a clock, and only to report it.
func RunDIMACS(in io.Reader, out io.Writer, withFlows bool) error {
	return RunDIMACSTimed(in, out, withFlows, nil)
}

// RunDIMACSTimed is [RunDIMACS] that also reports the processor time of
// the solve, read from cpu (the process's CPU time so far, as the caller
// can measure it), as "c solve_cpu_ms X". On a busy machine the wall time
// of a solve says more about the other processes than about the solver;
// its CPU time does not. A nil cpu, or one that returns a negative value,
// leaves the line out.
func RunDIMACSTimed(in io.Reader, out io.Writer, withFlows bool, cpu func() time.Duration) error {
	net, err := ReadDIMACS(in)
	if err != nil {
		return err
	}
	var cpu0 time.Duration = -1
	if cpu != nil {
		cpu0 = cpu()
	}
	start := time.Now()
	sol, err := net.Solve()
	elapsed := time.Since(start)
	cpu1 := cpu0
	if cpu0 >= 0 {
		cpu1 = cpu()
	}
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	if err := writeDIMACSSolution(bw, net, sol, withFlows); err != nil {
		return err
	}
	fmt.Fprintf(bw, "c solve_ms %.3f\n", float64(elapsed.Nanoseconds())/1e6)
	fmt.Fprintf(bw, "c pivots %d degenerate %d\n", sol.Pivots, sol.Degenerate)
	if cpu0 >= 0 && cpu1 >= 0 {
		fmt.Fprintf(bw, "c solve_cpu_ms %.3f\n", float64((cpu1-cpu0).Nanoseconds())/1e6)
	}
	return bw.Flush()
}

func writeDIMACSSolution(bw *bufio.Writer, net *Network, sol Solution, withFlows bool) error {
	switch sol.Status {
	case Infeasible:
		_, err := bw.WriteString("s INFEASIBLE\n")
		return err
	case Unbounded:
		_, err := bw.WriteString("s UNBOUNDED\n")
		return err
	}
	buf := make([]byte, 0, 64)
	buf = append(buf, "s "...)
	buf = strconv.AppendInt(buf, sol.Cost, 10)
	buf = append(buf, '\n')
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	if !withFlows {
		return nil
	}
	for i, f := range sol.Flow {
		if f == 0 {
			continue
		}
		a := net.arcs[i]
		buf = append(buf[:0], "f "...)
		buf = strconv.AppendInt(buf, int64(a.from)+1, 10)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, int64(a.to)+1, 10)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, f, 10)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
