package repository_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/repository/repotest"
)

func TestOrgsAndUsers(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		ctx := context.Background()
		now := time.Now()
		orgs, users := repository.NewOrgs(db), repository.NewUsers(db)
		kind, name := domain.KindDistrict, "城中區"
		d, err := domain.NewOrg(domain.OrgInput{Kind: &kind, Name: &name}, nil, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := orgs.CreateOrg(ctx, d); err != nil {
			t.Fatal(err)
		}
		got, err := orgs.GetOrg(ctx, d.ID)
		if err != nil || got.Name != name || got.DistrictID != d.ID {
			t.Fatalf("GetOrg = %+v, %v", got, err)
		}
		if _, err := orgs.GetOrg(ctx, "nope"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("missing org: %v", err)
		}
		role, uname, pw := domain.RoleAdmin, "Admin", "secret-password"
		u, err := domain.NewUser(domain.UserInput{Username: &uname, Password: &pw, Role: &role}, d, domain.PasswordHasher{Cost: 4}, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := users.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		u2 := u
		u2.ID = domain.NewID()
		if err := users.CreateUser(ctx, u2); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("duplicate username: %v", err)
		}
		byName, err := users.GetUserByUsername(ctx, "admin")
		if err != nil || byName.ID != u.ID {
			t.Fatalf("by username: %+v %v", byName, err)
		}
		updated, err := users.UpdateUser(ctx, u.ID, func(u *domain.User) error { u.Deactivate(now); return nil })
		if err != nil || updated.Active || updated.Version != 2 {
			t.Fatalf("update: %+v %v", updated, err)
		}
		if _, err := users.UpdateUser(ctx, u.ID, func(*domain.User) error { return domain.ErrVersionMismatch }); !errors.Is(err, domain.ErrVersionMismatch) {
			t.Fatalf("fn error must pass through: %v", err)
		}
	})
}
