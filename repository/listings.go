package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/geo"
	"github.com/gongjian/gongjian/domain/schedule"
)

type listingRow struct {
	ID                string
	Side              string
	OrgID             string
	StreetID          string
	Category          string
	Title             string
	Description       string
	Quantity          int64
	Lat, Lng          float64
	Address           string
	RadiusKm          float64
	Windows           string
	Timezone          string
	Visibility        string
	ValidUntil        sql.NullTime
	MaxPerClaimant    sql.NullInt64
	OpenToPeople      bool
	PeopleAutoApprove bool
	Status            string
	SpanStart         int64
	SpanEnd           int64
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (listingRow) TableName() string { return "listings" }

type windowJSON struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	RRule string    `json:"rrule,omitempty"`
}

func toListingRow(l domain.Listing) (listingRow, error) {
	ws := make([]windowJSON, len(l.Windows))
	for i, w := range l.Windows {
		ws[i] = windowJSON{Start: w.Start, End: w.End, RRule: w.RRule}
	}
	b, err := json.Marshal(ws)
	if err != nil {
		return listingRow{}, err
	}
	span := l.Span()
	r := listingRow{
		ID: l.ID, Side: string(l.Side), OrgID: l.OrgID, StreetID: l.StreetID, Category: l.Category,
		Title: l.Title, Description: l.Description, Quantity: l.Quantity,
		Lat: l.Location.Lat, Lng: l.Location.Lng, Address: l.Location.Address, RadiusKm: l.RadiusKm,
		Windows: string(b), Timezone: l.TimeZone, Visibility: string(l.Visibility), Status: string(l.Status),
		SpanStart: span.Start.Unix(), SpanEnd: span.End.Unix(), Version: l.Version,
		OpenToPeople: l.OpenToPeople, PeopleAutoApprove: l.PeopleAutoApprove,
		CreatedAt: l.CreatedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC(),
	}
	if l.ValidUntil != nil {
		r.ValidUntil = sql.NullTime{Time: l.ValidUntil.UTC(), Valid: true}
	}
	if l.MaxPerClaimant > 0 {
		r.MaxPerClaimant = sql.NullInt64{Int64: l.MaxPerClaimant, Valid: true}
	}
	return r, nil
}

func (r listingRow) toDomain() (domain.Listing, error) {
	var ws []windowJSON
	if err := json.Unmarshal([]byte(r.Windows), &ws); err != nil {
		return domain.Listing{}, err
	}
	l := domain.Listing{
		ID: r.ID, Side: domain.Side(r.Side), OrgID: r.OrgID, StreetID: r.StreetID, Category: r.Category,
		Title: r.Title, Description: r.Description, Quantity: r.Quantity,
		Location: domain.Location{Lat: r.Lat, Lng: r.Lng, Address: r.Address}, RadiusKm: r.RadiusKm,
		TimeZone: r.Timezone, Visibility: domain.Visibility(r.Visibility), Status: domain.ListingStatus(r.Status),
		MaxPerClaimant: r.MaxPerClaimant.Int64, Version: r.Version,
		OpenToPeople: r.OpenToPeople, PeopleAutoApprove: r.PeopleAutoApprove,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	for _, w := range ws {
		l.Windows = append(l.Windows, schedule.Window{Start: w.Start, End: w.End, RRule: w.RRule})
	}
	if r.ValidUntil.Valid {
		t := r.ValidUntil.Time.UTC()
		l.ValidUntil = &t
	}
	return l, nil
}

// Listings is the domain.ListingStore.
type Listings struct{ db *DB }

// NewListings returns the listing store of db.
func NewListings(db *DB) *Listings { return &Listings{db: db} }

// CreateListing inserts l and its event.
func (s *Listings) CreateListing(ctx context.Context, l domain.Listing, ev domain.Event) error {
	r, err := toListingRow(l)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		noteCreated(tx, string(l.Side)+"s/"+l.ID)
		return insertEvent(tx, ev)
	})
}

// GetListing loads one listing.
func (s *Listings) GetListing(ctx context.Context, id string) (domain.Listing, error) {
	var r listingRow
	if err := s.db.conn(ctx).Take(&r, "id = ?", id).Error; err != nil {
		return domain.Listing{}, translate(err)
	}
	return r.toDomain()
}

// ListListings filters in SQL what indexes can (side, category, street, org, status, bounding
// box, time span, text) and checks exact distance and occurrence overlap in Go, reading batches
// until the page is full.
func (s *Listings) ListListings(ctx context.Context, f domain.ListingFilter) ([]domain.Listing, error) {
	want := f.Page.Limit + 1
	batch := max(want*2, 50)
	after := f.Page.After
	var out []domain.Listing
	for {
		q := s.filter(s.db.conn(ctx), f)
		if after != "" {
			q = q.Where("id > ?", after)
		}
		rows, err := findAll[listingRow](ctx, s.db, q.Order("id").Limit(batch))
		if err != nil {
			return nil, translate(err)
		}
		for _, r := range rows {
			l, err := r.toDomain()
			if err != nil {
				return nil, err
			}
			if exactMatch(l, f) {
				out = append(out, l)
				if f.Page.Limit > 0 && len(out) == want {
					return out, nil
				}
			}
		}
		if len(rows) < batch {
			return out, nil
		}
		after = rows[len(rows)-1].ID
	}
}

