package repository

import (
	"context"
	"database/sql"
	"math"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/schedule"
)

// maxUnix is the open end of a hold range.
const maxUnix = int64(math.MaxInt64)

type holdRow struct {
	ClaimID          string
	ListingID        string
	ClaimantOrgID    string
	ClaimantPersonID sql.NullString
	StartsAt         int64
	EndsAt           int64
	Quantity         int64
	ExpiresAt        sql.NullInt64
}

func (holdRow) TableName() string { return "claim_holds" }

type claimRow struct {
	ID                   string
	ListingID            string
	ListingSide          string
	OwnerOrgID           string
	ClaimantOrgID        string
	ClaimantPersonID     sql.NullString
	AgreementID          sql.NullString
	StreetID             string
	CounterpartListingID sql.NullString
	Quantity             int64
	WindowStart          time.Time
	WindowEnd            time.Time
	WindowRrule          string
	Timezone             string
	Note                 string
	Status               string
	ExpiresAt            time.Time
	OwnerConfirmedAt     sql.NullTime
	ClaimantConfirmedAt  sql.NullTime
	Rating               sql.NullInt64
	FeedbackComment      string
	FeedbackAt           sql.NullTime
	Version              int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

func (claimRow) TableName() string { return "claims" }

type historyRow struct {
	Seq        int64 `gorm:"primaryKey;autoIncrement"`
	ClaimID    string
	At         time.Time
	ActorID    string
	Action     string
	FromStatus string
	ToStatus   string
	Note       string
}

func (historyRow) TableName() string { return "claim_history" }

func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func toClaimRow(c domain.Claim) claimRow {
	r := claimRow{
		ID: c.ID, ListingID: c.ListingID, ListingSide: string(c.ListingSide), OwnerOrgID: c.OwnerOrgID,
		ClaimantOrgID: c.ClaimantOrgID, ClaimantPersonID: nullString(c.ClaimantPersonID),
		AgreementID: nullString(c.AgreementID), StreetID: c.StreetID,
		CounterpartListingID: nullString(c.CounterpartListingID), Quantity: c.Quantity,
		WindowStart: c.Window.Start.UTC(), WindowEnd: c.Window.End.UTC(), WindowRrule: c.Window.RRule,
		Timezone: c.TimeZone, Note: c.Note, Status: string(c.Status), ExpiresAt: c.ExpiresAt.UTC(),
		OwnerConfirmedAt: nullTime(c.OwnerConfirmedAt), ClaimantConfirmedAt: nullTime(c.ClaimantConfirmedAt),
		FeedbackComment: c.FeedbackComment, FeedbackAt: nullTime(c.FeedbackAt), Version: c.Version,
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
	if c.Rating > 0 {
		r.Rating = sql.NullInt64{Int64: int64(c.Rating), Valid: true}
	}
	return r
}

func (r claimRow) toDomain() domain.Claim {
	c := domain.Claim{
		ID: r.ID, ListingID: r.ListingID, ListingSide: domain.Side(r.ListingSide), OwnerOrgID: r.OwnerOrgID,
		ClaimantOrgID: r.ClaimantOrgID, ClaimantPersonID: r.ClaimantPersonID.String,
		AgreementID: r.AgreementID.String, StreetID: r.StreetID,
		CounterpartListingID: r.CounterpartListingID.String, Quantity: r.Quantity, TimeZone: r.Timezone,
		Window: schedule.Window{Start: r.WindowStart.UTC(), End: r.WindowEnd.UTC(), RRule: r.WindowRrule},
		Note:   r.Note, Status: domain.ClaimStatus(r.Status), ExpiresAt: r.ExpiresAt.UTC(),
		OwnerConfirmedAt: timePtr(r.OwnerConfirmedAt), ClaimantConfirmedAt: timePtr(r.ClaimantConfirmedAt),
		Rating: int(r.Rating.Int64), FeedbackComment: r.FeedbackComment, FeedbackAt: timePtr(r.FeedbackAt),
		Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	loc := domain.ZoneOr(r.Timezone)
	c.Window.Start, c.Window.End = c.Window.Start.In(loc), c.Window.End.In(loc)
	return c
}

// CapacityStrategy is how CreateClaim keeps the capacity invariant on PostgreSQL.
type CapacityStrategy int

const (
	// LockListing locks the listing row (SELECT … FOR UPDATE) under READ COMMITTED, then reads
	// the overlapping holds: claims on one listing queue, others run in parallel. The default.
	LockListing CapacityStrategy = iota
	// Serializable reads the holds without a lock in a SERIALIZABLE transaction and lets
	// PostgreSQL abort one of two conflicting writers (40001), which is then retried. Kept for
	// the benchmark that chose LockListing (see BenchmarkCreateClaim).
	Serializable
	// LockListingGorm is LockListing through gorm, statement by statement (ten round trips
	// under the lock instead of two): how claims ran before claims_pg.go, kept for the
	// benchmark that measures the difference.
	LockListingGorm
)

// Claims is the domain.ClaimStore.
type Claims struct {
	db       *DB
	strategy CapacityStrategy
	fast     atomic.Int64 // claims committed in one round trip (claims_pg_fast.go)
	refused  atomic.Int64 // claims refused in one round trip
	unlocked atomic.Int64 // claims refused without the lock (claims_pg_refuse.go)
	hints    refusalHints // listings that refused a claim lately
}

// NewClaims returns the claim store of db.
func NewClaims(db *DB) *Claims { return &Claims{db: db} }

// NewClaimsWithStrategy returns a claim store using strategy on PostgreSQL (SQLite always
// serialises writers).
func NewClaimsWithStrategy(db *DB, strategy CapacityStrategy) *Claims {
	return &Claims{db: db, strategy: strategy}
}

// CreateClaim is where the capacity invariant is kept: the listing row is locked (SELECT … FOR
// UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions exclude each other), the live holds
// overlapping the claim are read, the check runs, and the claim and its holds are inserted before
// the lock is released. Claims on one listing therefore serialise, and claims on different
// listings never wait for each other. Only one row is locked, so there is no lock order to break.
func (s *Claims) CreateClaim(ctx context.Context, nc domain.NewClaimTx, now time.Time) (err error) {
	defer func() { s.db.holds.claimWritten(nc.Claim.ListingID, err) }()
	if s.db.dialect == Postgres && s.strategy == LockListing && nc.ProposalID == "" &&
		nc.Claim.ClaimantPersonID == "" && nc.Claim.AgreementID != "" {
		return s.createClaimPG(ctx, nc, now) // the same transaction in two round trips (claims_pg.go)
	}
	occs := nc.Occurrences
	var opts *sql.TxOptions
	lock := s.db.forUpdate
	if s.strategy == Serializable && s.db.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelSerializable}
		lock = func(q *gorm.DB) *gorm.DB { return q }
	}
	return s.db.inTxOpts(ctx, opts, func(tx *gorm.DB) error {
		var lr listingRow
		if err := lock(tx).Take(&lr, "id = ?", nc.Claim.ListingID).Error; err != nil {
			return err
		}
		l, err := lr.toDomain()
		if err != nil {
			return err
		}
		holds, err := liveHoldSums(tx, l.ID, occs[0].Start.Unix(), occs[len(occs)-1].End.Unix(), now)
		if err != nil {
			return err
		}
		// The agreement's status under a share lock: a termination in flight (it holds the row
		// FOR UPDATE while it cancels pending claims) is waited for and then seen. The order —
		// listing, then agreement — is the same in every transaction that takes both.
		var ag agreementRow
		if nc.Claim.AgreementID != "" { // a person's claim on a need has none
			agq := tx.Select("status")
			if s.db.dialect == Postgres {
				agq = agq.Clauses(clause.Locking{Strength: "SHARE"})
			}
			if err := agq.Take(&ag, "id = ?", nc.Claim.AgreementID).Error; err != nil {
				return err
			}
		}
		// A person's claim: the person row under a share lock (after the agreement; see
		// checkClaimant), so that a deactivation, which cancels the person's live claims, is
		// waited for and seen.
		if err := s.checkClaimant(tx, nc.Claim); err != nil {
			return err
		}
		if err := nc.Check(l, holds, domain.AgreementStatus(ag.Status)); err != nil {
			return err
		}
		if err := s.insertClaim(tx, nc.Claim, occs); err != nil {
			return err
		}
		if nc.ProposalID != "" {
			return markProposal(tx, nc.ProposalID, nc.Claim.ID)
		}
		return nil
	})
}

func (s *Claims) insertClaim(tx *gorm.DB, c domain.Claim, occs []schedule.Interval) error {
	r := toClaimRow(c)
	if err := tx.Create(&r).Error; err != nil {
		return err
	}
	noteCreated(tx, "claims/"+c.ID)
	rows := make([]holdRow, len(occs))
	for i, o := range occs {
		rows[i] = holdRow{ClaimID: c.ID, ListingID: c.ListingID, ClaimantOrgID: c.ClaimantOrgID, ClaimantPersonID: nullString(c.ClaimantPersonID),
			StartsAt: o.Start.Unix(), EndsAt: o.End.Unix(), Quantity: c.Quantity, ExpiresAt: holdExpiry(c)}
	}
	if err := tx.CreateInBatches(rows, 500).Error; err != nil {
		return err
	}
	ivs := make([][2]int64, len(occs))
	for i, o := range occs {
		ivs[i] = [2]int64{o.Start.Unix(), o.End.Unix()}
	}
	if err := addHoldSums(tx, c.ListingID, c.ClaimantOrgID, c.ClaimantPersonID, ivs, c.Quantity); err != nil {
		return err
	}
	return saveHistory(tx, &c)
}

// holdExpiry: a pending claim's hold lapses at its expiry; an approved one's does not.
func holdExpiry(c domain.Claim) sql.NullInt64 {
	if c.Status == domain.ClaimPending {
		// Unix milliseconds, rounded up: a hold never lapses before its claim expires.
		ms := c.ExpiresAt.UnixMilli()
		if c.ExpiresAt.After(time.UnixMilli(ms)) {
			ms++
		}
		return sql.NullInt64{Int64: ms, Valid: true}
	}
	return sql.NullInt64{}
}

// saveHistory appends the claim's new history entries and their events.
func saveHistory(tx *gorm.DB, c *domain.Claim) error {
	hs, evs := claimRecords(c)
	for i := range hs {
		if err := tx.Create(&hs[i]).Error; err != nil {
			return err
		}
	}
	for _, ev := range evs {
		if err := insertEvent(tx, ev); err != nil {
			return err
		}
	}
	return nil
}

// claimRecords are the history rows and events of the claim's new history entries.
func claimRecords(c *domain.Claim) ([]historyRow, []domain.Event) {
	var (
		hs  []historyRow
		evs []domain.Event
	)
	for _, e := range c.Recorded() {
		hs = append(hs, historyRow{ClaimID: c.ID, At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action,
			FromStatus: string(e.From), ToStatus: string(e.To), Note: e.Note})
		if typ := domain.EventType(e.Action); typ != "" {
			data := map[string]any{
				"listing_id": c.ListingID, "owner_org_id": c.OwnerOrgID, "claimant_org_id": c.ClaimantOrgID,
				"street_id": c.StreetID, "quantity": c.Quantity, "status": string(e.To),
			}
			if c.ClaimantPersonID != "" {
				data["claimant_person_id"] = c.ClaimantPersonID
			}
			evs = append(evs, domain.NewEvent(typ, c.ID, e.At, data).Scoped(c.StreetID, c.OwnerOrgID, c.ClaimantOrgID))
		}
	}
	return hs, evs
}

// GetClaim loads a claim with its history.
func (s *Claims) GetClaim(ctx context.Context, id string) (domain.Claim, error) {
	return s.load(s.db.conn(ctx), id, false)
}

func (s *Claims) load(q *gorm.DB, id string, lock bool) (domain.Claim, error) {
	var r claimRow
	sel := q
	if lock {
		sel = s.db.forUpdate(q)
	}
	if err := sel.Take(&r, "id = ?", id).Error; err != nil {
		return domain.Claim{}, translate(err)
	}
	var hs []historyRow
	if err := q.Where("claim_id = ?", id).Order("seq").Find(&hs).Error; err != nil {
		return domain.Claim{}, translate(err)
	}
	return r.withHistory(hs), nil
}

// withHistory is the claim of row r with its history rows hs (in seq order).
func (r claimRow) withHistory(hs []historyRow) domain.Claim {
	c := r.toDomain()
	for _, h := range hs {
		c.History = append(c.History, domain.HistoryEntry{At: h.At.UTC(), ActorID: h.ActorID, Action: h.Action,
			From: domain.ClaimStatus(h.FromStatus), To: domain.ClaimStatus(h.ToStatus), Note: h.Note})
	}
	return c
}

// ListClaims lists claims in id order (without history).
func (s *Claims) ListClaims(ctx context.Context, f domain.ClaimFilter) ([]domain.Claim, error) {
	q := page(s.db.conn(ctx), f.Page)
	if len(f.Statuses) > 0 {
		q = whereStatus(q, "expires_at", domain.ClaimStatusTerms(f.Statuses, f.Now))
	}
	if f.StreetID != "" {
		q = q.Where("street_id = ?", f.StreetID)
	}
	if f.OnlyStreet != "" {
		q = q.Where("street_id = ?", f.OnlyStreet)
	}
	if f.ListingID != "" {
		q = q.Where("listing_id = ?", f.ListingID)
	}
	for _, org := range []string{f.OrgID, f.OnlyOrg} {
		if org != "" {
			q = q.Where("(owner_org_id = ? OR claimant_org_id = ?)", org, org)
		}
	}
	if f.OnlyPerson != "" {
		q = q.Where("claimant_person_id = ?", f.OnlyPerson)
	}
	rows, err := findAll[claimRow](ctx, s.db, q)
	if err != nil {
		return nil, translate(err)
	}
	out := make([]domain.Claim, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// UpdateClaim locks the claim, applies fn, and saves it with its history and events; holds are
// released when the claim stops being live, and made permanent when it is approved.
func (s *Claims) UpdateClaim(ctx context.Context, id string, fn func(*domain.Claim) error) (c domain.Claim, err error) {
	defer func() { s.db.holds.claimWritten(c.ListingID, err) }()
	if s.db.dialect == Postgres {
		var handled bool
		if c, handled, err = s.updateClaimPG(ctx, id, time.Time{}, fn, nil); handled {
			return c, err // in two round trips (claims_pg_update.go)
		}
	}
	err = s.db.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if c, err = s.load(tx, id, true); err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			return err
		}
		return s.saveClaim(tx, &c)
	})
	return c, err
}

