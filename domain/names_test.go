package domain

import (
	"context"
	"slices"
	"testing"
)

// namesAsked is a NameStore that answers every id with "n:"+id and records what it was asked.
type namesAsked struct{ asked []NameRefs }

func (s *namesAsked) Names(_ context.Context, refs NameRefs) (Names, error) {
	s.asked = append(s.asked, refs)
	out := Names{Orgs: map[string]string{}, Actors: map[string]string{}, Listings: map[string]ListingName{}, Agreements: map[string]string{}}
	for _, id := range refs.Orgs {
		out.Orgs[id] = "n:" + id
	}
	for _, id := range refs.Actors {
		out.Actors[id] = "n:" + id
	}
	for _, id := range refs.Listings {
		out.Listings[id] = ListingName{Title: "n:" + id}
	}
	for _, id := range refs.Agreements {
		out.Agreements[id] = "n:" + id
	}
	return out, nil
}

// TestNameMemo: with a memo, Names answers what the request has read from it and asks the store
// only for the rest (nothing at all when the memo knows everything); without one, the store.
func TestNameMemo(t *testing.T) {
	store := &namesAsked{}
	n, err := NewNamer(store)
	if err != nil {
		t.Fatal(err)
	}
	refs := NameRefs{}
	refs.Org("owner", "claimant", "street")
	refs.Listing("offer")
	refs.Agreement("ag")
	refs.Actor("user", "system")

	ctx := WithNameMemo(context.Background())
	rememberOrgs(ctx, Org{ID: "owner", Name: "市第一中学"}, Org{ID: "claimant", Name: "五星社区"}, Org{ID: "street", Name: "五星街道"})
	rememberListing(ctx, Listing{ID: "offer", Title: "夜间停车", Category: "parking", OrgID: "owner"}, "市第一中学")
	rememberAgreement(ctx, Agreement{ID: "ag", Title: "共建协议"})
	RememberActor(ctx, Principal{UserID: "user", Name: "staff"})
	rememberNoActor(ctx, "system")
	got, err := n.Names(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(store.asked) != 0 {
		t.Fatalf("the store was asked %v although the memo knew every name", store.asked)
	}
	if *got.Org("street") != "五星街道" || *got.Agreement("ag") != "共建协议" || *got.Actor("user") != "staff" || got.Actor("system") != nil {
		t.Fatalf("names from the memo: %+v", got)
	}
	if l, _ := got.Listing("offer"); l != (ListingName{Title: "夜间停车", Category: "parking", OrgID: "owner", OrgName: "市第一中学"}) {
		t.Fatalf("listing from the memo: %+v", l)
	}

	// What the memo lacks comes from the store, and only that.
	refs.Listing("counterpart")
	refs.Actor("coordinator")
	got, err = n.Names(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(store.asked) != 1 || !slices.Equal(store.asked[0].Listings, []string{"counterpart"}) ||
		!slices.Equal(store.asked[0].Actors, []string{"coordinator"}) || len(store.asked[0].Orgs)+len(store.asked[0].Agreements) != 0 {
		t.Fatalf("asked the store for %+v, want only the counterpart and the coordinator", store.asked)
	}
	if l, _ := got.Listing("counterpart"); l.Title != "n:counterpart" || *got.Actor("coordinator") != "n:coordinator" || *got.Org("owner") != "市第一中学" {
		t.Fatalf("merged names: %+v", got)
	}

	// Without a memo (and for a principal without a name) everything is asked.
	store.asked = nil
	plain := context.Background()
	RememberActor(plain, Principal{UserID: "user", Name: "staff"}) // no memo: nothing happens
	if _, err := n.Names(plain, refs); err != nil || len(store.asked) != 1 || len(store.asked[0].Orgs) != 3 || len(store.asked[0].Actors) != 3 {
		t.Fatalf("without a memo: %v, asked %+v", err, store.asked)
	}
}
