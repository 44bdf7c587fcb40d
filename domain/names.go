package domain

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
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

// Names looks up refs: from the request's name memo what it holds (WithNameMemo), from the
// store the rest.
func (n *Namer) Names(ctx context.Context, refs NameRefs) (Names, error) {
	if refs.empty() {
		return Names{}, nil
	}
	m := memoOf(ctx)
	if m == nil {
		return n.store.Names(ctx, refs)
	}
	out := Names{Orgs: map[string]string{}, Actors: map[string]string{}, Listings: map[string]ListingName{}, Agreements: map[string]string{}}
	rest := m.answer(refs, out)
	if rest.empty() {
		return out, nil
	}
	got, err := n.store.Names(ctx, rest)
	if err != nil {
		return Names{}, err
	}
	maps.Copy(out.Orgs, got.Orgs)
	maps.Copy(out.Actors, got.Actors)
	maps.Copy(out.Listings, got.Listings)
	maps.Copy(out.Agreements, got.Agreements)
	return out, nil
}

func (r NameRefs) empty() bool {
	return len(r.Orgs)+len(r.Actors)+len(r.Listings)+len(r.Agreements) == 0
}

// A name memo keeps, for one request, the names of what the request has already read, so that
// naming its response does not read them again. Claim creation reads the listing, the two orgs,
// the street and the agreement before it writes, and its response names exactly those: with a
// memo the response costs no names query at all (a statement and a round trip per claim, on the
// hottest path of the service).
//
// A memo is opt-in: a handler whose request changes no name creates one with WithNameMemo, the
// services it calls remember what they read, and Names answers from it what it can, asking the
// store for the rest. What a memo holds is what the store said a moment earlier in the same
// request, as current as a names query would have been at the request's start.
type nameMemo struct {
	mu         sync.Mutex
	orgs       map[string]string
	actors     map[string]string
	noActor    map[string]bool // ids known to name no actor ("system")
	listings   map[string]ListingName
	agreements map[string]string
}

type nameMemoKey struct{}

// WithNameMemo returns ctx with an empty name memo.
func WithNameMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, nameMemoKey{}, &nameMemo{
		orgs: map[string]string{}, actors: map[string]string{}, noActor: map[string]bool{},
		listings: map[string]ListingName{}, agreements: map[string]string{},
	})
}

func memoOf(ctx context.Context) *nameMemo {
	m, _ := ctx.Value(nameMemoKey{}).(*nameMemo)
	return m
}

// rememberOrgs, rememberListing, rememberAgreement and rememberActor record what a service read;
// without a memo in ctx they do nothing. A listing is remembered with its org's name, so only
// after its org.
func rememberOrgs(ctx context.Context, orgs ...Org) {
	if m := memoOf(ctx); m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, o := range orgs {
			m.orgs[o.ID] = o.Name
		}
	}
}

func rememberListing(ctx context.Context, l Listing, orgName string) {
	if m := memoOf(ctx); m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.listings[l.ID] = ListingName{Title: l.Title, Category: l.Category, OrgID: l.OrgID, OrgName: orgName}
	}
}

func rememberAgreement(ctx context.Context, a Agreement) {
	if m := memoOf(ctx); m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.agreements[a.ID] = a.Title
	}
}

// RememberActor records the name of the principal acting in this request (its Name, when the
// principal was loaded with one).
func RememberActor(ctx context.Context, p Principal) {
	if m := memoOf(ctx); m != nil && p.Name != "" && p.ActorID() != "" {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.actors[p.ActorID()] = p.Name
	}
}

// rememberNoActor records that id names no actor (the system's steps in a claim's history).
func rememberNoActor(ctx context.Context, id string) {
	if m := memoOf(ctx); m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.noActor[id] = true
	}
}

// answer moves what the memo knows from refs into out and returns the refs left to look up.
func (m *nameMemo) answer(refs NameRefs, out Names) NameRefs {
	m.mu.Lock()
	defer m.mu.Unlock()
	var rest NameRefs
	rest.Orgs = fromMemo(refs.Orgs, m.orgs, out.Orgs)
	rest.Listings = fromMemo(refs.Listings, m.listings, out.Listings)
	rest.Agreements = fromMemo(refs.Agreements, m.agreements, out.Agreements)
	for _, id := range fromMemo(refs.Actors, m.actors, out.Actors) {
		if !m.noActor[id] {
			rest.Actors = append(rest.Actors, id)
		}
	}
	return rest
}

// fromMemo copies into out what memo knows of ids and returns the ids it does not know.
func fromMemo[V any](ids []string, memo, out map[string]V) []string {
	var rest []string
	for _, id := range ids {
		if v, ok := memo[id]; ok {
			out[id] = v
		} else {
			rest = append(rest, id)
		}
	}
	return rest
}
