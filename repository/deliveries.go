package repository

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gongjian/gongjian/domain"
)

type deliveryRow struct {
	ID             string
	WebhookID      string
	EventID        string
	EventType      string
	Payload        string
	Attempt        int
	Status         string
	ResponseStatus sql.NullInt64
	Error          string
	NextAttemptAt  time.Time
	FirstAttemptAt sql.NullTime
	CreatedAt      time.Time
	DeliveredAt    sql.NullTime
}

func (deliveryRow) TableName() string { return "webhook_deliveries" }

func toDeliveryRow(d domain.Delivery) deliveryRow {
	return deliveryRow{
		ID: d.ID, WebhookID: d.WebhookID, EventID: d.EventID, EventType: d.EventType, Payload: string(d.Payload),
		Attempt: d.Attempt, Status: string(d.Status),
		ResponseStatus: sql.NullInt64{Int64: int64(d.ResponseStatus), Valid: d.ResponseStatus != 0},
		Error:          d.Error, NextAttemptAt: d.NextAttemptAt.UTC(), FirstAttemptAt: nullTime(d.FirstAttemptAt),
		CreatedAt: d.CreatedAt.UTC(), DeliveredAt: nullTime(d.DeliveredAt),
	}
}

func (r deliveryRow) toDomain() domain.Delivery {
	return domain.Delivery{
		ID: r.ID, WebhookID: r.WebhookID, EventID: r.EventID, EventType: r.EventType, Payload: []byte(r.Payload),
		Attempt: r.Attempt, Status: domain.DeliveryStatus(r.Status), ResponseStatus: int(r.ResponseStatus.Int64),
		Error: r.Error, NextAttemptAt: r.NextAttemptAt.UTC(), FirstAttemptAt: timePtr(r.FirstAttemptAt),
		CreatedAt: r.CreatedAt.UTC(), DeliveredAt: timePtr(r.DeliveredAt),
	}
}

var dueStatuses = []string{string(domain.DeliveryPending), string(domain.DeliveryFailed)}

// ListDeliveries lists a webhook's deliveries in id (creation) order, each with its attempts.
func (s *Webhooks) ListDeliveries(ctx context.Context, webhookID string, p domain.Page) ([]domain.Delivery, error) {
	var rows []deliveryRow
	if err := page(s.db.conn(ctx), p).Where("webhook_id = ?", webhookID).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.Delivery, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, s.withAttempts(ctx, out)
}

type cursorRow struct {
	ID      int
	EventID string
}

func (cursorRow) TableName() string { return "webhook_cursor" }

// FanOutCursor is the id of the last event fanned out to webhooks ("" before the first).
func (s *Webhooks) FanOutCursor(ctx context.Context) (string, error) {
	var r cursorRow
	if err := s.db.conn(ctx).Take(&r, "id = 1").Error; err != nil {
		return "", translate(err)
	}
	return r.EventID, nil
}

// Enqueue moves the fan-out cursor from from to to and inserts ds, in one transaction. The move
// is a compare-and-set: when another dispatcher moved the cursor first, nothing is written and
// moved is false. Deliveries that exist already are skipped (unique webhook_id, event_id), as a
// second line of defence against duplicates.
func (s *Webhooks) Enqueue(ctx context.Context, from, to string, ds []domain.Delivery) (moved bool, err error) {
	err = s.db.inTx(ctx, func(tx *gorm.DB) error {
		// Set the cursor first: on PostgreSQL a concurrent dispatcher queues on this row and,
		// once we commit, finds from gone and inserts nothing.
		res := tx.Model(&cursorRow{}).Where("id = 1 AND event_id = ?", from).Update("event_id", to)
		if res.Error != nil || res.RowsAffected == 0 {
			moved = false
			return res.Error
		}
		moved = true
		if len(ds) == 0 {
			return nil
		}
		rows := make([]deliveryRow, len(ds))
		for i, d := range ds {
			rows[i] = toDeliveryRow(d)
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "webhook_id"}, {Name: "event_id"}}, DoNothing: true}).
			CreateInBatches(&rows, 200).Error
	})
	return moved, err
}