func (s *Listings) filter(q *gorm.DB, f domain.ListingFilter) *gorm.DB {
	q = q.Where("side = ?", string(f.Side))
	if f.Category != "" {
		q = q.Where("category = ?", f.Category)
	}
	if len(f.Categories) > 0 {
		q = q.Where("category IN ?", f.Categories)
	}
	if f.OrgID != "" {
		q = q.Where("org_id = ?", f.OrgID)
	}
	if f.StreetID != "" {
		q = q.Where("street_id = ?", f.StreetID)
	}
	if len(f.Statuses) > 0 {
		q = whereStatus(q, "valid_until", domain.ListingStatusTerms(f.Statuses, f.Now))
	}
	if f.RestrictStreet {
		q = q.Where("(visibility = 'public' OR street_id = ? OR org_id = ?)", f.ReaderStreetID, f.ReaderOrgID)
	}
	if f.Near != nil {
		minLat, minLng, maxLat, maxLng := geo.BoundingBox(geo.Point{Lat: f.Near.Lat, Lng: f.Near.Lng}, f.RadiusKm)
		q = q.Where("lat BETWEEN ? AND ? AND lng BETWEEN ? AND ?", minLat, maxLat, minLng, maxLng)
	}
	if f.From != nil && f.To != nil {
		q = q.Where("span_start < ? AND span_end > ?", f.To.Unix(), f.From.Unix())
	}
	if f.Query != "" {
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		q = q.Where(`(LOWER(title) LIKE ? ESCAPE '\' OR LOWER(description) LIKE ? ESCAPE '\')`, like, like)
	}
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func exactMatch(l domain.Listing, f domain.ListingFilter) bool {
	if f.Near != nil && geo.DistanceKm(geo.Point{Lat: f.Near.Lat, Lng: f.Near.Lng}, geo.Point{Lat: l.Location.Lat, Lng: l.Location.Lng}) > f.RadiusKm {
		return false
	}
	if f.From != nil && f.To != nil {
		occurs := domain.Listing.OccursBetween
		if f.OccursBetween != nil {
			occurs = f.OccursBetween
		}
		if !occurs(l, *f.From, *f.To) {
			return false
		}
	}
	return true
}

// UpdateListing locks the listing, loads its live holds, applies fn and saves the result.
func (s *Listings) UpdateListing(ctx context.Context, id string, now time.Time, fn func(*domain.Listing, []domain.Hold) (domain.Event, error)) (domain.Listing, error) {
	var l domain.Listing
	err := s.db.inTx(ctx, func(tx *gorm.DB) error {
		var r listingRow
		if err := s.db.forUpdate(tx).Take(&r, "id = ?", id).Error; err != nil {
			return err
		}
		var err error
		if l, err = r.toDomain(); err != nil {
			return err
		}
		// Ended occurrences no longer count: a listing stays editable after years of claims.
		holds, err := liveHoldSums(tx, id, now.Unix(), maxUnix, now)
		if err != nil {
			return err
		}
		ev, err := fn(&l, holds)
		if err != nil {
			return err
		}
		nr, err := toListingRow(l)
		if err != nil {
			return err
		}
		if err := tx.Save(&nr).Error; err != nil {
			return err
		}
		return insertEvent(tx, ev)
	})
	return l, err
}

// Holds returns the live holds on a listing overlapping [from, to).
func (s *Listings) Holds(ctx context.Context, id string, from, to, now time.Time) ([]domain.Hold, error) {
	h, err := liveHoldSums(s.db.conn(ctx), id, from.Unix(), to.Unix(), now)
	return h, translate(err)
}

// HoldsOf returns the live holds of many listings overlapping [from, to), by listing id, summed
// per listing and interval (without claimant or claim id): the callers only sweep them for
// peaks. It reads the hold ledger (hold_sums.go), a row per claimant and interval, not one per
// claim, and scans them without gorm's reflection.
func (s *Listings) HoldsOf(ctx context.Context, ids []string, from, to, now time.Time) (map[string][]domain.Hold, error) {
	out := make(map[string][]domain.Hold, len(ids))
	// Chunks keep the IN lists within every engine's limit on bound parameters.
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := s.db.conn(ctx).Raw(holdSumsOfRead, holdSumsArgs(chunk, from.Unix(), to.Unix(), now)...).Rows()
		if err != nil {
			return nil, translate(err)
		}
		for rows.Next() {
			var (
				id     string
				s, e   int64
				amount int64
			)
			if err := rows.Scan(&id, &s, &e, &amount); err != nil {
				_ = rows.Close()
				return nil, err
			}
			out[id] = append(out[id], domain.Hold{Start: time.Unix(s, 0).UTC(), End: time.Unix(e, 0).UTC(), Quantity: amount})
		}
		err = rows.Err()
		_ = rows.Close()
		if err != nil {
			return nil, translate(err)
		}
	}
	return out, nil
}
