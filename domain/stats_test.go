package domain

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestStatsScopeFor(t *testing.T) {
	t.Parallel()
	rows := []struct {
		name          string
		p             Principal
		street        string
		want          StatsScope
		wantForbidden bool
	}{
		{"admin: all", feedAdmin, "", StatsScope{}, false},
		{"admin: one street", feedAdmin, "t", StatsScope{StreetID: "t"}, false},
		{"coordinator: defaults to own street", feedCoordS, "", StatsScope{StreetID: "s"}, false},
		{"coordinator: own street", feedCoordS, "s", StatsScope{StreetID: "s"}, false},
		{"coordinator: another street", feedCoordS, "t", StatsScope{}, true},
		{"staff: own org", feedStaff, "", StatsScope{OrgID: "comm"}, false},
		{"liaison: own org, narrowed to a street", feedLiaison, "s", StatsScope{StreetID: "s", OrgID: "unit"}, false},
		{"app, even with every scope", feedApp, "", StatsScope{}, true},
		{"nobody", Principal{}, "", StatsScope{}, true},
	}
	for _, r := range rows {
		got, err := StatsScopeFor(r.p, r.street)
		if r.wantForbidden {
			if !errors.Is(err, ErrForbidden) {
				t.Errorf("%s: err = %v, want ErrForbidden", r.name, err)
			}
			continue
		}
		if err != nil || got != r.want {
			t.Errorf("%s: %+v, %v; want %+v", r.name, got, err, r.want)
		}
	}
}

func TestMedianHours(t *testing.T) {
	t.Parallel()
	h := time.Hour
	rows := []struct {
		in   []time.Duration
		want float64
		ok   bool
	}{
		{nil, 0, false},
		{[]time.Duration{3 * h}, 3, true},
		{[]time.Duration{5 * h, 1 * h, 3 * h}, 3, true},
		{[]time.Duration{4 * h, 1 * h, 2 * h, 30 * h}, 3, true},
	}
	for _, r := range rows {
		if got, ok := medianHours(r.in); got != r.want || ok != r.ok {
			t.Errorf("medianHours(%v) = %v, %v; want %v, %v", r.in, got, ok, r.want, r.ok)
		}
	}
}

type fakeStats struct {
	got  StatsScope
	data StatsData
}

func (f *fakeStats) StatsData(_ context.Context, s StatsScope) (StatsData, error) {
	f.got = s
	return f.data, nil
}

func TestStatsSummary(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	store := &fakeStats{data: StatsData{
		ByCategory: []CategoryStats{
			{Category: "venue", StatsFigures: StatsFigures{Offers: 1, QuantityOffered: 2, Claims: 1, Approved: 1, QuantityClaimed: 1}},
			{Category: "parking", StatsFigures: StatsFigures{Offers: 2, Needs: 1, QuantityOffered: 15, Claims: 3, Approved: 3, Fulfilled: 2, QuantityClaimed: 9}},
		},
		Decisions: []time.Duration{time.Hour, 2 * time.Hour},
		RatingSum: 9, RatingCount: 2,
	}}
	s, err := NewStats(store, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := s.Summary(ctx, feedCoordS, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (StatsScope{From: now.Add(-DefaultStatsRange), To: now, StreetID: "s"}); store.got != want {
		t.Fatalf("scope = %+v, want %+v", store.got, want)
	}
	if got.ByCategory[0].Category != "parking" || got.ByCategory[1].Category != "venue" {
		t.Fatalf("categories not sorted: %+v", got.ByCategory)
	}
	want := StatsFigures{Offers: 3, Needs: 1, Claims: 4, Approved: 4, Fulfilled: 2, QuantityOffered: 17, QuantityClaimed: 10}
	if got.Totals != want {
		t.Fatalf("totals = %+v, want %+v", got.Totals, want)
	}
	if *got.FulfilmentRate != 0.5 || *got.MedianHoursToDecision != 1.5 || *got.AverageRating != 4.5 {
		t.Fatalf("rates = %v %v %v", *got.FulfilmentRate, *got.MedianHoursToDecision, *got.AverageRating)
	}

	store.data = StatsData{}
	got, err = s.Summary(ctx, feedAdmin, "", nil, nil)
	if err != nil || got.FulfilmentRate != nil || got.MedianHoursToDecision != nil || got.AverageRating != nil {
		t.Fatalf("empty summary: %+v, %v", got, err)
	}

	from := now.Add(-367 * 24 * time.Hour)
	var v *ValidationError
	if _, err := s.Summary(ctx, feedAdmin, "", &from, nil); !errors.As(err, &v) {
		t.Fatalf("367 days: %v", err)
	}
	if _, err := s.Summary(ctx, feedAdmin, "", &now, &now); !errors.As(err, &v) {
		t.Fatalf("empty range: %v", err)
	}
	if _, err := s.Summary(ctx, feedCoordS, "t", nil, nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("other street: %v", err)
	}
}
