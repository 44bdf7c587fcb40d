package domain

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrInvalidClient is a token request with an unknown client, a wrong secret or a revoked app.
// It is ErrUnauthenticated to the API (401), and RFC 6749's invalid_client to OAuth clients.
var ErrInvalidClient = fmt.Errorf("%w: invalid client", ErrUnauthenticated)

// DefaultClientSecretGrace is how long a rotated-out secret keeps working (API.md §2).
const DefaultClientSecretGrace = 24 * time.Hour

// AppToken is the answer of a client-credentials token request.
type AppToken struct {
	AccessToken string
	ExpiresIn   time.Duration
	Scopes      []string
}

// ClientService registers third-party apps and issues their access tokens.
type ClientService struct {
	clients ClientStore
	orgs    OrgStore
	issuer  TokenIssuer
	grace   time.Duration
	now     func() time.Time
}

// NewClientService wires the service; grace is how long a rotated-out secret stays valid (0:
// it stops at once). None of the dependencies may be nil.
func NewClientService(clients ClientStore, orgs OrgStore, issuer TokenIssuer, grace time.Duration, now func() time.Time) (*ClientService, error) {
	if clients == nil || orgs == nil || issuer == nil || now == nil {
		return nil, errors.New("client service: nil dependency")
	}
	if grace < 0 {
		return nil, errors.New("client service: negative secret grace")
	}
	return &ClientService{clients: clients, orgs: orgs, issuer: issuer, grace: grace, now: now}, nil
}

// Create registers an app and returns it with its secret in plain, which is not kept.
func (s *ClientService) Create(ctx context.Context, p Principal, in ClientInput) (Client, string, error) {
	if !CanManageClients(p) {
		return Client{}, "", ErrForbidden
	}
	var orgID string
	if in.OrgID != nil {
		orgID = *in.OrgID
	}
	org, err := orgField(ctx, s.orgs, "org_id", orgID)
	if err != nil {
		return Client{}, "", err
	}
	c, secret, err := NewClient(in, org, p.UserID, s.now())
	if err != nil {
		return Client{}, "", err
	}
	if err := s.clients.CreateClient(ctx, c); err != nil {
		return Client{}, "", err
	}
	return c, secret, nil
}

// List lists apps, revoked ones included: the list is also the record of who had access.
func (s *ClientService) List(ctx context.Context, p Principal, f ClientFilter) ([]Client, error) {
	if !CanManageClients(p) {
		return nil, ErrForbidden
	}
	return s.clients.ListClients(ctx, f)
}

// Revoke ends an app at once: its secrets stop working, and so do its access tokens, because
// every request resolves the app anew (AuthService.Principal).
func (s *ClientService) Revoke(ctx context.Context, p Principal, id string) error {
	if !CanManageClients(p) {
		return ErrForbidden
	}
	_, err := s.clients.UpdateClient(ctx, id, func(c *Client) error {
		c.Revoke(s.now())
		return nil
	})
	return err
}

// RotateSecret gives an app a new secret, returned in plain once; the old one keeps working
// for the configured grace period.
func (s *ClientService) RotateSecret(ctx context.Context, p Principal, id string) (Client, string, error) {
	if !CanManageClients(p) {
		return Client{}, "", ErrForbidden
	}
	var secret string
	c, err := s.clients.UpdateClient(ctx, id, func(c *Client) error {
		var err error
		secret, err = c.RotateSecret(s.now(), s.grace)
		return err
	})
	if err != nil {
		return Client{}, "", err
	}
	return c, secret, nil
}

// Self is the app an app principal is (GET /me with an app token).
func (s *ClientService) Self(ctx context.Context, p Principal) (Client, error) {
	if p.Role != RoleApp || p.ClientID == "" {
		return Client{}, ErrNotFound
	}
	return s.clients.GetClientByClientID(ctx, p.ClientID)
}

// Token checks an app's credentials and issues an access token for the requested scopes
// (space-delimited; empty: every granted scope). The token's subject is the public client id;
// what it may do is decided anew on every request from the app's current state.
func (s *ClientService) Token(ctx context.Context, clientID, secret, scope string) (AppToken, error) {
	c, err := s.Authenticate(ctx, clientID, secret)
	if err != nil {
		return AppToken{}, err
	}
	scopes, err := c.Grant(scope)
	if err != nil {
		return AppToken{}, err
	}
	tok, ttl, err := s.issuer.Issue(AccessClaims{Subject: c.ClientID, ClientID: c.ClientID, Scopes: scopes})
	if err != nil {
		return AppToken{}, err
	}
	return AppToken{AccessToken: tok, ExpiresIn: ttl, Scopes: scopes}, nil
}

// Authenticate checks an app's credentials: an unknown client, a wrong secret or a revoked app
// is ErrInvalidClient, all alike.
func (s *ClientService) Authenticate(ctx context.Context, clientID, secret string) (Client, error) {
	if clientID == "" || secret == "" {
		return Client{}, ErrInvalidClient
	}
	c, err := s.clients.GetClientByClientID(ctx, clientID)
	if errors.Is(err, ErrNotFound) {
		// Hash anyway, so an unknown client id costs what a wrong secret does.
		_ = Client{}.CheckSecret(secret, s.now())
		return Client{}, ErrInvalidClient
	}
	if err != nil {
		return Client{}, err
	}
	if !c.CheckSecret(secret, s.now()) {
		return Client{}, ErrInvalidClient
	}
	return c, nil
}
