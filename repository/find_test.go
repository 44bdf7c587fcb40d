package repository_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestFindAll: a list read through findAll (pgx on PostgreSQL) gives gorm's rows, and inside a
// transaction it reads on the transaction's connection, its uncommitted changes included.
func TestFindAll(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		ctx := context.Background()
		mk := newMarket(t, db)
		orgs := repository.NewOrgs(db)
		ids := []string{mk.communityID, mk.unitID}
		slices.Sort(ids)
		want := make([]string, len(ids))
		for i, id := range ids {
			o, err := orgs.GetOrg(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want[i] = o.Name
		}
		if got, err := db.FindOrgNames(ctx, ids, ""); err != nil || !slices.Equal(got, want) {
			t.Fatalf("on the pool: %v, %v; want %v", got, err, want)
		}
		if got, err := db.FindOrgNames(ctx, ids, "改名"); err != nil || !slices.Equal(got, []string{"改名", "改名"}) {
			t.Fatalf("in a transaction that renamed them: %v, %v", got, err)
		}
		if got, err := db.FindOrgNames(ctx, ids, ""); err != nil || !slices.Equal(got, want) {
			t.Fatalf("after the rollback: %v, %v; want %v", got, err, want)
		}
	})
}
