package repository

import (
	"context"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

// InsertEvents writes evs in one transaction, the way the stores do.
func (db *DB) InsertEvents(ctx context.Context, evs ...domain.Event) error {
	return db.inTx(ctx, func(tx *gorm.DB) error {
		for _, ev := range evs {
			if err := insertEvent(tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteEventsAndWait writes evs in a transaction, closes written, and commits only once release
// is closed: a writer caught between numbering its events and committing them.
func (db *DB) WriteEventsAndWait(ctx context.Context, evs []domain.Event, written chan<- struct{}, release <-chan struct{}) error {
	return db.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := writeEvents(tx, evs); err != nil {
			return err
		}
		close(written)
		<-release
		return nil
	})
}
