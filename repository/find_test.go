package repository_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

// TestFindAll: a list read through findAll (pgx on PostgreSQL) gives gorm's rows, and inside a
// transaction it reads on the transaction's connection, its uncommitted changes included.
func TestFindAll(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		ctx := context.Background()
		orgs := repository.NewOrgs(db)
		var ids []string
		for _, name := range []string{"东区", "西区"} {
			kind := domain.KindDistrict
			d, err := domain.NewOrg(domain.OrgInput{Kind: &kind, Name: &name}, nil, nil, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if err := orgs.CreateOrg(ctx, d); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d.ID)
		}
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