// ApproveClaim takes the locks in the one order every capacity transaction uses (listing, then
// claim; see CreateClaim), loads the claim's occurrences that have not ended and the other live
// holds overlapping them, lets fn decide, and saves the claim. Because a new claim also holds
// the listing's lock while it checks, the check fn runs here sees every hold that counts, whatever
// the clocks of the replicas: no grace period is needed around a pending claim's expiry.
func (s *Claims) ApproveClaim(ctx context.Context, id string, now time.Time, fn func(c *domain.Claim, l domain.Listing, mine []schedule.Interval, others []domain.Hold) error) (c domain.Claim, err error) {
	defer func() { s.db.holds.claimWritten(c.ListingID, err) }()
	if s.db.dialect == Postgres {
		var handled bool
		if c, handled, err = s.updateClaimPG(ctx, id, now, nil, fn); handled {
			return c, err // in two round trips (claims_pg_update.go)
		}
	}
	err = s.db.inTx(ctx, func(tx *gorm.DB) error {
		var ref claimRow
		if err := tx.Select("listing_id").Take(&ref, "id = ?", id).Error; err != nil {
			return err
		}
		var lr listingRow
		if err := s.db.forUpdate(tx).Take(&lr, "id = ?", ref.ListingID).Error; err != nil {
			return err
		}
		l, err := lr.toDomain()
		if err != nil {
			return err
		}
		if c, err = s.load(tx, id, true); err != nil {
			return err
		}
		var own []holdRow
		if err := tx.Where("claim_id = ? AND ends_at > ?", id, now.Unix()).Order("starts_at").Find(&own).Error; err != nil {
			return err
		}
		var all []domain.Hold
		if len(own) > 0 {
			if all, err = liveHoldSums(tx, l.ID, own[0].StartsAt, own[len(own)-1].EndsAt, now); err != nil {
				return err
			}
		}
		mine, others := approvalHolds(own, all, now)
		if err := fn(&c, l, mine, others); err != nil {
			return err
		}
		return s.saveClaim(tx, &c)
	})
	return c, err
}