// ClaimDue claims up to limit deliveries due at now whose webhook is not deleted, by moving
// their next attempt to now+lease in a short transaction: the caller sends them after it
// commits, and a delivery whose sender died is due again when the lease ends. On PostgreSQL
// concurrent dispatchers skip each other's locked rows (SKIP LOCKED); SQLite has one writer.
func (s *Webhooks) ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]domain.DueDelivery, error) {
	var (
		rows  []deliveryRow
		hooks []webhookRow
	)
	err := s.db.inTx(ctx, func(tx *gorm.DB) error {
		q := tx.Table("webhook_deliveries d").Select("d.*").
			Joins("JOIN webhooks w ON w.id = d.webhook_id").
			Where("d.status IN ? AND d.next_attempt_at <= ? AND w.deleted_at IS NULL", dueStatuses, now.UTC()).
			Order("d.next_attempt_at").Limit(limit)
		if s.db.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "d"}, Options: "SKIP LOCKED"})
		}
		if err := q.Find(&rows).Error; err != nil || len(rows) == 0 {
			return err
		}
		ids, hookIDs := make([]string, len(rows)), make([]string, len(rows))
		for i, r := range rows {
			ids[i], hookIDs[i] = r.ID, r.WebhookID
		}
		if err := tx.Select("id, url, secret").Where("id IN ?", hookIDs).Find(&hooks).Error; err != nil {
			return err
		}
		return tx.Model(&deliveryRow{}).Where("id IN ?", ids).Update("next_attempt_at", now.Add(lease).UTC()).Error
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]webhookRow, len(hooks))
	for _, h := range hooks {
		byID[h.ID] = h
	}
	out := make([]domain.DueDelivery, len(rows))
	for i, r := range rows {
		h := byID[r.WebhookID]
		out[i] = domain.DueDelivery{Delivery: r.toDomain(), URL: h.URL, Secret: h.Secret}
	}
	return out, nil
}

// RenewLeases extends the leases of the claimed deliveries whose attempt is not saved yet (the
// attempt number they were claimed with is still theirs).
func (s *Webhooks) RenewLeases(ctx context.Context, claimed []domain.Delivery, until time.Time) error {
	return s.db.inTx(ctx, func(tx *gorm.DB) error {
		for _, d := range claimed {
			if err := tx.Model(&deliveryRow{}).Where("id = ? AND attempt = ? AND status IN ?", d.ID, d.Attempt, dueStatuses).
				Update("next_attempt_at", until.UTC()).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// SaveAttempt stores the outcome of an attempt on d. It applies only while the delivery is due
// and no other attempt was recorded since d was claimed (its attempt count is one more than the
// stored one), so a sender that outlived its lease cannot overwrite a newer outcome, nor revive
// a delivery abandoned by DeleteWebhook.
func (s *Webhooks) SaveAttempt(ctx context.Context, d domain.Delivery) error {
	r := toDeliveryRow(d)
	return s.db.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&deliveryRow{}).Where("id = ? AND attempt = ? AND status IN ?", d.ID, d.Attempt-1, dueStatuses).
			Updates(map[string]any{
				"attempt": r.Attempt, "status": r.Status, "response_status": r.ResponseStatus, "error": r.Error,
				"next_attempt_at": r.NextAttemptAt, "first_attempt_at": r.FirstAttemptAt, "delivered_at": r.DeliveredAt,
			})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		at := d.NextAttemptAt
		if d.LastAttemptAt != nil {
			at = *d.LastAttemptAt
		}
		return tx.Create(&attemptRow{DeliveryID: d.ID, Attempt: d.Attempt, At: at.UTC(),
			ResponseStatus: r.ResponseStatus, Error: r.Error}).Error
	})
}

type attemptRow struct {
	DeliveryID     string `gorm:"primaryKey"`
	Attempt        int    `gorm:"primaryKey"`
	At             time.Time
	ResponseStatus sql.NullInt64
	Error          string
}

func (attemptRow) TableName() string { return "webhook_attempts" }

// withAttempts attaches their attempts, oldest first, to deliveries.
func (s *Webhooks) withAttempts(ctx context.Context, ds []domain.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]string, len(ds))
	at := make(map[string]int, len(ds))
	for i, d := range ds {
		ids[i], at[d.ID] = d.ID, i
		ds[i].Attempts = []domain.DeliveryAttempt{}
	}
	var rows []attemptRow
	if err := s.db.conn(ctx).Where("delivery_id IN ?", ids).Order("delivery_id, attempt").Find(&rows).Error; err != nil {
		return translate(err)
	}
	for _, r := range rows {
		d := &ds[at[r.DeliveryID]]
		d.Attempts = append(d.Attempts, domain.DeliveryAttempt{Attempt: r.Attempt, At: r.At.UTC(),
			ResponseStatus: int(r.ResponseStatus.Int64), Error: r.Error})
	}
	return nil
}
