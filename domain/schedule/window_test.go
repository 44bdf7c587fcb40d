package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST tests need America/New_York even on hosts without a tz database
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func TestDefaultLocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		when   time.Time
		offset int
	}{
		{"winter", time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), 8 * 3600},
		{"summer", time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC), 8 * 3600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, off := tc.when.In(DefaultLocation()).Zone(); off != tc.offset {
				t.Fatalf("offset %d, want %d", off, tc.offset)
			}
		})
	}
}

func TestNewWindowValidation(t *testing.T) {
	t.Parallel()
	sh := DefaultLocation()
	start := time.Date(2026, 12, 1, 19, 0, 0, 0, sh) // a Tuesday
	h := func(n int) time.Time { return start.Add(time.Duration(n) * time.Hour) }
	horizon := time.Date(2027, 12, 2, 19, 0, 0, 0, sh) // start + 366 days
	utc := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

	tests := []struct {
		name       string
		start, end time.Time
		rrule      string
		field      string // empty: valid
		code       string
		normalised string // for valid cases, the stored RRule
	}{
		// start / end
		{"one-off", start, h(12), "", "", "", ""},
		{"zero start", time.Time{}, h(1), "", FieldStart, CodeInvalid, ""},
		{"zero end", start, time.Time{}, "", FieldEnd, CodeInvalid, ""},
		{"start before 1970", time.Date(1969, 12, 31, 0, 0, 0, 0, sh), h(1), "", FieldStart, CodeInvalid, ""},
		{"end equals start", start, start, "", FieldEnd, CodeEndBeforeStart, ""},
		{"end before start", start, h(-1), "", FieldEnd, CodeEndBeforeStart, ""},
		{"exactly seven days", start, h(7 * 24), "", "", "", ""},
		{"longer than seven days", start, h(7 * 24).Add(time.Second), "", FieldEnd, CodeTooLong, ""},
		{"end problems win over rrule problems", start, start, "nonsense", FieldEnd, CodeEndBeforeStart, ""},

		// syntax and normalisation
		{"daily count", start, h(12), "FREQ=DAILY;COUNT=30", "", "", "FREQ=DAILY;COUNT=30"},
		{"prefix and case", start, h(12), "  rrule:freq=daily;count=3 ", "", "", "FREQ=DAILY;COUNT=3"},
		{"weekdays until", start, h(12) /* 19:00–07:00 */, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270301T000000Z", "", "", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270301T000000Z"},
		{"garbage", start, h(1), "every day", FieldRRule, CodeInvalidRRule, ""},
		{"no FREQ", start, h(1), "BYDAY=MO", FieldRRule, CodeInvalidRRule, ""},
		{"unknown FREQ", start, h(1), "FREQ=FORTNIGHTLY", FieldRRule, CodeInvalidRRule, ""},
		{"hourly", start, h(1), "FREQ=HOURLY;INTERVAL=2", FieldRRule, CodeInvalidRRule, ""},
		{"minutely", start, h(1), "FREQ=MINUTELY", FieldRRule, CodeInvalidRRule, ""},
		{"secondly", start, h(1), "FREQ=SECONDLY", FieldRRule, CodeInvalidRRule, ""},
		{"trailing semicolon", start, h(1), "FREQ=DAILY;", FieldRRule, CodeInvalidRRule, ""},
		{"empty value", start, h(1), "FREQ=DAILY;COUNT=", FieldRRule, CodeInvalidRRule, ""},
		{"count zero", start, h(1), "FREQ=DAILY;COUNT=0", FieldRRule, CodeInvalidRRule, ""},
		{"negative count", start, h(1), "FREQ=DAILY;COUNT=-3", FieldRRule, CodeInvalidRRule, ""},
		{"interval zero", start, h(1), "FREQ=DAILY;INTERVAL=0", FieldRRule, CodeInvalidRRule, ""},
		{"count and until", start, h(1), "FREQ=DAILY;COUNT=3;UNTIL=20270101T000000Z", FieldRRule, CodeInvalidRRule, ""},
		{"duplicate part", start, h(1), "FREQ=DAILY;FREQ=WEEKLY", FieldRRule, CodeInvalidRRule, ""},
		{"dtstart part", start, h(1), "FREQ=DAILY;DTSTART=20261201T110000Z", FieldRRule, CodeInvalidRRule, ""},
		{"dtstart line", start, h(1), "DTSTART:20261201T110000Z\nRRULE:FREQ=DAILY", FieldRRule, CodeInvalidRRule, ""},
		{"byeaster", start, h(1), "FREQ=YEARLY;BYEASTER=0", FieldRRule, CodeInvalidRRule, ""},
		{"x-name", start, h(1), "FREQ=DAILY;X-FOO=1", FieldRRule, CodeInvalidRRule, ""},
		{"byhour out of range", start, h(1), "FREQ=DAILY;BYHOUR=24", FieldRRule, CodeInvalidRRule, ""},
		{"bad weekday", start, h(1), "FREQ=WEEKLY;BYDAY=XX", FieldRRule, CodeInvalidRRule, ""},
		{"bad until", start, h(1), "FREQ=DAILY;UNTIL=tomorrow", FieldRRule, CodeInvalidRRule, ""},

		// overlap between successive occurrences
		{"daily 24h touching is fine", start, h(24), "FREQ=DAILY", "", "", "FREQ=DAILY"},
		{"daily 25h overlaps", start, h(25), "FREQ=DAILY", FieldRRule, CodeOverlappingOccurrences, ""},
		{"weekly 7 days touching is fine", start, h(7 * 24), "FREQ=WEEKLY", "", "", "FREQ=WEEKLY"},
		{"weekdays 36h overlaps", start, h(36), "FREQ=WEEKLY;BYDAY=MO,TU", FieldRRule, CodeOverlappingOccurrences, ""},
		{"twice daily 12h fine", start.Add(-12 * time.Hour), start, "FREQ=DAILY;BYHOUR=7,19", "", "", "FREQ=DAILY;BYHOUR=7,19"},
		{"twice daily 13h overlaps", start.Add(-12 * time.Hour), h(1), "FREQ=DAILY;BYHOUR=7,19", FieldRRule, CodeOverlappingOccurrences, ""},
		// Start (Tuesday) is not a rule day but is still the first occurrence, and it runs into
		// Wednesday's.
		{"unmatched first occurrence overlaps next", start, h(48), "FREQ=WEEKLY;BYDAY=WE", FieldRRule, CodeOverlappingOccurrences, ""},

		// horizon and size
		{"count reaching the horizon", start, h(12), "FREQ=DAILY;COUNT=367", "", "", "FREQ=DAILY;COUNT=367"},
		{"count beyond the horizon", start, h(12), "FREQ=DAILY;COUNT=368", FieldRRule, CodeBeyondHorizon, ""},
		{"until at the horizon", start, h(12), "FREQ=DAILY;UNTIL=" + utc(horizon), "", "", "FREQ=DAILY;UNTIL=" + utc(horizon)},
		{"until beyond the horizon", start, h(12), "FREQ=DAILY;UNTIL=" + utc(horizon.AddDate(0, 0, 1)), FieldRRule, CodeBeyondHorizon, ""},
		{"local until beyond the horizon", start, h(12), "FREQ=DAILY;UNTIL=20281231T000000", FieldRRule, CodeBeyondHorizon, ""},
		{"unbounded is truncated, not rejected", start, h(12), "FREQ=WEEKLY", "", "", "FREQ=WEEKLY"},
		{"until before start leaves one occurrence", start, h(12), "FREQ=DAILY;UNTIL=20200101T000000Z", "", "", "FREQ=DAILY;UNTIL=20200101T000000Z"},
		{"hourly-ish for a year fits", start, start.Add(30 * time.Minute), "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23", "", "", "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23"},
		{"half-hourly for a year is too many", start, start.Add(10 * time.Minute), "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,30", FieldRRule, CodeTooManyOccurrences, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, err := NewWindow(tc.start, tc.end, tc.rrule)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("NewWindow: unexpected error %v", err)
				}
				if w.RRule != tc.normalised {
					t.Fatalf("RRule stored as %q, want %q", w.RRule, tc.normalised)
				}
				if !w.Start.Equal(tc.start) || !w.End.Equal(tc.end) {
					t.Fatalf("times changed: %v", w)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("NewWindow error = %v (%T), want *FieldError", err, err)
			}
			if fe.Field != tc.field || fe.Code != tc.code {
				t.Fatalf("got %s/%s (%q), want %s/%s", fe.Field, fe.Code, fe.Message, tc.field, tc.code)
			}
			if fe.Message == "" || !strings.HasPrefix(fe.Error(), tc.field+": ") {
				t.Fatalf("unhelpful error text %q", fe.Error())
			}
			if w != (Window{}) {
				t.Fatalf("invalid window returned as %v", w)
			}
		})
	}
}

