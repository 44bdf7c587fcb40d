package repository

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"time"

	"github.com/gongjian/gongjian/domain"
)

// Recent ledger reads, for suggestions (Listings.RecentHoldsOf).
//
// A suggestion reads the holds of up to a few dozen candidates over a year ahead: in the 32-client
// mix that read was a third of PostgreSQL's time (1,000 ledger rows visited per call, pg_stat_statements),
// while the claims that change those holds were a few per listing and second against twenty reads.
// So a replica keeps what it read, per listing, and serves it again while it is still true:
//
//   - Every claim this replica writes (created, decided, expired) bumps its listing's generation
//     once its transaction is over, committed or not (a refusal writes nothing and bumps
//     nothing). A read takes the generation before it reads, and an entry read under an older
//     generation than the listing's is never served: on one replica a suggestion never misses a
//     claim that completed before it started (TestRecentHoldsAfterConcurrentClaims).
//   - Another replica's claims, and pending holds lapsing at their expiry, are seen once the entry
//     is maxAge old (by the service's clock, which tests move): suggestions lag them by at most
//     that much. Claims themselves never read this cache: their check reads the ledger under the
//     listing's lock.
//
// Generations are striped (a bump invalidates the listings that share its stripe), so their memory
// is fixed; entries are bounded by the rows they keep, and an arbitrary one goes when a new one
// would pass the bound.

// holdCacheRows bounds the hold rows the cache keeps (about 100 bytes each).
const holdCacheRows = 200_000

type holdCache struct {
	seed    maphash.Seed
	mu      sync.Mutex
	gens    [1024]uint64
	entries map[string]holdEntry
	rows    int
}

type holdEntry struct {
	gen      uint64
	at       time.Time // the now of the read
	from, to time.Time // the range read
	holds    []domain.Hold
}

func newHoldCache() *holdCache {
	return &holdCache{seed: maphash.MakeSeed(), entries: map[string]holdEntry{}}
}

func (c *holdCache) stripe(listing string) *uint64 {
	return &c.gens[maphash.String(c.seed, listing)%uint64(len(c.gens))]
}

// bump invalidates what the cache holds of listing.
func (c *holdCache) bump(listing string) {
	c.mu.Lock()
	*c.stripe(listing)++
	c.mu.Unlock()
}

// get returns listing's holds overlapping [from, to) as read within maxAge before now, if the
// cache has them.
func (c *holdCache) get(listing string, from, to, now time.Time, maxAge time.Duration) ([]domain.Hold, bool) {
	c.mu.Lock()
	e, ok := c.entries[listing]
	fresh := ok && e.gen == *c.stripe(listing)
	c.mu.Unlock()
	if !fresh || now.Before(e.at) || now.Sub(e.at) >= maxAge || from.Before(e.from) || to.After(e.to) {
		return nil, false
	}
	var out []domain.Hold
	for _, h := range e.holds {
		if h.End.After(from) && h.Start.Before(to) {
			out = append(out, h)
		}
	}
	return out, true
}

// generation is listing's generation, to store a read with.
func (c *holdCache) generation(listing string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return *c.stripe(listing)
}

// put stores a read of listing made under generation gen, unless a write came since.
func (c *holdCache) put(listing string, gen uint64, e holdEntry) {
	e.gen = gen
	c.mu.Lock()
	defer c.mu.Unlock()
	if *c.stripe(listing) != gen || len(e.holds) > holdCacheRows {
		return
	}
	if old, ok := c.entries[listing]; ok {
		c.rows -= len(old.holds) + 1
		delete(c.entries, listing)
	}
	for id, old := range c.entries {
		if c.rows+len(e.holds)+1 <= holdCacheRows {
			break
		}
		c.rows -= len(old.holds) + 1
		delete(c.entries, id)
	}
	c.entries[listing] = e
	c.rows += len(e.holds) + 1
}

// claimWritten bumps listing after a claim transaction on it, unless it failed with a refusal
// (nothing was written).
func (c *holdCache) claimWritten(listing string, err error) {
	if listing == "" || errors.Is(err, domain.ErrCapacityExceeded) || errors.Is(err, domain.ErrInvalidTransition) {
		return
	}
	c.bump(listing)
}

// RecentHoldsOf is HoldsOf as this replica read it within maxAge before now, where it has not
// written a claim on the listing since (see above): for suggestions, never for a claim's check.
func (s *Listings) RecentHoldsOf(ctx context.Context, ids []string, from, to, now time.Time, maxAge time.Duration) (map[string][]domain.Hold, error) {
	cache := s.db.holds
	out := make(map[string][]domain.Hold, len(ids))
	var missing []string
	for _, id := range ids {
		if hs, ok := cache.get(id, from, to, now, maxAge); ok {
			if len(hs) > 0 {
				out[id] = hs
			}
			continue
		}
		missing = append(missing, id)
	}
	if len(missing) == 0 {
		return out, nil
	}
	gens := make([]uint64, len(missing))
	for i, id := range missing {
		gens[i] = cache.generation(id)
	}
	// Read a little further than asked, so that the next requests, whose ranges start and end a
	// moment later, are served too.
	until := to.Add(maxAge)
	read, err := s.HoldsOf(ctx, missing, from, until, now)
	if err != nil {
		return nil, err
	}
	for i, id := range missing {
		hs := read[id]
		cache.put(id, gens[i], holdEntry{at: now, from: from, to: until, holds: hs})
		for _, h := range hs {
			if h.Start.Before(to) {
				out[id] = append(out[id], h)
			}
		}
	}
	return out, nil
}
