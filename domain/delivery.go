package domain

import (
	"math/rand/v2"
	"time"
)

// DeliveryStatus is where a webhook delivery stands.
type DeliveryStatus string

// Delivery statuses: pending until the first attempt ends, failed while a retry is scheduled,
// then succeeded, or abandoned when retries ran out or the webhook was deleted.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryFailed    DeliveryStatus = "failed"
	DeliverySucceeded DeliveryStatus = "succeeded"
	DeliveryAbandoned DeliveryStatus = "abandoned"
)

// Retry policy of deliveries (API.md §8: exponential back-off for 24 h).
const (
	DeliveryFirstBackoff = 30 * time.Second
	DeliveryMaxBackoff   = time.Hour
	DeliveryRetryFor     = 24 * time.Hour
	// MaxDeliveryError bounds the error text kept per attempt.
	MaxDeliveryError = 500
)

// Delivery is one event to send to one webhook. Attempt counts the attempts made; the response
// fields describe the latest one.
type Delivery struct {
	ID        string
	WebhookID string
	EventID   string
	EventType string
	// Payload is the body sent: the event as GET /events shows it, fixed at fan-out.
	Payload        []byte
	Attempt        int
	Status         DeliveryStatus
	ResponseStatus int // 0: no response (network error, timeout)
	Error          string
	NextAttemptAt  time.Time
	FirstAttemptAt *time.Time
	// LastAttemptAt is when the latest attempt was made.
	LastAttemptAt *time.Time
	CreatedAt     time.Time
	DeliveredAt   *time.Time
	// Attempts is the history of attempts, oldest first, when loaded for a listing.
	Attempts []DeliveryAttempt
}

// DeliveryAttempt is one attempt to send a delivery.
type DeliveryAttempt struct {
	Attempt        int
	At             time.Time
	ResponseStatus int // 0: no response
	Error          string
}

// NewDelivery is ev, encoded as payload, due to w now.
func NewDelivery(w Webhook, ev Event, payload []byte, now time.Time) Delivery {
	return Delivery{
		ID: NewID(), WebhookID: w.ID, EventID: ev.ID, EventType: ev.Type, Payload: payload,
		Status: DeliveryPending, NextAttemptAt: now, CreatedAt: now,
	}
}

// Succeed records an attempt answered with a 2xx status.
func (d *Delivery) Succeed(now time.Time, status int) {
	d.begin(now)
	d.Status, d.ResponseStatus, d.Error, d.DeliveredAt = DeliverySucceeded, status, "", &now
}

// Fail records a failed attempt (status 0 when there was no response) and schedules the next
// one, or abandons the delivery once DeliveryRetryFor has passed since the first attempt.
func (d *Delivery) Fail(now time.Time, status int, msg string) {
	d.begin(now)
	d.ResponseStatus, d.Error = status, truncate(msg, MaxDeliveryError)
	if now.Sub(*d.FirstAttemptAt) >= DeliveryRetryFor {
		d.Status = DeliveryAbandoned
		return
	}
	d.Status, d.NextAttemptAt = DeliveryFailed, now.Add(Backoff(d.Attempt))
}

func (d *Delivery) begin(now time.Time) {
	d.Attempt++
	d.LastAttemptAt = &now
	if d.FirstAttemptAt == nil {
		d.FirstAttemptAt = &now
	}
}

// Backoff is the wait after the attempt-th failed attempt: 30 s · 2^(attempt-1), capped at an
// hour, of which a random half is dropped ("equal jitter") so that receivers that failed
// together are not retried in lockstep.
func Backoff(attempt int) time.Duration {
	d := DeliveryMaxBackoff
	if attempt >= 1 && attempt <= 8 { // 30 s · 2^7 already exceeds the cap
		d = min(DeliveryFirstBackoff<<(attempt-1), DeliveryMaxBackoff)
	}
	return d/2 + rand.N(d/2+1)
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// DueDelivery is a delivery claimed for sending, with where and how to send it.
type DueDelivery struct {
	Delivery
	URL    string
	Secret string
}