// approvalHolds are what an approval checks: the occurrences of the claim's own holds that have
// not ended (own, in start order), and the other holds that count over them (all, the ledger's
// sums over own's span, own included).
func approvalHolds(own []holdRow, all []domain.Hold, now time.Time) (mine []schedule.Interval, others []domain.Hold) {
	mine = make([]schedule.Interval, len(own))
	for i, h := range own {
		mine[i] = schedule.Interval{Start: time.Unix(h.StartsAt, 0).UTC(), End: time.Unix(h.EndsAt, 0).UTC()}
	}
	if len(own) > 0 {
		others = withoutOwn(all, own, now)
	}
	return mine, others
}

func (s *Claims) saveClaim(tx *gorm.DB, c *domain.Claim) error {
	r := toClaimRow(*c)
	if err := tx.Save(&r).Error; err != nil {
		return err
	}
	var err error
	switch {
	case !c.Status.Live():
		err = releaseHolds(tx, c.ID)
	case c.Status == domain.ClaimApproved:
		err = tx.Model(&holdRow{}).Where("claim_id = ?", c.ID).Update("expires_at", nil).Error
	}
	if err != nil {
		return err
	}
	if err := claimAftermath(tx, c); err != nil {
		return err
	}
	return saveHistory(tx, c)
}

// OverdueClaims lists pending claims whose hold expired before now, oldest first.
func (s *Claims) OverdueClaims(ctx context.Context, now time.Time, limit int) ([]string, error) {
	var ids []string
	err := s.db.conn(ctx).Model(&claimRow{}).Scopes(func(q *gorm.DB) *gorm.DB { return whereStatus(q, "expires_at", domain.OverdueClaimTerms(now)) }).
		Order("expires_at").Limit(limit).Pluck("id", &ids).Error
	return ids, translate(err)
}
