package domain

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Client is a third-party app (a WeChat mini-program, say) that an admin registered to act for
// one org through OAuth 2.0 client credentials (API.md §2). Only hashes of its secrets are kept:
// the plain secret is shown once, when it is made.
type Client struct {
	ID       string // resource id, as in /clients/{id}
	ClientID string // public identifier the app authenticates with, "gj_…"
	Name     string
	OrgID    string
	Scopes   []string // granted scopes, in the order of AllScopes
	// SecretHash is HashToken of the current secret; PreviousSecretHash that of the secret it
	// replaced, valid until PreviousSecretExpiresAt so running apps can be redeployed.
	SecretHash              string
	PreviousSecretHash      string
	PreviousSecretExpiresAt *time.Time
	RevokedAt               *time.Time
	CreatedBy               string
	Version                 int64
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

// ClientInput is what an admin sends to register an app.
type ClientInput struct {
	Name   *string
	OrgID  *string
	Scopes []string
}

// AllScopes lists the scopes of API.md §2 in their canonical order.
func AllScopes() []string {
	return []string{ScopeListingsRead, ScopeListingsWrite, ScopeClaimsRead, ScopeClaimsWrite, ScopeEventsRead,
		ScopePeopleWrite, ScopePeopleAct}
}

// canonicalScopes dedupes scopes and sorts them in the order of AllScopes, so that stored and
// answered lists compare equal whatever order the caller used.
func canonicalScopes(scopes []string) []string {
	out := []string{}
	for _, s := range AllScopes() {
		if slices.Contains(scopes, s) {
			out = append(out, s)
		}
	}
	return out
}

// IntersectScopes returns the scopes in both a and b, in canonical order.
func IntersectScopes(a, b []string) []string {
	var both []string
	for _, s := range a {
		if slices.Contains(b, s) {
			both = append(both, s)
		}
	}
	return canonicalScopes(both)
}

// NewClient validates input for an app bound to org (nil when org_id named none) and makes its
// first secret, returned in plain once.
func NewClient(in ClientInput, org *Org, createdBy string, now time.Time) (Client, string, error) {
	v := &ValidationError{}
	c := Client{ID: NewID(), ClientID: newClientID(), CreatedBy: createdBy, Version: 1, CreatedAt: now, UpdatedAt: now}
	if in.Name != nil {
		c.Name = strings.TrimSpace(*in.Name)
	}
	if c.Name == "" {
		v.Add("name", "required", "name is required")
	}
	checkLen(v, "name", c.Name, 100)
	switch {
	case org == nil:
		v.Add("org_id", "required", "org_id is required")
	case org.Kind == KindDistrict:
		// An app acts as its org does; a district has no org-level rights in §9 to act with.
		v.Add("org_id", "invalid", "an app acts for a street, community or unit, not a district")
	default:
		c.OrgID = org.ID
	}
	if len(in.Scopes) == 0 {
		v.Add("scopes", "required", "scopes must name at least one scope")
	}
	for i, s := range in.Scopes {
		if !slices.Contains(AllScopes(), s) {
			v.Add(fmt.Sprintf("scopes[%d]", i), "invalid", "scope %q does not exist; use %s", s, strings.Join(AllScopes(), ", "))
		}
	}
	c.Scopes = canonicalScopes(in.Scopes)
	if err := v.Err(); err != nil {
		return Client{}, "", err
	}
	secret, hash := newClientSecret()
	c.SecretHash = hash
	return c, secret, nil
}

// newClientID returns a public identifier: 96 random bits are plenty for uniqueness, which the
// unique index guarantees anyway.
func newClientID() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return "gj_" + hex.EncodeToString(b)
}

// newClientSecret returns a 256-bit secret and its hash. The prefix lets secret scanners (and
// people) recognise a leaked one. A plain SHA-256 suffices for storage because the secret is
// random, not a password: there is nothing to guess from the hash.
func newClientSecret() (secret, hash string) {
	tok, _ := NewOpaqueToken()
	secret = "gjs_" + tok
	return secret, HashToken(secret)
}

// Revoked reports whether the app was revoked.
func (c Client) Revoked() bool { return c.RevokedAt != nil }

// CheckSecret reports whether secret is the app's current secret, or its previous one within
// the grace period, and the app is not revoked. Both hashes are always compared in constant
// time, so the answer's timing tells nothing about which one matched.
func (c Client) CheckSecret(secret string, now time.Time) bool {
	h := []byte(HashToken(secret))
	current := subtle.ConstantTimeCompare(h, []byte(c.SecretHash)) == 1
	previous := subtle.ConstantTimeCompare(h, []byte(c.PreviousSecretHash)) == 1 &&
		c.PreviousSecretHash != "" && c.PreviousSecretExpiresAt != nil && now.Before(*c.PreviousSecretExpiresAt)
	return (current || previous) && !c.Revoked()
}

// RotateSecret makes a new secret and keeps the current one valid for grace (0: not at all).
// A secret still in its grace period from an earlier rotation stops working: one previous
// secret is kept, the one most recently in use.
func (c *Client) RotateSecret(now time.Time, grace time.Duration) (string, error) {
	if c.Revoked() {
		return "", Detailed(ErrInvalidTransition, nil, "a revoked app cannot get a new secret")
	}
	secret, hash := newClientSecret()
	expires := now.Add(grace)
	c.PreviousSecretHash, c.PreviousSecretExpiresAt = c.SecretHash, &expires
	c.SecretHash = hash
	c.Version++
	c.UpdatedAt = now
	return secret, nil
}

// Revoke ends the app: its secrets and every access token it holds stop working. Revoking twice
// changes nothing, so DELETE stays idempotent.
func (c *Client) Revoke(now time.Time) {
	if c.Revoked() {
		return
	}
	c.RevokedAt = &now
	c.Version++
	c.UpdatedAt = now
}

// Grant resolves the scope parameter of a token request (space-delimited, RFC 6749 §3.3): all
// granted scopes when empty, else exactly those asked for, each of which must be granted.
func (c Client) Grant(requested string) ([]string, error) {
	asked := strings.Fields(requested)
	if len(asked) == 0 {
		return slices.Clone(c.Scopes), nil
	}
	for _, s := range asked {
		if !slices.Contains(c.Scopes, s) {
			return nil, Invalid("scope", "not_granted", "scope %q is not granted to this client", s)
		}
	}
	return canonicalScopes(asked), nil
}

// CanManageClients: only admins register, list, rotate and revoke apps. An app can act for
// any org, so granting one is a district-level decision.
func CanManageClients(p Principal) bool { return p.IsAdmin() }

// ClientFilter selects apps in a list.
type ClientFilter struct {
	OrgID string
	Page  Page
}

// ClientStore persists apps.
type ClientStore interface {
	// CreateClient inserts c; a taken client_id is ErrConflict.
	CreateClient(ctx context.Context, c Client) error
	GetClient(ctx context.Context, id string) (Client, error)
	GetClientByClientID(ctx context.Context, clientID string) (Client, error)
	ListClients(ctx context.Context, f ClientFilter) ([]Client, error)
	// UpdateClient loads the app under lock, lets fn change it, and saves it, in one transaction.
	UpdateClient(ctx context.Context, id string, fn func(*Client) error) (Client, error)
}
