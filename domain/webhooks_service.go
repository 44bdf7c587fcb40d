package domain

import (
	"context"
	"errors"
	"time"
)

// WebhookService manages webhooks; the webhooks package delivers them.
type WebhookService struct {
	store    WebhookStore
	resolver HostResolver
	// allowPrivate lets URLs use http and reach private addresses, for local development.
	allowPrivate bool
	now          func() time.Time
}

// NewWebhookService wires the service; none of the dependencies may be nil.
func NewWebhookService(store WebhookStore, resolver HostResolver, allowPrivate bool, now func() time.Time) (*WebhookService, error) {
	if store == nil || resolver == nil || now == nil {
		return nil, errors.New("webhook service: nil dependency")
	}
	return &WebhookService{store: store, resolver: resolver, allowPrivate: allowPrivate, now: now}, nil
}

// Create registers a webhook receiving what p may read from the feed now. Those allowed are
// exactly those allowed to read the feed (EventScope).
func (s *WebhookService) Create(ctx context.Context, p Principal, in WebhookInput) (Webhook, error) {
	street, org, err := EventScope(p)
	if err != nil {
		return Webhook{}, err
	}
	w, err := NewWebhook(ctx, in, p, street, org, s.resolver, s.allowPrivate, s.now())
	if err != nil {
		return Webhook{}, err
	}
	if err := s.store.CreateWebhook(ctx, w); err != nil {
		return Webhook{}, err
	}
	return w, nil
}

// Get returns a webhook p may see; any other is ErrNotFound, so ids of others do not leak.
func (s *WebhookService) Get(ctx context.Context, p Principal, id string) (Webhook, error) {
	w, err := s.store.GetWebhook(ctx, id)
	if err != nil {
		return Webhook{}, err
	}
	if !CanSeeWebhook(p, w) {
		return Webhook{}, ErrNotFound
	}
	return w, nil
}

// List lists every webhook for admins and the caller's own for anyone else.
func (s *WebhookService) List(ctx context.Context, p Principal, pg Page) ([]Webhook, error) {
	f := WebhookFilter{Page: pg}
	if !p.IsAdmin() {
		if p.ActorID() == "" {
			return nil, ErrForbidden
		}
		f.CreatedBy = p.ActorID()
	}
	return s.store.ListWebhooks(ctx, f)
}

// Delete stops a webhook: nothing more is sent to it, retries included.
func (s *WebhookService) Delete(ctx context.Context, p Principal, id string) error {
	if _, err := s.Get(ctx, p, id); err != nil {
		return err
	}
	return s.store.DeleteWebhook(ctx, id, s.now())
}

// Deliveries lists a webhook's deliveries, oldest first.
func (s *WebhookService) Deliveries(ctx context.Context, p Principal, id string, pg Page) ([]Delivery, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	return s.store.ListDeliveries(ctx, id, pg)
}
