package repository

import (
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

type eventRow struct {
	Seq       int64 `gorm:"primaryKey;autoIncrement"`
	ID        string
	Type      string
	At        time.Time
	SubjectID string
	Data      string
}

func (eventRow) TableName() string { return "events" }

// insertEvent writes ev in tx, the transaction of the change it reports. A zero event is skipped.
func insertEvent(tx *gorm.DB, ev domain.Event) error {
	if ev.Type == "" {
		return nil
	}
	data, err := json.Marshal(ev.Data)
	if err != nil {
		return err
	}
	return tx.Create(&eventRow{ID: ev.ID, Type: ev.Type, At: ev.At.UTC(), SubjectID: ev.SubjectID, Data: string(data)}).Error
}
