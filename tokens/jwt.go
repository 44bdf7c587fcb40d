// Package tokens issues and verifies gongjian's access tokens: HS256 JWTs signed with a ring of
// keys that rotate (`gongjian keys rotate`). It implements domain.TokenIssuer and the verifier
// the API authenticates requests with; it knows neither HTTP nor SQL.
package tokens

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gongjian/gongjian/domain"
)

// Token constants: every access token names this issuer and audience, and is signed with HS256
// only. The algorithm is pinned in the parser, so "none" or an asymmetric algorithm is refused
// before any key is consulted.
const (
	Issuer   = "gongjian"
	Audience = "gongjian-api"
	alg      = "HS256"
)

// KeySource lists the signing keys, newest first; repository.Keys implements it.
type KeySource interface {
	ListKeys(ctx context.Context) ([]domain.SigningKey, error)
}

// JWTs issues and verifies access tokens with a ring of HMAC keys identified by `kid`, so keys can
// rotate (`gongjian keys rotate`): the newest key signs, every known key verifies. The ring is
// reloaded every minute, so all replicas sign with a new key and drop a retired one within a
// minute, and at once (at most every few seconds) when a token names an unknown kid.
type JWTs struct {
	source KeySource
	ttl    time.Duration
	now    func() time.Time
	pinned *domain.SigningKey // from configuration; signs when set

	mu       sync.RWMutex
	keys     map[string][]byte
	signer   domain.SigningKey
	loadedAt time.Time
	lastMiss time.Time
}

// NewJWTs loads the key ring. configured, when non-empty, is the signing secret from
// GONGJIAN_JWT_SECRET; stored keys keep verifying beside it.
func NewJWTs(ctx context.Context, source KeySource, configured []byte, ttl time.Duration, now func() time.Time) (*JWTs, error) {
	if source == nil || now == nil {
		return nil, errors.New("jwts: nil dependency")
	}
	j := &JWTs{source: source, ttl: ttl, now: now}
	if len(configured) > 0 {
		sum := sha256.Sum256(configured)
		j.pinned = &domain.SigningKey{Kid: "cfg-" + hex.EncodeToString(sum[:6]), Secret: configured}
	}
	if err := j.reload(ctx); err != nil {
		return nil, err
	}
	return j, nil
}

func (j *JWTs) reload(ctx context.Context) error {
	stored, err := j.source.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("load signing keys: %w", err)
	}
	keys := make(map[string][]byte, len(stored)+1)
	for _, k := range stored {
		keys[k.Kid] = k.Secret
	}
	var signer domain.SigningKey
	switch {
	case j.pinned != nil:
		signer = *j.pinned
		keys[signer.Kid] = signer.Secret
	case len(stored) > 0:
		signer = stored[0]
	default:
		return errors.New("no signing key: set GONGJIAN_JWT_SECRET or let the server create one")
	}
	j.mu.Lock()
	j.keys, j.signer, j.loadedAt = keys, signer, j.now()
	j.mu.Unlock()
	return nil
}

type accessClaims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid,omitempty"`
	ClientID  string `json:"cid,omitempty"`
	Scope     string `json:"scope,omitempty"`
	// Act names the app acting for the subject in a person token (RFC 8693 §4.1).
	Act *actClaim `json:"act,omitempty"`
}

type actClaim struct {
	Sub string `json:"sub"`
}

// ringTTL is how long a loaded key ring is used before it is read again.
const ringTTL = time.Minute

// refresh reloads a ring older than ringTTL. A failed reload keeps the old ring: a database hiccup
// must not stop token checks.
func (j *JWTs) refresh(ctx context.Context) {
	j.mu.RLock()
	stale := j.now().Sub(j.loadedAt) > ringTTL
	j.mu.RUnlock()
	if stale && j.reload(ctx) != nil {
		j.mu.Lock()
		j.loadedAt = j.now() // try again in a minute, not on every request
		j.mu.Unlock()
	}
}

// Issue signs an access token for c.
func (j *JWTs) Issue(c domain.AccessClaims) (string, time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	j.refresh(ctx)
	cancel()
	j.mu.RLock()
	signer := j.signer
	j.mu.RUnlock()
	now := j.now()
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   c.Subject,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(j.ttl)),
			ID:        domain.NewID(),
		},
		SessionID: c.SessionID,
		ClientID:  c.ClientID,
		Scope:     strings.Join(c.Scopes, " "),
	}
	if c.Actor != "" {
		claims.Act = &actClaim{Sub: c.Actor}
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["kid"] = signer.Kid
	s, err := tok.SignedString(signer.Secret)
	if err != nil {
		return "", 0, fmt.Errorf("sign access token: %w", err)
	}
	return s, j.ttl, nil
}

// Verify checks signature, algorithm, issuer, audience and expiry, and returns the claims.
func (j *JWTs) Verify(ctx context.Context, token string) (domain.AccessClaims, error) {
	j.refresh(ctx)
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{alg}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(j.now),
		jwt.WithLeeway(30*time.Second),
	)
	var claims accessClaims
	_, err := parser.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return j.key(ctx, kid)
	})
	if err != nil || claims.Subject == "" {
		return domain.AccessClaims{}, domain.ErrUnauthenticated
	}
	var scopes []string
	if claims.Scope != "" {
		scopes = strings.Fields(claims.Scope)
	}
	out := domain.AccessClaims{Subject: claims.Subject, SessionID: claims.SessionID, ClientID: claims.ClientID, Scopes: scopes}
	if claims.Act != nil {
		if claims.Act.Sub == "" {
			return domain.AccessClaims{}, domain.ErrUnauthenticated
		}
		out.Actor = claims.Act.Sub
	}
	return out, nil
}

func (j *JWTs) key(ctx context.Context, kid string) ([]byte, error) {
	j.mu.RLock()
	k, ok := j.keys[kid]
	j.mu.RUnlock()
	if ok {
		return k, nil
	}
	// An unknown kid may be a key another replica just added: reload, at most once a second so
	// that forged kids cannot turn every request into a database read.
	j.mu.Lock()
	retry := kid != "" && j.now().Sub(j.lastMiss) > time.Second
	if retry {
		j.lastMiss = j.now()
	}
	j.mu.Unlock()
	if retry && j.reload(ctx) == nil {
		j.mu.RLock()
		k, ok = j.keys[kid]
		j.mu.RUnlock()
		if ok {
			return k, nil
		}
	}
	return nil, errors.New("unknown key id")
}
