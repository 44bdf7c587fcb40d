package main

import (
	"io"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:9/", "http://[::1]:8080"} {
		if _, err := checkLoopback(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1:8080", "http://192.168.1.2", "ftp://127.0.0.1", "127.0.0.1:8080", "http://8.8.8.8"} {
		if _, err := checkLoopback(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestParseBounds(t *testing.T) {
	t.Parallel()
	base := []string{"--admin", "a:b"}
	if o, err := parse(append(base, "--hot"), io.Discard); err != nil || o.clients != 8 || o.mode != "hot" {
		t.Fatalf("--hot: %+v %v", o, err)
	}
	if o, err := parse(base, io.Discard); err != nil || o.clients != 32 {
		t.Fatalf("mix: %+v %v", o, err)
	}
	for _, bad := range [][]string{{"--duration", "11m"}, {"--duration", "0s"}, {"--clients", "1000"}, {"--mode", "x"}, {"--nights", "400"}} {
		if _, err := parse(append(base, bad...), io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := parse([]string{"--admin", "nopassword"}, io.Discard); err == nil {
		t.Error("an admin without a password accepted")
	}
}

func TestOccurrences(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 3, 1, 19, 0, 0, 0, shanghai)
	got, err := occurrences(start, start.Add(4*time.Hour), "FREQ=DAILY;UNTIL=20270303T110000Z")
	if err != nil || len(got) != 3 || !got[2][0].Equal(start.AddDate(0, 0, 2)) || got[2][1].Sub(got[2][0]) != 4*time.Hour {
		t.Fatalf("occurrences: %v %v", got, err)
	}
	if one, _ := occurrences(start, start.Add(time.Hour), ""); len(one) != 1 {
		t.Fatalf("a single window: %v", one)
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if pct(d, .5) != 50*time.Millisecond || pct(d, .99) != 99*time.Millisecond || pct(d, 1) != 100*time.Millisecond {
		t.Fatalf("p50 %v p99 %v max %v", pct(d, .5), pct(d, .99), pct(d, 1))
	}
}
