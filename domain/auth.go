package domain

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Session is one login: the family of refresh tokens issued from one password check. Revoking it
// ends every access and refresh token of that login.
type Session struct {
	ID     string
	UserID string
	// Epoch is the user's SessionEpoch when the session began; the session ends when it moves.
	Epoch     int64
	CreatedAt time.Time
	RevokedAt *time.Time
}

// AccessClaims is what an access token asserts.
type AccessClaims struct {
	Subject   string // user id, or client id for apps
	SessionID string // empty for apps
	ClientID  string // set for apps
	Scopes    []string
	// Actor is set for a person token (RFC 8693 token exchange): Subject is the person, Actor
	// the client id of the app acting for them (the token's act claim).
	Actor string
}

// PersonResolver resolves a person token: the person, still verified and active, and the app
// acting for them, still allowed to. Package people implements it.
type PersonResolver interface {
	PersonPrincipal(ctx context.Context, personID, clientID string) (Principal, error)
}

// AuthOption configures an AuthService.
type AuthOption func(*AuthService)

// WithPersons lets the service resolve person tokens; without it they are refused.
func WithPersons(r PersonResolver) AuthOption {
	return func(s *AuthService) { s.persons = r }
}

// SigningKey is one HMAC key for access tokens, identified by its kid.
type SigningKey struct {
	Kid       string
	Secret    []byte
	CreatedAt time.Time
}

// TokenIssuer mints signed access tokens; package tokens implements it with JWTs.
type TokenIssuer interface {
	Issue(c AccessClaims) (token string, ttl time.Duration, err error)
}

// AuthStore persists sessions and refresh tokens. Token values are never stored, only their
// SHA-256 hashes.
type AuthStore interface {
	// CreateSession stores s and its first refresh token.
	CreateSession(ctx context.Context, s Session, tokenHash string, expiresAt time.Time) error
	// RotateRefreshToken spends the token with hash old and stores next in the same session, in
	// one transaction. A token that was already spent revokes its session and yields
	// ErrRefreshReused; an unknown, expired or revoked one, or one whose user is deactivated or
	// has moved to another session epoch (User.SessionEpoch), yields ErrUnauthenticated.
	RotateRefreshToken(ctx context.Context, old, next string, now, nextExpires time.Time) (Session, error)
	// RevokeSessionByToken revokes the session of a refresh token (logout); unknown tokens are ignored.
	RevokeSessionByToken(ctx context.Context, tokenHash string, now time.Time) error
	// LoadPrincipal resolves an access token's subject: the active user, their org context, and
	// whether the session is still valid (not revoked, of the user's current session epoch).
	// Returns ErrUnauthenticated otherwise.
	LoadPrincipal(ctx context.Context, userID, sessionID string) (Principal, error)
	// LoadAppPrincipal resolves an app token's client id: the app, not revoked, with its org
	// context and its currently granted scopes. Returns ErrUnauthenticated otherwise.
	LoadAppPrincipal(ctx context.Context, clientID string) (Principal, error)
}

// ErrRefreshReused marks a refresh token presented twice; the API answers 401 all the same.
var ErrRefreshReused = fmt.Errorf("%w: refresh token reused", ErrUnauthenticated)

// Tokens is the answer of a login or refresh.
type Tokens struct {
	AccessToken  string
	ExpiresIn    time.Duration
	RefreshToken string
}

// AuthService logs users in and out and resolves access tokens to principals.
type AuthService struct {
	users      UserStore
	store      AuthStore
	throttle   ThrottleStore
	issuer     TokenIssuer
	hasher     PasswordHasher
	refreshTTL time.Duration
	now        func() time.Time
	dummyHash  string
	persons    PersonResolver
}

