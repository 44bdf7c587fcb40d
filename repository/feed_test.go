package repository_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// feedStory posts an offer and a need, claims the offer and approves the claim, after the
// agreement newMarket signs; it returns the street's id.
func feedStory(t *testing.T, mk *market) string {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2027, 3, 2, 19, 0, 0, 0, time.UTC)
	listing := func(p domain.Principal, side domain.Side, qty int64) domain.Listing {
		l, err := mk.m.CreateListing(ctx, p, side, domain.ListingInput{
			Category: ptr("parking"), Title: ptr("p"), Quantity: &qty, Location: &domain.Location{Lat: 24.3, Lng: 109.4},
			Windows: &[]domain.WindowInput{{Start: base, End: base.Add(12 * time.Hour), RRule: "FREQ=DAILY;COUNT=10"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	offer := listing(mk.liaison, domain.SideOffer, 10)
	listing(mk.staff, domain.SideNeed, 4)
	c, err := mk.m.CreateClaim(ctx, mk.staff, domain.ClaimInput{ListingID: offer.ID, Quantity: 3,
		Window: domain.WindowInput{Start: base, End: base.Add(4 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mk.m.ActOnClaim(ctx, mk.coord, c.ID, "approve", "", 0); err != nil {
		t.Fatal(err)
	}
	return offer.StreetID
}

func types(evs []domain.Event) string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
		if e.Type == "listing.created" {
			out[i] += "/" + e.Data["side"].(string)
		}
	}
	return strings.Join(out, " ")
}

func TestEventFeed(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		street := feedStory(t, mk)
		ctx := context.Background()
		store := repository.NewEvents(db)
		list := func(q domain.EventQuery) []domain.Event {
			t.Helper()
			if q.Limit == 0 {
				q.Limit = 100
			}
			evs, err := store.ListEvents(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return evs
		}
		all := "agreement.activated listing.created/offer listing.created/need claim.created claim.approved"
		for _, r := range []struct {
			name string
			q    domain.EventQuery
			want string
		}{
			{"everything", domain.EventQuery{}, all},
			{"the street", domain.EventQuery{StreetID: street}, all},
			{"another street", domain.EventQuery{StreetID: "elsewhere"}, ""},
			{"the unit", domain.EventQuery{OrgID: mk.unitID}, "agreement.activated listing.created/offer claim.created claim.approved"},
			{"the community", domain.EventQuery{OrgID: mk.communityID}, "agreement.activated listing.created/need claim.created claim.approved"},
			{"another org", domain.EventQuery{OrgID: "elsewhere"}, ""},
			{"claims of the unit", domain.EventQuery{OrgID: mk.unitID, Types: []string{"claim.approved", "claim.created"}}, "claim.created claim.approved"},
		} {
			if got := types(list(r.q)); got != r.want {
				t.Errorf("%s: %q, want %q", r.name, got, r.want)
			}
		}

		evs := list(domain.EventQuery{})
		c := evs[3]
		if c.Data["owner_org_id"] != mk.unitID || c.Data["claimant_org_id"] != mk.communityID || c.Data["quantity"] != 3.0 ||
			c.Data["status"] != "pending" || c.StreetID != street || !c.At.Equal(mk.now) {
			t.Fatalf("claim.created: %+v", c)
		}
		// Pages of 2, each continuing after the last event of the previous one.
		var paged []domain.Event
		after := ""
		for {
			page := list(domain.EventQuery{After: after, Limit: 2})
			paged = append(paged, page[:min(2, len(page))]...)
			if len(page) <= 2 {
				break
			}
			after = page[1].ID
		}
		if types(paged) != all {
			t.Fatalf("paged: %s", types(paged))
		}
		if evs := list(domain.EventQuery{After: evs[4].ID}); len(evs) != 0 {
			t.Fatalf("after the last event: %v", types(evs))
		}
		if _, err := store.ListEvents(ctx, domain.EventQuery{After: "no-such-event", Limit: 1}); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown after: %v", err)
		}
	})
}

// eventScopes reads, per event id, "street|org,org" as stored.
func eventScopes(t *testing.T, db *repository.DB) map[string]string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT e.id, e.street_id, COALESCE(o.org_id, '') FROM events e
		LEFT JOIN event_orgs o ON o.event_seq = e.seq ORDER BY e.seq, o.org_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, street, org string
		if err := rows.Scan(&id, &street, &org); err != nil {
			t.Fatal(err)
		}
		if _, ok := out[id]; !ok {
			out[id] = street + "|"
		}
		out[id] += org + ","
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEventScopeBackfill: migration 00005 gives events written before it the scope the writer
// now records, and rolls back cleanly.
func TestEventScopeBackfill(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		feedStory(t, newMarket(t, db))
		want := eventScopes(t, db)
		if len(want) != 5 {
			t.Fatalf("events: %v", want)
		}
		dialect := goose.DialectPostgres
		if db.Dialect() == repository.SQLite {
			dialect = goose.DialectSQLite3
		}
		p, err := goose.NewProvider(dialect, db.SQL(), os.DirFS("migrations/"+db.Dialect()))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := p.DownTo(ctx, 4); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Up(ctx); err != nil {
			t.Fatal(err)
		}
		got := eventScopes(t, db)
		for id, w := range want {
			if got[id] != w {
				t.Errorf("event %s: backfilled %q, written %q", id, got[id], w)
			}
		}
		for id, w := range want {
			if strings.HasPrefix(w, "|") || strings.HasSuffix(w, "|") {
				t.Errorf("event %s was written without a street or orgs: %q", id, w)
			}
		}
	})
}
