package domain

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Category is a kind of resource or need, such as parking (错时停车) or venue (场地设施).
// Related categories can match each other in suggestions.
type Category struct {
	Code         string
	NameZH       string
	NameEN       string
	QuantityUnit string
	Related      []string
	CreatedAt    time.Time
}

var categoryCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

// NewCategory validates a category an admin adds; related codes must exist (known reports it).
func NewCategory(c Category, known func(code string) bool, now time.Time) (Category, error) {
	v := &ValidationError{}
	c.Code = strings.TrimSpace(c.Code)
	if !categoryCodeRE.MatchString(c.Code) {
		v.Add("code", "invalid", "code must be 2–32 lower-case letters, digits or underscores")
	}
	c.NameZH, c.NameEN = strings.TrimSpace(c.NameZH), strings.TrimSpace(c.NameEN)
	if c.NameZH == "" {
		v.Add("name_zh", "required", "name_zh is required")
	}
	if c.NameEN == "" {
		v.Add("name_en", "required", "name_en is required")
	}
	checkLen(v, "name_zh", c.NameZH, 50)
	checkLen(v, "name_en", c.NameEN, 100)
	c.QuantityUnit = strings.TrimSpace(c.QuantityUnit)
	if c.QuantityUnit == "" {
		c.QuantityUnit = "unit"
	}
	checkLen(v, "quantity_unit", c.QuantityUnit, 30)
	for i, r := range c.Related {
		if r == c.Code || !known(r) {
			v.Add("related", "invalid", "related[%d] names no other category", i)
		}
	}
	if c.Related == nil {
		c.Related = []string{}
	}
	c.CreatedAt = now
	return c, v.Err()
}

// CategoryStore persists categories; the built-in set is seeded by a migration.
type CategoryStore interface {
	ListCategories(ctx context.Context) ([]Category, error)
	CreateCategory(ctx context.Context, c Category) error
}

// Catalog is the use-case service for categories. Categories change rarely, so the service
// reads them through on every call; the table is tiny.
type Catalog struct{ store CategoryStore }

// NewCatalog wires the service.
func NewCatalog(store CategoryStore) *Catalog { return &Catalog{store: store} }

// List returns every category.
func (s *Catalog) List(ctx context.Context) ([]Category, error) { return s.store.ListCategories(ctx) }

// Lookup returns the categories by code.
func (s *Catalog) Lookup(ctx context.Context) (map[string]Category, error) {
	all, err := s.store.ListCategories(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]Category, len(all))
	for _, c := range all {
		m[c.Code] = c
	}
	return m, nil
}

// Create adds a category (admins only).
func (s *Catalog) Create(ctx context.Context, p Principal, c Category, now time.Time) (Category, error) {
	if !p.IsAdmin() {
		return Category{}, ErrForbidden
	}
	known, err := s.Lookup(ctx)
	if err != nil {
		return Category{}, err
	}
	c, err = NewCategory(c, func(code string) bool { _, ok := known[code]; return ok }, now)
	if err != nil {
		return Category{}, err
	}
	return c, s.store.CreateCategory(ctx, c)
}
