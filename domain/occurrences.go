package domain

import (
	"container/list"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
)

// OccursBetween reports whether the listing has an occurrence overlapping [from, to); it stops
// at the first one (a search over a year costs one occurrence per listing, not a year of them).
func (l Listing) OccursBetween(from, to time.Time) bool {
	loc := l.Loc()
	for _, w := range l.Windows {
		if w.OccursBetween(loc, from, to) {
			return true
		}
	}
	return false
}

// occurrenceCache keeps the expanded occurrences of recently used listing versions, so that
// suggestions, which compare a listing with up to maxCandidates others over a year, do not
// expand the same recurrences again on every request. A listing's windows and zone change only
// with its version, so (id, version) names one expansion for ever, on any replica: the cache is
// never invalidated, only evicted (least recently used first) to stay within its budget.
type occurrenceCache struct {
	mu      sync.Mutex
	entries map[occurrenceKey]*list.Element
	lru     list.List // of *occurrenceEntry, most recent first
	size    int       // intervals held
}

type occurrenceKey struct {
	id      string
	version int64
}

type occurrenceEntry struct {
	key  occurrenceKey
	occs []schedule.Interval // all occurrences, sorted by start
}

// occurrenceBudget bounds the cache at about 10 MB (48 bytes an interval): a daily listing's
// year is 367 intervals, so some 540 listings, the candidate set of a busy street.
const occurrenceBudget = 200_000

// all returns every occurrence of l, sorted by start, from the cache or by expanding it.
func (c *occurrenceCache) all(l Listing) []schedule.Interval {
	k := occurrenceKey{l.ID, l.Version}
	c.mu.Lock()
	if e, ok := c.entries[k]; ok {
		c.lru.MoveToFront(e)
		occs := e.Value.(*occurrenceEntry).occs
		c.mu.Unlock()
		return occs
	}
	c.mu.Unlock()

	loc := l.Loc()
	var occs []schedule.Interval
	for _, w := range l.Windows {
		occs = append(occs, w.Occurrences(loc)...)
	}
	if len(l.Windows) > 1 {
		slices.SortFunc(occs, func(a, b schedule.Interval) int { return a.Start.Compare(b.Start) })
	}
	if l.ID == "" || len(occs) > occurrenceBudget/4 {
		return occs // not worth keeping (or not a stored listing)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[occurrenceKey]*list.Element{}
	}
	if _, ok := c.entries[k]; !ok {
		c.entries[k] = c.lru.PushFront(&occurrenceEntry{key: k, occs: occs})
		c.size += len(occs)
		for c.size > occurrenceBudget {
			old := c.lru.Remove(c.lru.Back()).(*occurrenceEntry)
			delete(c.entries, old.key)
			c.size -= len(old.occs)
		}
	}
	return occs
}

// between returns l's occurrences overlapping [from, to), as l.Occurrences(from, to) would.
func (c *occurrenceCache) between(l Listing, from, to time.Time) []schedule.Interval {
	if !from.Before(to) {
		return nil
	}
	occs := c.all(l)
	// Occurrences of one window do not overlap, but several windows may interleave; an
	// occurrence lasts at most MaxWindowLength (plus a zone's offset change), so nothing that
	// overlaps from starts earlier than that.
	earliest := from.Add(-schedule.MaxWindowLength - 48*time.Hour)
	i := sort.Search(len(occs), func(i int) bool { return !occs[i].Start.Before(earliest) })
	j := i + sort.Search(len(occs)-i, func(k int) bool { return !occs[i+k].Start.Before(from) })
	k := j + sort.Search(len(occs)-j, func(k int) bool { return !occs[j+k].Start.Before(to) })
	// From j on every occurrence starts at or after from, so it overlaps; before j only those
	// still running at from do. Usually none does, and the answer is a window on the cache's
	// slice (capped, so that an append by the caller copies rather than writes into the cache).
	var early []schedule.Interval
	for ; i < j; i++ {
		if occs[i].End.After(from) {
			early = append(early, occs[i])
		}
	}
	if len(early) == 0 {
		if j == k {
			return nil
		}
		return occs[j:k:k]
	}
	return append(early, occs[j:k]...)
}

// occursBetween is Listing.OccursBetween from the cache.
func (c *occurrenceCache) occursBetween(l Listing, from, to time.Time) bool {
	return len(c.between(l, from, to)) > 0
}

// checkAvailability is CheckAvailability with the listing's occurrences from the cache.
func (m *Marketplace) checkAvailability(l Listing, occs []schedule.Interval) error {
	return availabilityOf(m.occs.between(l, occs[0].Start, occs[len(occs)-1].End), occs)
}
