package domain

import (
	"context"
	"net/netip"
	"strings"
	"time"
)

// Login throttling. Every login attempt is counted under two keys, whether or not the username
// names an account, so that a 429 never tells whether it exists:
//
//   - the username from one client address (an IPv6 client by its /64): after AddressLimit's
//     Free failures that address is slowed down for that username. This is the lock a guesser
//     meets first, and it cannot be used to lock the real user out from elsewhere;
//   - the username alone, from anywhere, with a threshold ten times higher: a guesser spreading
//     attempts over many addresses still meets a lock. It can lock the real user out too, but
//     only after a sustained distributed attack, and only for as long as it lasts (at most
//     MaxLoginLock after the last failure).
//
// An attempt is counted before the password is checked, under the row locks of both keys, and a
// good password clears both counts afterwards: parallel guesses cannot slip past the check.

// LoginLimit is when a throttle key locks and for how long.
type LoginLimit struct {
	// Free failures in a row are allowed; the Free-th locks for First, each further one doubles
	// the lock, up to MaxLoginLock.
	Free  int
	First time.Duration
}

// The two limits of a login, and how long a failure is remembered.
var (
	AddressLimit = LoginLimit{Free: 5, First: time.Minute}
	AccountLimit = LoginLimit{Free: 50, First: time.Minute}
)

const (
	// MaxLoginLock is the longest a key stays locked after a failure.
	MaxLoginLock = 15 * time.Minute
	// FailureMemory is how long a count of failures is kept without a new failure.
	FailureMemory = 24 * time.Hour
)

// LoginThrottle is the failure record of one throttle key.
type LoginThrottle struct {
	Failures    int
	LockedUntil *time.Time
	UpdatedAt   time.Time
}

// Locked reports whether the key refuses logins at now, and until when.
func (t LoginThrottle) Locked(now time.Time) (time.Time, bool) {
	if t.LockedUntil != nil && now.Before(*t.LockedUntil) {
		return *t.LockedUntil, true
	}
	return time.Time{}, false
}

// Failed counts one failure at now under limit l.
func (t *LoginThrottle) Failed(l LoginLimit, now time.Time) {
	if now.Sub(t.UpdatedAt) > FailureMemory {
		t.Failures = 0
	}
	t.Failures++
	t.UpdatedAt = now
	if n := t.Failures - l.Free; n >= 0 {
		lock := MaxLoginLock
		if n < 20 {
			lock = min(l.First<<n, MaxLoginLock)
		}
		until := now.Add(lock)
		t.LockedUntil = &until
	}
}

// Succeeded clears the count.
func (t *LoginThrottle) Succeeded(now time.Time) {
	t.Failures, t.LockedUntil, t.UpdatedAt = 0, nil, now
}

// ThrottleStore keeps login throttles by key.
type ThrottleStore interface {
	// UpdateThrottles locks the rows of keys (creating missing ones as zero throttles), in a
	// fixed order, passes them to fn in the order of keys, and saves what fn leaves, in one
	// transaction. Nothing is saved when fn fails. It may forget throttles of other keys not
	// updated for FailureMemory + MaxLoginLock before now.
	UpdateThrottles(ctx context.Context, keys []string, now time.Time, fn func([]LoginThrottle) error) error
}

// throttleKeys are the stored keys of a login attempt for username from addr: hashes, so that
// no client-chosen text is stored.
func throttleKeys(username, addr string) []string {
	return []string{
		HashToken("login-address\n" + username + "\n" + clientNet(addr)),
		HashToken("login-account\n" + username),
	}
}

// clientNet is the unit an address is throttled as: an IPv4 address, or the /64 of an IPv6 one
// (a single host usually holds a whole /64).
func clientNet(addr string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(addr))
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// admitLogin counts an attempt for username from addr, or refuses it while either key is locked.
func (s *AuthService) admitLogin(ctx context.Context, keys []string, now time.Time) error {
	var until time.Time
	err := s.throttle.UpdateThrottles(ctx, keys, now, func(ts []LoginThrottle) error {
		for _, t := range ts {
			if u, locked := t.Locked(now); locked && u.After(until) {
				until = u
			}
		}
		if !until.IsZero() {
			return nil // a refused attempt is not counted: the lock does not grow while waited out
		}
		ts[0].Failed(AddressLimit, now)
		ts[1].Failed(AccountLimit, now)
		return nil
	})
	if err != nil {
		return err
	}
	if !until.IsZero() {
		wait := int(until.Sub(now).Seconds()) + 1
		return Detailed(ErrRateLimited, map[string]any{"retry_after_seconds": wait},
			"too many failed logins; retry in %d s", wait)
	}
	return nil
}

// loginSucceeded clears both counts of a login.
func (s *AuthService) loginSucceeded(ctx context.Context, keys []string, now time.Time) error {
	return s.throttle.UpdateThrottles(ctx, keys, now, func(ts []LoginThrottle) error {
		for i := range ts {
			ts[i].Succeeded(now)
		}
		return nil
	})
}
