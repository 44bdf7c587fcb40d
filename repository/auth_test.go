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

// TestSessionEpochs: a session lives while its epoch is its user's. Moving the epoch (a new
// password) ends the access side (LoadPrincipal) and the refresh side (RotateRefreshToken) of
// every session begun before, and a deactivated user's sessions end likewise.
func TestSessionEpochs(t *testing.T) {
	t.Parallel()
	repotest.Each(t, func(t *testing.T, db *repository.DB) {
		ctx := context.Background()
		now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
		orgs, users, auth := repository.NewOrgs(db), repository.NewUsers(db), repository.NewAuth(db)
		kind, name := domain.KindDistrict, "城中區"
		d, err := domain.NewOrg(domain.OrgInput{Kind: &kind, Name: &name}, nil, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := orgs.CreateOrg(ctx, d); err != nil {
			t.Fatal(err)
		}
		role, uname, pw := domain.RoleAdmin, "admin", "secret-password"
		hasher := domain.PasswordHasher{Cost: 4}
		u, err := domain.NewUser(domain.UserInput{Username: &uname, Password: &pw, Role: &role}, d, hasher, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := users.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		login := func(epoch int64, token string) domain.Session {
			s := domain.Session{ID: domain.NewID(), UserID: u.ID, Epoch: epoch, CreatedAt: now}
			if err := auth.CreateSession(ctx, s, domain.HashToken(token), now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			return s
		}
		old := login(0, "refresh-old")
		if _, err := auth.LoadPrincipal(ctx, u.ID, old.ID); err != nil {
			t.Fatalf("a live session: %v", err)
		}
		newPw := "another-password"
		changed, err := users.UpdateUser(ctx, u.ID, func(u *domain.User) error {
			return u.Update(domain.UserInput{Password: &newPw}, hasher, now)
		})
		if err != nil || changed.SessionEpoch != 1 {
			t.Fatalf("password change: epoch %d, %v", changed.SessionEpoch, err)
		}
		if _, err := auth.LoadPrincipal(ctx, u.ID, old.ID); !errors.Is(err, domain.ErrUnauthenticated) {
			t.Fatalf("access after a password change: %v", err)
		}
		if _, err := auth.RotateRefreshToken(ctx, domain.HashToken("refresh-old"), domain.HashToken("next"), now, now.Add(time.Hour)); !errors.Is(err, domain.ErrUnauthenticated) {
			t.Fatalf("refresh after a password change: %v", err)
		}
		current := login(1, "refresh-new")
		if _, err := auth.LoadPrincipal(ctx, u.ID, current.ID); err != nil {
			t.Fatalf("a session of the new epoch: %v", err)
		}
		rotated, err := auth.RotateRefreshToken(ctx, domain.HashToken("refresh-new"), domain.HashToken("refresh-2"), now, now.Add(time.Hour))
		if err != nil || rotated.Epoch != 1 {
			t.Fatalf("rotation in the new epoch: %+v %v", rotated, err)
		}
		if _, err := users.UpdateUser(ctx, u.ID, func(u *domain.User) error { u.Deactivate(now); return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.LoadPrincipal(ctx, u.ID, current.ID); !errors.Is(err, domain.ErrUnauthenticated) {
			t.Fatalf("access after deactivation: %v", err)
		}
		if _, err := auth.RotateRefreshToken(ctx, domain.HashToken("refresh-2"), domain.HashToken("refresh-3"), now, now.Add(time.Hour)); !errors.Is(err, domain.ErrUnauthenticated) {
			t.Fatalf("refresh after deactivation: %v", err)
		}
	})
}
