package domain

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

var (
	feedAdmin   = Principal{UserID: "a", Role: RoleAdmin, OrgID: "d", OrgKind: KindDistrict, DistrictID: "d"}
	feedCoordS  = Principal{UserID: "c", Role: RoleCoordinator, OrgID: "s", OrgKind: KindStreet, StreetID: "s"}
	feedStaff   = Principal{UserID: "st", Role: RoleCommunityStaff, OrgID: "comm", OrgKind: KindCommunity, StreetID: "s"}
	feedLiaison = Principal{UserID: "l", Role: RoleLiaison, OrgID: "unit", OrgKind: KindUnit, StreetID: "s"}
	feedApp     = Principal{ClientID: "app", Role: RoleApp, OrgID: "unit", OrgKind: KindUnit, StreetID: "s", Scopes: []string{ScopeEventsRead}}
	feedAppNo   = Principal{ClientID: "app2", Role: RoleApp, OrgID: "unit", OrgKind: KindUnit, StreetID: "s", Scopes: []string{ScopeClaimsRead}}
)

func TestEventScope(t *testing.T) {
	t.Parallel()
	rows := []struct {
		name          string
		p             Principal
		street, org   string
		wantForbidden bool
	}{
		{"admin sees all", feedAdmin, "", "", false},
		{"coordinator: own street", feedCoordS, "s", "", false},
		{"staff: own org", feedStaff, "", "comm", false},
		{"liaison: own org", feedLiaison, "", "unit", false},
		{"app with events:read: its org", feedApp, "", "unit", false},
		{"app without events:read", feedAppNo, "", "", true},
		{"coordinator without a street", Principal{Role: RoleCoordinator}, "", "", true},
		{"nobody", Principal{}, "", "", true},
	}
	for _, r := range rows {
		street, org, err := EventScope(r.p)
		if r.wantForbidden {
			if !errors.Is(err, ErrForbidden) {
				t.Errorf("%s: err = %v, want ErrForbidden", r.name, err)
			}
			continue
		}
		if err != nil || street != r.street || org != r.org {
			t.Errorf("%s: (%q, %q, %v), want (%q, %q)", r.name, street, org, err, r.street, r.org)
		}
	}
}

func TestParseEventTypes(t *testing.T) {
	t.Parallel()
	got, err := ParseEventTypes(" claim.created,claim.approved,,claim.created ")
	if err != nil || !slices.Equal(got, []string{"claim.created", "claim.approved"}) {
		t.Fatalf("ParseEventTypes = %v, %v", got, err)
	}
	if got, err := ParseEventTypes(""); err != nil || got != nil {
		t.Fatalf("empty list = %v, %v", got, err)
	}
	var v *ValidationError
	if _, err := ParseEventTypes("claim.created,claim.bogus"); !errors.As(err, &v) || v.Fields[0].Field != "types" {
		t.Fatalf("unknown type: %v", err)
	}
}

type fakeEvents struct{ got EventQuery }

func (f *fakeEvents) ListEvents(_ context.Context, q EventQuery) ([]Event, error) {
	f.got = q
	if q.After == "missing" {
		return nil, ErrNotFound
	}
	return []Event{NewEvent("claim.created", "c", time.Now(), nil)}, nil
}

func TestFeedAppliesScope(t *testing.T) {
	t.Parallel()
	store := &fakeEvents{}
	f, err := NewFeed(store)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// A caller cannot widen its scope by sending one.
	if _, err := f.Events(ctx, feedLiaison, EventQuery{Limit: 5, StreetID: "other", OrgID: "other"}); err != nil {
		t.Fatal(err)
	}
	if store.got.OrgID != "unit" || store.got.StreetID != "" || store.got.Limit != 5 {
		t.Fatalf("query = %+v", store.got)
	}
	var v *ValidationError
	if _, err := f.Events(ctx, feedAdmin, EventQuery{After: "missing"}); !errors.As(err, &v) || v.Fields[0].Field != "after" {
		t.Fatalf("unknown after: %v", err)
	}
	if _, err := f.Events(ctx, feedAdmin, EventQuery{Types: []string{"nope"}}); !errors.As(err, &v) {
		t.Fatalf("unknown type: %v", err)
	}
	if _, err := f.Events(ctx, feedAppNo, EventQuery{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("app without scope: %v", err)
	}
}

func TestEventScoped(t *testing.T) {
	t.Parallel()
	ev := NewEvent("claim.created", "c", time.Now(), nil).Scoped("s", "a", "", "b", "a")
	if ev.StreetID != "s" || !slices.Equal(ev.OrgIDs, []string{"a", "b"}) {
		t.Fatalf("Scoped = %+v", ev)
	}
}
