package repository_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestNamesOneStatementAndPerKind: a response's few names come from one statement, a long list
// from one query per kind and chunk; both give the same names.
func TestNamesOneStatementAndPerKind(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db)
		ctx := context.Background()
		qty := int64(2)
		offer := mk.parkingOffer(t, "夜间停车", qty, mk.now.Add(24*time.Hour), mk.now.Add(26*time.Hour))
		ags, err := repository.NewAgreements(db).ActiveAgreementsOf(ctx, []string{mk.communityID, mk.unitID})
		if err != nil || len(ags) != 1 {
			t.Fatalf("agreements: %v %v", ags, err)
		}
		small := domain.NameRefs{}
		small.Org(mk.communityID, mk.unitID, "no-such-org")
		small.Listing(offer.ID)
		small.Agreement(ags[0].ID)
		small.Actor("no-such-actor")
		names := repository.NewNames(db)
		got, err := names.Names(ctx, small)
		if err != nil {
			t.Fatal(err)
		}
		if *got.Org(mk.communityID) != "c" || *got.Org(mk.unitID) != "u" || got.Org("no-such-org") != nil ||
			*got.Agreement(ags[0].ID) != "t" || got.Actor("no-such-actor") != nil {
			t.Fatalf("names: %+v", got)
		}
		if l, ok := got.Listing(offer.ID); !ok || l.Title != "夜间停车" || l.Category != "parking" || l.OrgID != mk.unitID || l.OrgName != "u" {
			t.Fatalf("listing name: %+v", l)
		}
		// Each kind alone (the first part of the statement names its columns).
		for _, one := range []domain.NameRefs{{Listings: small.Listings}, {Agreements: small.Agreements},
			{Orgs: small.Orgs}} {
			alone, err := names.Names(ctx, one)
			if err != nil {
				t.Fatal(err)
			}
			if len(alone.Orgs)+len(alone.Listings)+len(alone.Agreements)+len(alone.Actors) == 0 {
				t.Fatalf("%+v alone: no names", one)
			}
			for id, l := range alone.Listings {
				if l != got.Listings[id] {
					t.Fatalf("listing %s alone: %+v, with the others %+v", id, l, got.Listings[id])
				}
			}
			for id, a := range alone.Agreements {
				if a != got.Agreements[id] {
					t.Fatalf("agreement %s alone: %q", id, a)
				}
			}
		}
		large := small
		for i := 0; i < 600; i++ {
			large.Org(fmt.Sprintf("absent-%d", i))
		}
		long, err := names.Names(ctx, large)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, long) {
			t.Fatalf("one statement %+v, per kind %+v", got, long)
		}
	})
}
