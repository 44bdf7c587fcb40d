package app

import (
	"context"
	"time"

	"github.com/gongjian/gongjian/api"
)

// StartBackground runs the periodic jobs until ctx ends: recording the expiry of pending claims
// whose hold has passed (their capacity is free from that instant anyway), and purging old
// idempotency keys. Every replica may run them; each claim is expired once, under its row lock.
func (a *App) StartBackground(ctx context.Context) {
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

func (a *App) sweep(ctx context.Context) {
	for {
		n, err := a.Market.ExpireOverdue(ctx, 200)
		if err != nil {
			if ctx.Err() == nil {
				a.Log.Error("expire claims", "err", err)
			}
			return
		}
		if n > 0 {
			a.Log.Info("expired claims", "count", n)
		}
		if n < 200 {
			break
		}
	}
	if _, err := a.Idem.Purge(ctx, time.Now(), api.IdempotencyTTL); err != nil && ctx.Err() == nil {
		a.Log.Error("purge idempotency keys", "err", err)
	}
}
