package schedule

import (
	"errors"
	"testing"
	"time"
)

// FuzzWindow: any start, length, rule and zone give either a *FieldError naming a window field
// or a window whose expansion obeys the package's limits: the first occurrence is exactly
// [Start, End), occurrences are ordered and disjoint, each at most MaxWindowLength long, at most
// MaxOccurrences of them, none starting past the horizon.
func FuzzWindow(f *testing.F) {
	f.Add(int64(1893495600), int64(720), "FREQ=DAILY;COUNT=30", uint8(0))
	f.Add(int64(1893495600), int64(60), "FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20300601T000000Z", uint8(1))
	f.Add(int64(1893495600), int64(90), "RRULE:freq=monthly;bymonthday=-1", uint8(2))
	f.Add(int64(1893495600), int64(30), "FREQ=DAILY;BYHOUR=1,2,3,4,5,6,7,8,9,10", uint8(0))
	f.Add(int64(1893495600), int64(30), "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", uint8(1))
	f.Add(int64(1893495600), int64(60), "FREQ=DAILY;COUNT=0", uint8(0))
	f.Add(int64(1893495600), int64(60), "FREQ=HOURLY", uint8(0))
	f.Add(int64(1893495600), int64(60), "FREQ=DAILY;DTSTART=20300101T000000Z", uint8(0))
	f.Add(int64(-1), int64(-5), "FREQ=DAILY;FREQ=WEEKLY", uint8(3))
	f.Add(int64(1893495600), int64(60), "FREQ=DAILY;BYSETPOS=1;\x00", uint8(0))
	zones := []string{"Asia/Shanghai", "America/New_York", "Pacific/Apia", "UTC"}
	f.Fuzz(func(t *testing.T, startUnix, minutes int64, rule string, zone uint8) {
		if len(rule) > 300 {
			return // the API refuses long rules before they get here
		}
		loc, err := time.LoadLocation(zones[int(zone)%len(zones)])
		if err != nil {
			t.Skip(err)
		}
		start := time.Unix(startUnix%(1<<36), 0).In(loc)
		end := start.Add(time.Duration(minutes%(20*24*60)) * time.Minute)
		w, err := NewWindowIn(start, end, rule, loc)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || (fe.Field != FieldStart && fe.Field != FieldEnd && fe.Field != FieldRRule) || fe.Code == "" {
				t.Fatalf("error %v (%T)", err, err)
			}
			return
		}
		occs := w.Occurrences(loc)
		if len(occs) == 0 || len(occs) > MaxOccurrences {
			t.Fatalf("%d occurrences", len(occs))
		}
		if !occs[0].Start.Equal(w.Start) || !occs[0].End.Equal(w.End) {
			t.Fatalf("first occurrence %v, window [%v, %v)", occs[0], w.Start, w.End)
		}
		horizon := start.AddDate(0, 0, HorizonDays).Add(maxOffsetChange)
		for i, o := range occs {
			if !o.Start.Before(o.End) || o.Duration() > MaxWindowLength+maxOffsetChange {
				t.Fatalf("occurrence %d: %v", i, o)
			}
			if o.Start.After(horizon) {
				t.Fatalf("occurrence %d starts %v, past the horizon", i, o.Start)
			}
			if i > 0 && o.Start.Before(occs[i-1].End) {
				t.Fatalf("occurrences %d and %d overlap: %v %v", i-1, i, occs[i-1], o)
			}
		}
	})
}
