package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

type webhookRow struct {
	ID        string
	URL       string
	Events    string // JSON array
	Secret    string // plain: it is the HMAC key (see domain.Webhook)
	StreetID  string
	OrgID     string
	CreatedBy string
	CreatedAt time.Time
	DeletedAt sql.NullTime
}

func (webhookRow) TableName() string { return "webhooks" }

func toWebhookRow(w domain.Webhook) (webhookRow, error) {
	events, err := json.Marshal(w.Events)
	if err != nil {
		return webhookRow{}, err
	}
	return webhookRow{
		ID: w.ID, URL: w.URL, Events: string(events), Secret: w.Secret, StreetID: w.StreetID, OrgID: w.OrgID,
		CreatedBy: w.CreatedBy, CreatedAt: w.CreatedAt.UTC(), DeletedAt: nullTime(w.DeletedAt),
	}, nil
}

func (r webhookRow) toDomain() (domain.Webhook, error) {
	w := domain.Webhook{
		ID: r.ID, URL: r.URL, Secret: r.Secret, StreetID: r.StreetID, OrgID: r.OrgID,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), DeletedAt: timePtr(r.DeletedAt),
	}
	if err := json.Unmarshal([]byte(r.Events), &w.Events); err != nil {
		return domain.Webhook{}, fmt.Errorf("webhook %s: events: %w", r.ID, err)
	}
	return w, nil
}

func webhooksOf(rows []webhookRow) ([]domain.Webhook, error) {
	out := make([]domain.Webhook, len(rows))
	for i, r := range rows {
		w, err := r.toDomain()
		if err != nil {
			return nil, err
		}
		out[i] = w
	}
	return out, nil
}

// Webhooks is the domain.WebhookStore, and the store of the webhook dispatcher.
type Webhooks struct{ db *DB }

// NewWebhooks returns the webhook store of db.
func NewWebhooks(db *DB) *Webhooks { return &Webhooks{db: db} }

// CreateWebhook inserts w.
func (s *Webhooks) CreateWebhook(ctx context.Context, w domain.Webhook) error {
	r, err := toWebhookRow(w)
	if err != nil {
		return err
	}
	return s.db.createOne(ctx, "webhooks/"+w.ID, &r)
}

// GetWebhook loads a webhook that is not deleted.
func (s *Webhooks) GetWebhook(ctx context.Context, id string) (domain.Webhook, error) {
	var r webhookRow
	if err := s.db.conn(ctx).Take(&r, "id = ? AND deleted_at IS NULL", id).Error; err != nil {
		return domain.Webhook{}, translate(err)
	}
	return r.toDomain()
}

// ListWebhooks lists webhooks that are not deleted, in id (creation) order.
func (s *Webhooks) ListWebhooks(ctx context.Context, f domain.WebhookFilter) ([]domain.Webhook, error) {
	q := page(s.db.conn(ctx), f.Page).Where("deleted_at IS NULL")
	if f.CreatedBy != "" {
		q = q.Where("created_by = ?", f.CreatedBy)
	}
	var rows []webhookRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	return webhooksOf(rows)
}

// ActiveWebhooks lists every webhook that is not deleted and whose creator may still read events:
// an active user, or an app that is not revoked. A webhook receives what its creator could read,
// so it must stop when they no longer can. The dispatcher matches each page of events against all
// of them, so they are read whole: there are few (one per integration).
func (s *Webhooks) ActiveWebhooks(ctx context.Context) ([]domain.Webhook, error) {
	var rows []webhookRow
	err := s.db.conn(ctx).Where(`deleted_at IS NULL AND (
			EXISTS (SELECT 1 FROM users u WHERE u.id = webhooks.created_by AND u.active)
			OR EXISTS (SELECT 1 FROM clients c WHERE c.client_id = webhooks.created_by AND c.revoked_at IS NULL))`).
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	return webhooksOf(rows)
}

// DeleteWebhook marks the webhook deleted and abandons its deliveries still due, in one
// transaction; a delivery already claimed finishes its attempt but is never retried, because
// claims skip deleted webhooks.
func (s *Webhooks) DeleteWebhook(ctx context.Context, id string, now time.Time) error {
	return s.db.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&webhookRow{}).Where("id = ? AND deleted_at IS NULL", id).Update("deleted_at", now.UTC())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.ErrNotFound
		}
		return tx.Model(&deliveryRow{}).
			Where("webhook_id = ? AND status IN ?", id, []string{string(domain.DeliveryPending), string(domain.DeliveryFailed)}).
			Updates(map[string]any{"status": string(domain.DeliveryAbandoned), "error": "webhook deleted"}).Error
	})
}
