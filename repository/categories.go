package repository

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gongjian/gongjian/domain"
)

type categoryRow struct {
	Code         string `gorm:"primaryKey"`
	NameZH       string `gorm:"column:name_zh"`
	NameEN       string `gorm:"column:name_en"`
	QuantityUnit string
	Related      string
	CreatedAt    time.Time
}

func (categoryRow) TableName() string { return "categories" }

// Categories is the domain.CategoryStore.
type Categories struct{ db *DB }

// NewCategories returns the category store of db.
func NewCategories(db *DB) *Categories { return &Categories{db: db} }

// ListCategories returns every category by code.
func (s *Categories) ListCategories(ctx context.Context) ([]domain.Category, error) {
	var rows []categoryRow
	if err := s.db.conn(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.Category, len(rows))
	for i, r := range rows {
		out[i] = domain.Category{Code: r.Code, NameZH: r.NameZH, NameEN: r.NameEN, QuantityUnit: r.QuantityUnit, CreatedAt: r.CreatedAt.UTC()}
		if err := json.Unmarshal([]byte(r.Related), &out[i].Related); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CreateCategory inserts c; an existing code is domain.ErrConflict.
func (s *Categories) CreateCategory(ctx context.Context, c domain.Category) error {
	rel, err := json.Marshal(c.Related)
	if err != nil {
		return err
	}
	r := categoryRow{Code: c.Code, NameZH: c.NameZH, NameEN: c.NameEN, QuantityUnit: c.QuantityUnit, Related: string(rel), CreatedAt: c.CreatedAt.UTC()}
	return s.db.createOne(ctx, "categories/"+c.Code, &r)
}
