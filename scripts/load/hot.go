package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"time"
)

// hotLoad has o.clients clients claim the hot offer until o.claims claims succeeded (or the
// duration ends). Each claim is one night of the first --hot-nights, 4 hours starting at one of
// 19:00…02:00, quantity 1: the shape of BenchmarkCreateClaim, so the figures compare.
func hotLoad(ctx context.Context, o options, w *world, led *ledger, rec *recorder) {
	var wg sync.WaitGroup
	stop := make(chan struct{})
	defer close(stop)
	go progress(stop, led)
	for i := 0; i < o.clients; i++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 11))
			who := int(seed) % len(w.communities)
			for ctx.Err() == nil {
				led.mu.Lock()
				n := len(led.hotTimes)
				led.mu.Unlock()
				if n >= o.claims {
					return
				}
				led.claim(ctx, rec, "claim_hot", w, who, w.hot, rng, o.hotNights)
			}
		}(uint64(i))
	}
	wg.Wait()
}

// hotReport prints claims/s over successive windows of 1,000 claims, and the two the issue
// asks for: just after the first 1,000 claims, and just after 20,000.
func hotReport(out io.Writer, led *ledger) []string {
	led.mu.Lock()
	ts := append([]time.Time(nil), led.hotTimes...)
	led.mu.Unlock()
	rate := func(from, to int) float64 {
		if to >= len(ts) || from >= to {
			return 0
		}
		return float64(to-from) / ts[to].Sub(ts[from]).Seconds()
	}
	fmt.Fprintf(out, "\nhot offer: %d claims\n  claims/s per 1,000:", len(ts))
	for i := 0; i+1000 < len(ts); i += 1000 {
		if i%5000 == 0 {
			fmt.Fprintf(out, "\n  %6d:", i)
		}
		fmt.Fprintf(out, " %6.1f", rate(i, i+1000))
	}
	at1k, at20k := rate(1000, 2000), rate(20000, 21000)
	fmt.Fprintf(out, "\n  after 1,000: %.1f claims/s; after 20,000: %.1f claims/s", at1k, at20k)
	fields := []string{fmt.Sprintf("hot_claims=%d", len(ts)), fmt.Sprintf("rate_1k=%.1f", at1k), fmt.Sprintf("rate_20k=%.1f", at20k)}
	if at1k > 0 && at20k > 0 {
		fmt.Fprintf(out, " (%.0f %%)", 100*at20k/at1k)
		fields = append(fields, fmt.Sprintf("ratio_20k_1k=%.3f", at20k/at1k))
	}
	fmt.Fprintln(out)
	return fields
}

// progress tells on stderr how far a long hot run has got, every 10 s.
func progress(stop <-chan struct{}, led *ledger) {
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	last := 0
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			led.mu.Lock()
			n := len(led.hotTimes)
			led.mu.Unlock()
			fmt.Fprintf(os.Stderr, "  … %d claims on the hot offer, %.1f claims/s over the last 10 s\n", n, float64(n-last)/10)
			last = n
		}
	}
}
