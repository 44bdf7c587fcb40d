package repository

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gongjian/gongjian/domain"
)

// What a claim decides with, before its transaction (domain.ClaimStore.ClaimContext).
//
// Creating a claim first reads its listing, then the orgs of the listing's owner, its street and
// the claimant, then the agreements that may cover it: three queries, each waiting for the one
// before, on every claim. On PostgreSQL the three go out in one pipeline (the orgs and the
// agreements find the listing's owner and street by subquery), so the whole read is one round
// trip, and pgx scans the rows into the row types the gorm path uses (matching columns to fields
// by name, strictly: a column added to one of the tables without its field fails here, in the
// conformance tests, rather than being dropped). SQLite, in-process, runs the three queries of
// the other stores.

const (
	pgContextListing = `SELECT * FROM listings WHERE id = $1`
	pgContextOrgs    = `SELECT * FROM orgs WHERE id = $2
	OR id = (SELECT org_id FROM listings WHERE id = $1) OR id = (SELECT street_id FROM listings WHERE id = $1) ORDER BY id`
	// pgContextAgreements reads the active agreements between two of the orgs that can be party
	// to one covering the claim (coveringParties).
	pgContextAgreements = `WITH p AS (SELECT unnest(ARRAY[$2::text, l.org_id, l.street_id,
		(SELECT street_id FROM orgs WHERE id = l.org_id), (SELECT street_id FROM orgs WHERE id = $2)]) AS id
		FROM listings l WHERE l.id = $1)
	SELECT * FROM agreements WHERE status = 'active'
	AND party_a_org_id IN (SELECT id FROM p) AND party_b_org_id IN (SELECT id FROM p) ORDER BY created_at, id`
)

// coveringParties are the orgs an agreement covering a claim by claimant on l can have as its
// parties: the two orgs themselves and their streets (Agreement.coversParties: the two orgs, or a
// unit and the street of a community). An agreement of either org with anyone else cannot cover
// it, so ClaimContext leaves those out: on a unit with agreements across its street, most of them.
func coveringParties(l domain.Listing, orgs []domain.Org, claimant string) map[string]bool {
	p := map[string]bool{claimant: true, l.OrgID: true, l.StreetID: true}
	for _, o := range orgs {
		if o.ID == claimant || o.ID == l.OrgID {
			p[o.StreetID] = true
		}
	}
	delete(p, "")
	return p
}

// ClaimContext reads the listing, the orgs and the agreements a claim on listingID by
// claimantOrg decides with.
func (s *Claims) ClaimContext(ctx context.Context, listingID, claimantOrg string) (domain.ClaimContext, error) {
	if s.db.dialect != Postgres {
		return s.claimContextEach(ctx, listingID, claimantOrg)
	}
	var out domain.ClaimContext
	err := withPgx(ctx, s.db.sql, func(pc *pgx.Conn) error {
		b := &pgx.Batch{}
		b.Queue(pgContextListing, listingID)
		b.Queue(pgContextOrgs, listingID, claimantOrg)
		b.Queue(pgContextAgreements, listingID, claimantOrg)
		br := pc.SendBatch(ctx, b)
		var err error
		out, err = readClaimContext(br)
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return err
	})
	return out, translate(err)
}

func readClaimContext(br pgx.BatchResults) (out domain.ClaimContext, err error) {
	rows, err := br.Query()
	if err != nil {
		return out, err
	}
	lr, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[listingRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return out, domain.ErrNotFound
	}
	if err != nil {
		return out, err
	}
	if out.Listing, err = lr.toDomain(); err != nil {
		return out, err
	}
	if rows, err = br.Query(); err != nil {
		return out, err
	}
	orgs, err := pgx.CollectRows(rows, pgx.RowToStructByName[orgRow])
	if err != nil {
		return out, err
	}
	out.Orgs = make([]domain.Org, len(orgs))
	for i, r := range orgs {
		out.Orgs[i] = r.toDomain()
	}
	if rows, err = br.Query(); err != nil {
		return out, err
	}
	ags, err := pgx.CollectRows(rows, pgx.RowToStructByName[agreementRow])
	if err != nil {
		return out, err
	}
	out.Agreements = make([]domain.Agreement, len(ags))
	for i, r := range ags {
		if out.Agreements[i], err = r.toDomain(nil); err != nil {
			return out, err
		}
	}
	return out, nil
}

// claimContextEach is ClaimContext as three queries.
func (s *Claims) claimContextEach(ctx context.Context, listingID, claimantOrg string) (domain.ClaimContext, error) {
	var out domain.ClaimContext
	l, err := NewListings(s.db).GetListing(ctx, listingID)
	if err != nil {
		return out, err
	}
	out.Listing = l
	if out.Orgs, err = NewOrgs(s.db).ListOrgs(ctx, domain.OrgFilter{IDs: []string{l.OrgID, l.StreetID, claimantOrg}}); err != nil {
		return out, err
	}
	ags, err := NewAgreements(s.db).ActiveAgreementsOf(ctx, []string{l.OrgID, claimantOrg})
	if err != nil {
		return out, err
	}
	parties := coveringParties(l, out.Orgs, claimantOrg)
	for _, a := range ags {
		if parties[a.PartyAOrgID] && parties[a.PartyBOrgID] {
			out.Agreements = append(out.Agreements, a)
		}
	}
	return out, nil
}

// withPgx runs fn on the pgx connection under one connection of pool. A connection fn leaves
// closed is discarded by database/sql rather than returned to the pool.
func withPgx(ctx context.Context, pool *sql.DB, fn func(*pgx.Conn) error) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var fnErr error
	rawErr := conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("repository: PostgreSQL connection is %T, not pgx", dc)
		}
		pc := sc.Conn()
		fnErr = fn(pc)
		if pc.IsClosed() {
			return driver.ErrBadConn
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	return rawErr
}