// TestValidateDependsOnZone shows why NewWindowIn exists: BYDAY is evaluated on the local date,
// so the same instants can be valid in one zone and overlap themselves in another.
func TestValidateDependsOnZone(t *testing.T) {
	t.Parallel()
	// 2026-12-01 12:00Z is Tuesday 20:00 in Shanghai, Tuesday 07:00 in New York and already
	// Wednesday 02:00 in Kiritimati (UTC+14). A 40-hour window repeating on Tuesdays and
	// Thursdays fits in the first two; in Kiritimati the first occurrence runs from Wednesday
	// into Thursday 18:00, past Thursday's 02:00 occurrence.
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	end := start.Add(40 * time.Hour)
	tests := []struct {
		name string
		loc  *time.Location
		code string
	}{
		{"shanghai", DefaultLocation(), ""},
		{"nil means shanghai", nil, ""},
		{"new york", mustLoc(t, "America/New_York"), ""},
		{"kiritimati", mustLoc(t, "Pacific/Kiritimati"), CodeOverlappingOccurrences},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewWindowIn(start, end, "FREQ=WEEKLY;BYDAY=TU,TH", tc.loc)
			var fe *FieldError
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.code != "" && (!errors.As(err, &fe) || fe.Code != tc.code):
				t.Fatalf("error = %v, want code %s", err, tc.code)
			}
		})
	}
}
