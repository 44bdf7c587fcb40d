package tokens

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gongjian/gongjian/domain"
)

// ring is a KeySource held in memory.
type ring struct {
	mu   sync.Mutex
	keys []domain.SigningKey
}

func (r *ring) ListKeys(context.Context) ([]domain.SigningKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]domain.SigningKey(nil), r.keys...), nil
}

func (r *ring) add(kid string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys = append([]domain.SigningKey{{Kid: kid, Secret: []byte("secret-of-" + kid + "-0123456789abcdef")}}, r.keys...)
}

func (r *ring) retire(kid string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, k := range r.keys {
		if k.Kid == kid {
			r.keys = append(r.keys[:i], r.keys[i+1:]...)
			return
		}
	}
}

// TestRotation: the newest key signs, older keys verify until retired, and a replica learns a
// new key within ringTTL (or at once when a token names it).
func TestRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	keys := &ring{}
	keys.add("k1")
	a, err := NewJWTs(ctx, keys, nil, 15*time.Minute, clock)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewJWTs(ctx, keys, nil, 15*time.Minute, clock)
	if err != nil {
		t.Fatal(err)
	}
	claims := domain.AccessClaims{Subject: "u1", SessionID: "s1", Scopes: []string{"listings:read"}}
	old, _, err := a.Issue(claims)
	if err != nil {
		t.Fatal(err)
	}
	keys.add("k2")
	now = now.Add(ringTTL + time.Second)
	fresh, _, err := a.Issue(claims) // a reloads: k2 signs
	if err != nil {
		t.Fatal(err)
	}
	if kidOf(t, fresh) != "k2" || kidOf(t, old) != "k1" {
		t.Fatalf("kids %s %s", kidOf(t, old), kidOf(t, fresh))
	}
	for _, tok := range []string{old, fresh} {
		got, err := b.Verify(ctx, tok)
		if err != nil || got.Subject != "u1" || got.SessionID != "s1" || strings.Join(got.Scopes, " ") != "listings:read" {
			t.Fatalf("verify: %+v %v", got, err)
		}
	}
	keys.retire("k1")
	now = now.Add(ringTTL + time.Second)
	if _, err := b.Verify(ctx, old); !errors.Is(err, domain.ErrUnauthenticated) {
		t.Fatalf("a token of a retired key: %v", err)
	}
}

// TestVerifyRefuses: other algorithms, issuers, audiences, expired tokens and unknown kids.
func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	keys := &ring{}
	keys.add("k1")
	j, err := NewJWTs(ctx, keys, nil, 15*time.Minute, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	secret := keys.keys[0].Secret
	sign := func(method jwt.SigningMethod, key any, kid string, mod func(*jwt.RegisteredClaims)) string {
		c := jwt.RegisteredClaims{Issuer: Issuer, Subject: "u1", Audience: jwt.ClaimStrings{Audience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute))}
		if mod != nil {
			mod(&c)
		}
		tok := jwt.NewWithClaims(method, c)
		tok.Header["kid"] = kid
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := j.Verify(ctx, sign(jwt.SigningMethodHS256, secret, "k1", nil)); err != nil {
		t.Fatalf("a good token: %v", err)
	}
	for name, tok := range map[string]string{
		"none":         sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "k1", nil),
		"HS512":        sign(jwt.SigningMethodHS512, secret, "k1", nil),
		"issuer":       sign(jwt.SigningMethodHS256, secret, "k1", func(c *jwt.RegisteredClaims) { c.Issuer = "other" }),
		"audience":     sign(jwt.SigningMethodHS256, secret, "k1", func(c *jwt.RegisteredClaims) { c.Audience = jwt.ClaimStrings{"other"} }),
		"expired":      sign(jwt.SigningMethodHS256, secret, "k1", func(c *jwt.RegisteredClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour)) }),
		"no expiry":    sign(jwt.SigningMethodHS256, secret, "k1", func(c *jwt.RegisteredClaims) { c.ExpiresAt = nil }),
		"unknown kid":  sign(jwt.SigningMethodHS256, secret, "k9", nil),
		"no subject":   sign(jwt.SigningMethodHS256, secret, "k1", func(c *jwt.RegisteredClaims) { c.Subject = "" }),
		"wrong secret": sign(jwt.SigningMethodHS256, []byte("not-the-secret-0123456789abcdef"), "k1", nil),
		"garbage":      "a.b.c",
	} {
		if _, err := j.Verify(ctx, tok); !errors.Is(err, domain.ErrUnauthenticated) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func kidOf(t *testing.T, tok string) string {
	t.Helper()
	p, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := p.Header["kid"].(string)
	return kid
}