// NewAuthService wires the service; none of the dependencies may be nil.
func NewAuthService(users UserStore, store AuthStore, throttle ThrottleStore, issuer TokenIssuer, hasher PasswordHasher, refreshTTL time.Duration, now func() time.Time, opts ...AuthOption) (*AuthService, error) {
	if users == nil || store == nil || throttle == nil || issuer == nil || now == nil {
		return nil, errors.New("auth service: nil dependency")
	}
	// A hash to compare against when the user does not exist, so that unknown usernames take as
	// long as wrong passwords and cannot be probed by timing.
	dummy, err := hasher.Hash("not-a-real-password")
	if err != nil {
		return nil, err
	}
	s := &AuthService{users: users, store: store, throttle: throttle, issuer: issuer, hasher: hasher, refreshTTL: refreshTTL, now: now, dummyHash: dummy}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Login checks the password of username, logging in from the client address addr, and starts
// a session. Unknown usernames are answered exactly as wrong passwords are: the same throttle
// (see LoginThrottle), the same work (a bcrypt comparison) and the same 401.
func (s *AuthService) Login(ctx context.Context, username, password, addr string) (Tokens, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	now := s.now()
	keys := throttleKeys(username, addr)
	if err := s.admitLogin(ctx, keys, now); err != nil {
		return Tokens{}, err
	}
	u, err := s.users.GetUserByUsername(ctx, username)
	if errors.Is(err, ErrNotFound) {
		s.hasher.Check(s.dummyHash, password)
		return Tokens{}, ErrUnauthenticated
	}
	if err != nil {
		return Tokens{}, err
	}
	if !s.hasher.Check(u.PasswordHash, password) || !u.Active {
		return Tokens{}, ErrUnauthenticated
	}
	if err := s.loginSucceeded(ctx, keys, now); err != nil {
		return Tokens{}, err
	}
	sess := Session{ID: NewID(), UserID: u.ID, Epoch: u.SessionEpoch, CreatedAt: now}
	refresh, hash := NewOpaqueToken()
	if err := s.store.CreateSession(ctx, sess, hash, now.Add(s.refreshTTL)); err != nil {
		return Tokens{}, err
	}
	return s.tokens(u.ID, sess.ID, refresh)
}

// Refresh spends a refresh token and issues a new pair (rotation).
func (s *AuthService) Refresh(ctx context.Context, refresh string) (Tokens, error) {
	if refresh == "" {
		return Tokens{}, ErrUnauthenticated
	}
	now := s.now()
	next, nextHash := NewOpaqueToken()
	sess, err := s.store.RotateRefreshToken(ctx, HashToken(refresh), nextHash, now, now.Add(s.refreshTTL))
	if err != nil {
		return Tokens{}, err
	}
	return s.tokens(sess.UserID, sess.ID, next)
}

// Logout revokes the session of a refresh token. Logging out twice is not an error.
func (s *AuthService) Logout(ctx context.Context, refresh string) error {
	return s.store.RevokeSessionByToken(ctx, HashToken(refresh), s.now())
}

// Principal resolves verified access-token claims.
func (s *AuthService) Principal(ctx context.Context, c AccessClaims) (Principal, error) {
	if c.Actor != "" {
		// A person token: resolved anew on every request, so deactivating the person, revoking
		// the app or withdrawing its people:act ends the token at once.
		if s.persons == nil || c.ClientID != "" || c.SessionID != "" {
			return Principal{}, ErrUnauthenticated
		}
		return s.persons.PersonPrincipal(ctx, c.Subject, c.Actor)
	}
	if c.ClientID != "" {
		return s.appPrincipal(ctx, c)
	}
	if c.SessionID == "" {
		return Principal{}, ErrUnauthenticated
	}
	return s.store.LoadPrincipal(ctx, c.Subject, c.SessionID)
}

// appPrincipal resolves an app token. The app is loaded on every request so that revoking it
// ends its tokens at once, and the token's scopes are cut to what the app is granted now.
func (s *AuthService) appPrincipal(ctx context.Context, c AccessClaims) (Principal, error) {
	if c.SessionID != "" || c.Subject != c.ClientID {
		return Principal{}, ErrUnauthenticated
	}
	p, err := s.store.LoadAppPrincipal(ctx, c.ClientID)
	if err != nil {
		return Principal{}, err
	}
	p.Scopes = IntersectScopes(c.Scopes, p.Scopes)
	return p, nil
}

func (s *AuthService) tokens(userID, sessionID, refresh string) (Tokens, error) {
	access, ttl, err := s.issuer.Issue(AccessClaims{Subject: userID, SessionID: sessionID})
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, ExpiresIn: ttl, RefreshToken: refresh}, nil
}

// NewOpaqueToken returns a random 256-bit token and the hash to store for it.
func NewOpaqueToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the stored form of an opaque token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
