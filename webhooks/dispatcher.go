// Package webhooks delivers events to webhooks (API.md §8): a Dispatcher fans new events of the
// feed out into delivery rows, then sends the deliveries that are due, signed, retrying with
// back-off. Every replica runs one; the database keeps them from stepping on each other.
package webhooks

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gongjian/gongjian/domain"
)

// Store is what the dispatcher needs from the database; repository.Webhooks implements it.
type Store interface {
	// FanOutCursor is the id of the last event fanned out ("" before the first).
	FanOutCursor(ctx context.Context) (string, error)
	ActiveWebhooks(ctx context.Context) ([]domain.Webhook, error)
	// Enqueue moves the cursor from from to to and inserts ds in one transaction, unless another
	// dispatcher moved the cursor first (moved is false, nothing written).
	Enqueue(ctx context.Context, from, to string, ds []domain.Delivery) (moved bool, err error)
	// ClaimDue leases up to limit due deliveries until now+lease.
	ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]domain.DueDelivery, error)
	// RenewLeases extends, until until, the leases of claimed deliveries whose attempt is not
	// saved yet.
	RenewLeases(ctx context.Context, claimed []domain.Delivery, until time.Time) error
	SaveAttempt(ctx context.Context, d domain.Delivery) error
}

// Events is the feed the dispatcher fans out: read at one horizon per fan-out cycle.
type Events interface {
	domain.EventStore
	// Horizon is the feed position up to which every event is committed (EventQuery.UpTo).
	Horizon(ctx context.Context) (int64, error)
}

// Options configure a Dispatcher. Store, Events and Log are required.
type Options struct {
	Store  Store
	Events Events
	// Client sends the deliveries; NewHTTPClient(false) when nil. Tests inject their own.
	Client *http.Client
	// Now is the dispatcher's clock (the service's one clock); time.Now when nil. Tests move it
	// to drive retries without sleeping.
	Now func() time.Time
	// Lease is how long a claimed delivery is reserved for its sender (default DefaultLease);
	// it is renewed while the send runs.
	Lease time.Duration
	Log   *slog.Logger
	// PageSize is how many events are fanned out per transaction (default 100); BatchSize how
	// many deliveries are claimed at once (default 20), and also how many are sent in parallel.
	PageSize, BatchSize int
	// Observe, when set, is told the status of each delivery after an attempt (for metrics).
	Observe func(domain.DeliveryStatus)
}

// DefaultLease is how long a claimed delivery is reserved for its sender; a sender that died
// frees it when the lease ends. A live sender renews it every third of a lease while it sends.
const DefaultLease = time.Minute

// Dispatcher fans events out to webhooks and delivers them.
type Dispatcher struct{ o Options }

// New returns a dispatcher.
func New(o Options) (*Dispatcher, error) {
	if o.Store == nil || o.Events == nil || o.Log == nil {
		return nil, errors.New("webhooks: nil dependency")
	}
	if o.Client == nil {
		o.Client = NewHTTPClient(false)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.PageSize <= 0 {
		o.PageSize = 100
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 20
	}
	return &Dispatcher{o: o}, nil
}

// Run fans out and delivers every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if _, err := d.FanOut(ctx); err != nil && ctx.Err() == nil {
			d.o.Log.Error("webhooks: fan out", "err", err)
		}
		if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			d.o.Log.Error("webhooks: deliver", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// FanOut turns the events committed since the cursor into deliveries, one page per transaction,
// until it has caught up with the feed as it was when the cycle began, and returns how many
// deliveries it created (that this dispatcher created: a page another dispatcher fanned out
// first counts for that one). The feed's horizon, which briefly excludes the event writers, is
// read once per cycle rather than once per page and org.
func (d *Dispatcher) FanOut(ctx context.Context) (int, error) {
	created := 0
	upTo, err := d.o.Events.Horizon(ctx)
	if err != nil {
		return 0, err
	}
	for ctx.Err() == nil {
		cursor, err := d.o.Store.FanOutCursor(ctx)
		if err != nil {
			return created, err
		}
		evs, err := d.o.Events.ListEvents(ctx, domain.EventQuery{After: cursor, Limit: d.o.PageSize, UpTo: upTo})
		if err != nil {
			return created, err
		}
		full := len(evs) > d.o.PageSize
		if full {
			evs = evs[:d.o.PageSize]
		}
		if len(evs) == 0 {
			return created, nil
		}
		hooks, err := d.o.Store.ActiveWebhooks(ctx)
		if err != nil {
			return created, err
		}
		if err := d.fillOrgs(ctx, cursor, upTo, evs, hooks); err != nil {
			return created, err
		}
		var ds []domain.Delivery
		for _, ev := range evs {
			for _, w := range hooks {
				if !w.Covers(ev) {
					continue
				}
				payload, err := Payload(ev)
				if err != nil {
					return created, err
				}
				ds = append(ds, domain.NewDelivery(w, ev, payload, d.o.Now()))
			}
		}
		moved, err := d.o.Store.Enqueue(ctx, cursor, evs[len(evs)-1].ID, ds)
		if err != nil {
			return created, err
		}
		if moved {
			created += len(ds)
		}
		// Not moved: another dispatcher took this page; carry on from where it left the cursor.
		if moved && !full {
			return created, nil
		}
	}
	return created, ctx.Err()
}

// fillOrgs sets OrgIDs on the events of the page that concern the orgs of org-scoped webhooks.
// The feed's rows carry their street but not their orgs, so each org's part of the page is read
// through the feed's own org filter: the org's events after cursor, in order, of which those in
// the page come first and are at most a page long.
func (d *Dispatcher) fillOrgs(ctx context.Context, cursor string, upTo int64, evs []domain.Event, hooks []domain.Webhook) error {
	index := make(map[string]int, len(evs))
	for i, ev := range evs {
		index[ev.ID] = i
	}
	seen := map[string]bool{}
	for _, w := range hooks {
		if w.OrgID == "" || seen[w.OrgID] {
			continue
		}
		seen[w.OrgID] = true
		mine, err := d.o.Events.ListEvents(ctx, domain.EventQuery{After: cursor, OrgID: w.OrgID, Limit: len(evs), UpTo: upTo})
		if err != nil {
			return err
		}
		for _, ev := range mine {
			i, ok := index[ev.ID]
			if !ok {
				break // past the page
			}
			evs[i].OrgIDs = append(evs[i].OrgIDs, w.OrgID)
		}
	}
	return nil
}
