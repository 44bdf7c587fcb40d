package domain

import (
	"context"
	"errors"
	"slices"
)

// NameRefs collects the ids a response shows names beside (API.md §1 "Names beside ids"), so
// that a whole page is named with one query per kind of thing, never one per item.
type NameRefs struct {
	Orgs       []string
	Actors     []string // user ids or app client ids (Principal.ActorID)
	Listings   []string
	Agreements []string
}

// Org, Actor, Listing and Agreement add ids to look up; empty ids are ignored.
func (r *NameRefs) Org(ids ...string)       { r.Orgs = addIDs(r.Orgs, ids) }
func (r *NameRefs) Actor(ids ...string)     { r.Actors = addIDs(r.Actors, ids) }
func (r *NameRefs) Listing(ids ...string)   { r.Listings = addIDs(r.Listings, ids) }
func (r *NameRefs) Agreement(ids ...string) { r.Agreements = addIDs(r.Agreements, ids) }

func addIDs(to, ids []string) []string {
	for _, id := range ids {
		if id != "" && !slices.Contains(to, id) {
			to = append(to, id)
		}
	}
	return to
}

// ListingName is what a response shows beside a listing id.
type ListingName struct {
	Title    string
	Category string
	OrgID    string
	OrgName  string
}

// Names are display names by id. A missing id has no name (the thing is gone, or the actor is
// the system).
type Names struct {
	Orgs       map[string]string
	Actors     map[string]string
	Listings   map[string]ListingName
	Agreements map[string]string
}

// Org, Actor, Listing and Agreement return the name of id, or nil when it has none.
func (n Names) Org(id string) *string       { return nameOf(n.Orgs, id) }
func (n Names) Actor(id string) *string     { return nameOf(n.Actors, id) }
func (n Names) Agreement(id string) *string { return nameOf(n.Agreements, id) }

// Listing returns the names shown beside a listing id.
func (n Names) Listing(id string) (ListingName, bool) {
	l, ok := n.Listings[id]
	return l, ok
}

func nameOf(m map[string]string, id string) *string {
	if s, ok := m[id]; ok {
		return &s
	}
	return nil
}

// NameStore looks names up: one query per non-empty kind of ref.
type NameStore interface {
	Names(ctx context.Context, refs NameRefs) (Names, error)
}

// Namer names the ids of responses the caller may already read. Organisation names are public
// to every signed-in principal (CanReadOrg); a listing's title and an actor's name are shown
// only beside a resource that names them and that the caller was allowed to read.
type Namer struct{ store NameStore }

// NewNamer wires the service.
func NewNamer(store NameStore) (*Namer, error) {
	if store == nil {
		return nil, errors.New("namer: nil dependency")
	}
	return &Namer{store: store}, nil
}

// Names looks up refs.
func (n *Namer) Names(ctx context.Context, refs NameRefs) (Names, error) {
	if len(refs.Orgs)+len(refs.Actors)+len(refs.Listings)+len(refs.Agreements) == 0 {
		return Names{}, nil
	}
	return n.store.Names(ctx, refs)
}
