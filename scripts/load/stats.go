package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// recorder keeps every answer's latency and outcome per operation.
type recorder struct {
	mu       sync.Mutex
	ops      map[string]*opStats
	start    time.Time
	lastOK   time.Time
	maxGap   time.Duration // the longest time without any successful answer: the outage as clients saw it
	fivexx   int
	not503   int // 5xx other than 503 unavailable: the contract promises 503 for outages
	problems map[string]int
}

type opStats struct {
	lat      []time.Duration
	outcomes map[string]int
}

func newRecorder() *recorder {
	now := time.Now()
	return &recorder{ops: map[string]*opStats{}, problems: map[string]int{}, start: now, lastOK: now}
}

func (r *recorder) add(ctx context.Context, op string, a answer) {
	if a.err != nil && ctx.Err() != nil {
		return // cut off by the end of the run, not an answer of the server
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.ops[op]
	if s == nil {
		s = &opStats{outcomes: map[string]int{}}
		r.ops[op] = s
	}
	s.lat = append(s.lat, a.elapsed)
	s.outcomes[a.outcome()]++
	if a.status >= 500 {
		r.fivexx++
		if a.status != 503 {
			r.not503++
		}
	}
	if a.code != "" {
		r.problems[a.code]++
	}
	if a.err == nil && a.status < 500 {
		now := time.Now()
		if gap := now.Sub(r.lastOK); gap > r.maxGap {
			r.maxGap = gap
		}
		r.lastOK = now
	}
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// report prints the table and returns the totals: requests, the p99 over all requests.
func (r *recorder) report(w io.Writer, elapsed time.Duration) (total int, p99 time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.ops))
	for n := range r.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	var all []time.Duration
	fmt.Fprintf(w, "%-16s %8s %8s %8s %8s %8s %8s  %s\n", "operation", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "outcomes")
	for _, n := range names {
		s := r.ops[n]
		lat := slices.Clone(s.lat)
		slices.Sort(lat)
		all = append(all, lat...)
		var outs []string
		for o, c := range s.outcomes {
			outs = append(outs, fmt.Sprintf("%s×%d", o, c))
		}
		sort.Strings(outs)
		fmt.Fprintf(w, "%-16s %8d %8.1f %8s %8s %8s %8s  %s\n", n, len(lat), float64(len(lat))/elapsed.Seconds(),
			ms(pct(lat, .5)), ms(pct(lat, .95)), ms(pct(lat, .99)), ms(pct(lat, 1)), strings.Join(outs, " "))
	}
	slices.Sort(all)
	fmt.Fprintf(w, "%-16s %8d %8.1f %8s %8s %8s %8s\n", "all", len(all), float64(len(all))/elapsed.Seconds(),
		ms(pct(all, .5)), ms(pct(all, .95)), ms(pct(all, .99)), ms(pct(all, 1)))
	var codes []string
	for c, n := range r.problems {
		codes = append(codes, fmt.Sprintf("%s=%d", c, n))
	}
	sort.Strings(codes)
	fmt.Fprintf(w, "problem codes: %s\n5xx: %d   longest time without a successful answer: %s ms\n",
		or(strings.Join(codes, " "), "none"), r.fivexx, ms(r.maxGap))
	return len(all), pct(all, .99)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
