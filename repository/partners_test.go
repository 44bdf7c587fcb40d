package repository_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestPartnersEndWithTheirAgreement: an active agreement makes its parties partners (they see
// each other's phone numbers) up to and including its ends_on, and no longer once it has expired
// by date, though its stored status is still active.
func TestPartnersEndWithTheirAgreement(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		mk := newMarket(t, db) // its agreement runs 2027-01-01 to 2028-12-31
		ctx := context.Background()
		p := repository.NewPartners(db)
		day := func(s string) time.Time {
			d, err := time.Parse("2006-01-02", s)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		for _, c := range []struct {
			today string
			want  bool
		}{{"2027-03-01", true}, {"2028-12-31", true}, {"2029-01-01", false}} {
			got, err := p.PartnersOf(ctx, mk.communityID, day(c.today))
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(got, mk.unitID) != c.want {
				t.Errorf("on %s: partners of the community %v, want the unit: %v", c.today, got, c.want)
			}
		}
	})
}
