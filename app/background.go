package app

import (
	"context"
	"time"

	"github.com/gongjian/gongjian/idempotency"
)

// StartBackground runs the periodic jobs until ctx ends: recording the expiry of pending claims
// whose hold has passed (their capacity is free from that instant anyway), and purging old
// idempotency keys; and, every few seconds, delivering webhooks. Every replica may run them;
// each claim is expired once, under its row lock, and each delivery is claimed by one replica.
func (a *App) StartBackground(ctx context.Context) {
	go a.Webhooks.Run(ctx, webhookInterval)
	go func() {
		tick := time.NewTicker(30 * time.Second)
		defer tick.Stop()
		for {
			a.sweep(ctx)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
}

// webhookInterval is how often new events are fanned out and due deliveries sent: the delay a
// receiver sees beyond the event's commit.
const webhookInterval = 3 * time.Second

func (a *App) sweep(ctx context.Context) {
	for {
		n, err := a.Market.ExpireOverdue(ctx, 200)
		if err != nil {
			if ctx.Err() == nil {
				a.Log.Error("expire claims", "err", err)
			}
			return
		}
		a.Metrics.ClaimsExpired(n)
		if n > 0 {
			a.Log.Info("expired claims", "count", n)
		}
		if n < 200 {
			break
		}
	}
	if _, err := a.Idem.Purge(ctx, a.Now(), idempotency.TTL); err != nil && ctx.Err() == nil {
		a.Log.Error("purge idempotency keys", "err", err)
	}
}
