package domain

import (
	"slices"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
)

// Hold is the capacity one live (pending or approved) claim takes on its listing during one
// occurrence of its window.
//
// Stores hand holds out summed per claimant and interval (the hold ledger), so one Hold may
// stand for many claims.
type Hold struct {
	ClaimantOrgID string
	// ClaimantPersonID is set for the hold of a person's claim: people are capped per person,
	// and their holds do not count against their community's max_per_claimant.
	ClaimantPersonID string
	Start, End       time.Time
	Quantity         int64
}

// held returns, for each of the sorted, disjoint intervals, the largest total that the holds
// kept by keep (nil: all) take at any instant inside it.
func held(holds []Hold, keep func(Hold) bool, ivs []schedule.Interval) []int64 {
	ws := make([]schedule.WeightedInterval, 0, len(holds))
	for _, h := range holds {
		if keep == nil || keep(h) {
			ws = append(ws, schedule.WeightedInterval{Start: h.Start, End: h.End, Qty: h.Quantity})
		}
	}
	return schedule.Peaks(ws, ivs)
}

// CheckCapacity verifies that adding qty during every occurrence in occs keeps the listing within
// its quantity at every instant, and within max_per_claimant for claimant. holds are the live
// holds overlapping occs. It names the first occurrence that would overflow.
func CheckCapacity(l Listing, holds []Hold, claimant string, occs []schedule.Interval, qty int64) error {
	return checkCapacity(l, holds, occs, qty, l.MaxPerClaimant, func(h Hold) bool {
		return h.ClaimantPersonID == "" && h.ClaimantOrgID == claimant
	})
}

// DefaultPersonCap is what one person may hold of a listing at any instant when the listing
// sets no max_per_claimant (API.md §10).
const DefaultPersonCap = 1

// CheckClaimCapacity is CheckCapacity for claim c: a person's claim is capped per person, by
// max_per_claimant or else DefaultPersonCap.
func CheckClaimCapacity(l Listing, holds []Hold, c Claim, occs []schedule.Interval) error {
	if c.ClaimantPersonID == "" {
		return CheckCapacity(l, holds, c.ClaimantOrgID, occs, c.Quantity)
	}
	limit := l.MaxPerClaimant
	if limit <= 0 {
		limit = DefaultPersonCap
	}
	return checkCapacity(l, holds, occs, c.Quantity, limit, func(h Hold) bool { return h.ClaimantPersonID == c.ClaimantPersonID })
}

func checkCapacity(l Listing, holds []Hold, occs []schedule.Interval, qty, limit int64, mineOnly func(Hold) bool) error {
	all := held(holds, nil, occs)
	for k, held := range all {
		if held+qty > l.Quantity {
			return Detailed(ErrCapacityExceeded, occurrenceData(occs[k], l.Quantity, held),
				"occurrence %s–%s has %d of %d left; %d requested",
				occs[k].Start.Format(time.RFC3339), occs[k].End.Format(time.RFC3339), max(l.Quantity-held, 0), l.Quantity, qty)
		}
	}
	if limit > 0 {
		mine := held(holds, mineOnly, occs)
		for k, held := range mine {
			if held+qty > limit {
				return Detailed(ErrClaimantLimit, occurrenceData(occs[k], limit, held),
					"one claimant may hold at most %d at any instant; you hold %d during %s–%s",
					limit, held, occs[k].Start.Format(time.RFC3339), occs[k].End.Format(time.RFC3339))
			}
		}
	}
	return nil
}

func occurrenceData(iv schedule.Interval, limit, held int64) map[string]any {
	return map[string]any{
		"occurrence": map[string]any{"start": iv.Start, "end": iv.End},
		"limit":      limit, "held": held, "remaining": max(limit-held, 0),
	}
}

// CheckShrink verifies that live holds still fit a changed listing: every hold inside one of its
// occurrences, and the held total within its quantity. Otherwise it is ErrConflict.
func CheckShrink(l Listing, holds []Hold) error {
	if len(holds) == 0 {
		return nil
	}
	ivs := make([]schedule.Interval, 0, len(holds))
	for _, h := range holds {
		ivs = append(ivs, schedule.Interval{Start: h.Start, End: h.End})
	}
	slices.SortFunc(ivs, func(a, b schedule.Interval) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return a.End.Compare(b.End)
	})
	ivs = slices.Compact(ivs)
	occs := l.Occurrences(ivs[0].Start, ivs[len(ivs)-1].End)
	if out := schedule.Within(occs, ivs); out != nil {
		return Detailed(ErrConflict, map[string]any{"occurrence": map[string]any{"start": out.Start, "end": out.End}},
			"a live claim holds %s–%s, which the new windows no longer cover", out.Start.Format(time.RFC3339), out.End.Format(time.RFC3339))
	}
	whole := []schedule.Interval{{Start: ivs[0].Start, End: ivs[len(ivs)-1].End}}
	for _, h := range holds {
		if h.End.After(whole[0].End) {
			whole[0].End = h.End
		}
	}
	if peak := held(holds, nil, whole)[0]; peak > l.Quantity {
		return Detailed(ErrConflict, map[string]any{"held": peak},
			"live claims hold %d at once; quantity cannot drop below that", peak)
	}
	return nil
}

// Availability is the capacity of one occurrence of a listing.
type Availability struct {
	Start, End time.Time
	Quantity   int64
	Held       int64
	Remaining  int64
}

// AvailabilityOf computes, for each occurrence, the peak held during it and what remains.
func AvailabilityOf(l Listing, occs []schedule.Interval, holds []Hold) []Availability {
	peak := held(holds, nil, occs)
	out := make([]Availability, len(occs))
	for i, o := range occs {
		out[i] = Availability{Start: o.Start, End: o.End, Quantity: l.Quantity, Held: peak[i], Remaining: max(l.Quantity-peak[i], 0)}
	}
	return out
}
