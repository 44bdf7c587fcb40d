package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// weighted operations of the mix: what a street's clients do during a busy evening.
var mixOps = []struct {
	name   string
	weight int
}{
	{"search", 22}, {"suggestions", 15}, {"claim_spread", 20}, {"claim_hot", 10},
	{"approve", 10}, {"cancel", 8}, {"pending_list", 8}, {"get_claim", 7},
}

var claimOps = []struct {
	name   string
	weight int
}{{"claim_spread", 1}, {"claim_hot", 1}}

// spreadNights is how many nights ahead ordinary claims aim at: near enough that offers fill up
// and some claims are refused, as they would be.
const spreadNights = 30

func mixLoad(ctx context.Context, o options, w *world, led *ledger, rec *recorder) {
	ops := mixOps
	if o.mode == "claims" {
		ops = claimOps
	}
	total := 0
	for _, op := range ops {
		total += op.weight
	}
	var (
		wg   sync.WaitGroup
		done atomic.Int64
	)
	for i := 0; i < o.clients; i++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(time.Now().UnixNano())))
			for ctx.Err() == nil && (o.requests == 0 || done.Add(1) <= int64(o.requests)) {
				n := rng.IntN(total)
				name := ops[len(ops)-1].name
				for _, op := range ops {
					if n < op.weight {
						name = op.name
						break
					}
					n -= op.weight
				}
				mixOp(ctx, name, w, led, rec, rng)
			}
		}(uint64(i))
	}
	wg.Wait()
}

func mixOp(ctx context.Context, name string, w *world, led *ledger, rec *recorder, rng *rand.Rand) {
	who := rng.IntN(len(w.communities))
	c := w.communities[who].c
	switch name {
	case "search":
		from := w.night(rng.IntN(spreadNights))
		q := url.Values{}
		q.Set("category", "parking")
		q.Set("near", fmt.Sprintf("%.5f,%.5f", center.lat+(rng.Float64()-0.5)*0.02, center.lng+(rng.Float64()-0.5)*0.02))
		q.Set("radius_km", "3")
		q.Set("from", from.Format(time.RFC3339))
		q.Set("to", from.Add(12*time.Hour).Format(time.RFC3339))
		rec.add(ctx, name, c.do(ctx, "GET", "/api/v1/offers?"+q.Encode(), nil))
	case "suggestions":
		if len(w.needs) == 0 {
			return
		}
		n := w.needs[rng.IntN(len(w.needs))]
		rec.add(ctx, name, w.communities[n.owner].c.do(ctx, "GET", "/api/v1/needs/"+n.id+"/suggestions?limit=10", nil))
	case "claim_spread":
		led.claim(ctx, rec, name, w, who, w.offers[rng.IntN(len(w.offers))], rng, spreadNights)
	case "claim_hot":
		led.claim(ctx, rec, name, w, who, w.hot, rng, 2)
	case "approve":
		cl, ok := led.pick(rng, true)
		if !ok {
			return
		}
		a := w.coordinator.do(ctx, "POST", "/api/v1/claims/"+cl.id+"/approve", map[string]any{"note": "load"})
		rec.add(ctx, name, a)
		if a.ok() {
			cl.pending = false
			led.putBack(cl)
		}
	case "cancel":
		cl, ok := led.pick(rng, false)
		if !ok {
			return
		}
		a := w.communities[cl.claimant].c.do(ctx, "POST", "/api/v1/claims/"+cl.id+"/cancel", map[string]any{"reason": "load"})
		rec.add(ctx, name, a)
		if !a.ok() && a.code != "invalid_transition" {
			led.putBack(cl)
		}
	case "pending_list":
		rec.add(ctx, name, w.coordinator.do(ctx, "GET", "/api/v1/claims?status=pending&limit=20", nil))
	case "get_claim":
		cl, ok := led.pick(rng, false)
		if !ok {
			return
		}
		rec.add(ctx, name, w.communities[cl.claimant].c.do(ctx, "GET", "/api/v1/claims/"+cl.id, nil))
		led.putBack(cl)
	}
}
