package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gongjian/gongjian/domain"
)

// eventJSON is an event as GET /events shows it (api.EventResponse); a test holds the two equal.
type eventJSON struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	At        time.Time      `json:"at"`
	SubjectID string         `json:"subject_id"`
	Data      map[string]any `json:"data"`
}

// Payload is the body of a delivery of ev: the event exactly as the feed lists it.
func Payload(ev domain.Event) ([]byte, error) {
	data := ev.Data
	if data == nil {
		data = map[string]any{}
	}
	return json.Marshal(eventJSON{ID: ev.ID, Type: ev.Type, At: ev.At, SubjectID: ev.SubjectID, Data: data})
}

// DeliverDue sends the deliveries that are due, a batch at a time, until none is due, and returns
// how many attempts it made. Each batch is claimed in a short transaction and sent outside it,
// so a slow receiver holds no database lock. Time is read afresh for every batch, every
// signature and every outcome, and the batch's leases are renewed while it is in flight, so a
// slow batch never lets another replica claim (and send again) what this one is still sending.
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		due, err := d.o.Store.ClaimDue(ctx, d.o.Now(), d.o.Lease, d.o.BatchSize)
		if err != nil {
			return sent, err
		}
		if len(due) == 0 {
			return sent, nil
		}
		stop := d.renewWhileSending(ctx, due)
		var wg sync.WaitGroup
		errs := make([]error, len(due))
		for i, dd := range due {
			wg.Go(func() {
				errs[i] = d.o.Store.SaveAttempt(ctx, d.attempt(ctx, dd))
			})
		}
		wg.Wait()
		stop()
		sent += len(due)
		if err := errors.Join(errs...); err != nil {
			return sent, err
		}
		if len(due) < d.o.BatchSize {
			return sent, nil
		}
	}
	return sent, ctx.Err()
}

// renewWhileSending extends the leases of a batch every third of a lease until stop is called.
func (d *Dispatcher) renewWhileSending(ctx context.Context, due []domain.DueDelivery) (stop func()) {
	claimed := make([]domain.Delivery, len(due))
	for i, dd := range due {
		claimed[i] = dd.Delivery
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(d.o.Lease / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := d.o.Store.RenewLeases(ctx, claimed, d.o.Now().Add(d.o.Lease)); err != nil && ctx.Err() == nil {
					d.o.Log.Warn("webhooks: renew leases", "err", err)
				}
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// attempt POSTs one delivery and returns it with the outcome recorded at the time it came.
func (d *Dispatcher) attempt(ctx context.Context, dd domain.DueDelivery) domain.Delivery {
	out := dd.Delivery
	status, err := d.post(ctx, dd)
	now := d.o.Now()
	switch {
	case err != nil:
		out.Fail(now, 0, errorText(err))
	case status >= 200 && status < 300:
		out.Succeed(now, status)
	default:
		out.Fail(now, status, "HTTP "+strconv.Itoa(status)+" "+http.StatusText(status))
	}
	if d.o.Observe != nil {
		d.o.Observe(out.Status)
	}
	return out
}

func (d *Dispatcher) post(ctx context.Context, dd domain.DueDelivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dd.URL, bytes.NewReader(dd.Payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "gongjian-webhooks/1")
	req.Header.Set("Gongjian-Event", dd.EventType)
	req.Header.Set("Gongjian-Delivery", dd.ID)
	// Timestamped as it leaves, so a receiver's freshness check sees the real age.
	req.Header.Set("Gongjian-Signature", Signature(dd.Secret, d.o.Now(), dd.Payload))
	res, err := d.o.Client.Do(req)
	if err != nil {
		return 0, err
	}
	// Read a little of the body so the connection can be reused; what it says is not kept.
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	_ = res.Body.Close()
	return res.StatusCode, nil
}

// errorText describes a failed request without its URL, which may carry the receiver's own
// credentials in its query; the secret is never part of an error.
func errorText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout after " + Timeout.String()
	}
	return err.Error()
}
