package domain

import (
	"testing"
	"time"
)

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	var th LoginThrottle
	for i := 1; i < AddressLimit.Free; i++ {
		th.Failed(AddressLimit, now)
		if _, locked := th.Locked(now); locked {
			t.Fatalf("locked after %d failures", i)
		}
	}
	wantLocks := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for _, want := range wantLocks {
		th.Failed(AddressLimit, now)
		until, locked := th.Locked(now)
		if !locked || until.Sub(now) != want {
			t.Fatalf("after %d failures: locked %v for %v, want %v", th.Failures, locked, until.Sub(now), want)
		}
		if _, locked := th.Locked(until); locked {
			t.Fatal("still locked when the lock ends")
		}
	}
	th.Succeeded(now)
	if _, locked := th.Locked(now); locked || th.Failures != 0 {
		t.Fatal("a good login clears the count")
	}
	// Failures are forgotten after FailureMemory without a new one.
	for range AddressLimit.Free - 1 {
		th.Failed(AddressLimit, now)
	}
	th.Failed(AddressLimit, now.Add(FailureMemory+time.Second))
	if th.Failures != 1 {
		t.Fatalf("failures %d after a day of quiet, want 1", th.Failures)
	}
}

func TestThrottleKeys(t *testing.T) {
	t.Parallel()
	a := throttleKeys("alice", "2001:db8:1:2:3:4:5:6")
	b := throttleKeys("alice", "2001:db8:1:2:ffff::1")
	c := throttleKeys("alice", "2001:db8:1:3::1")
	d := throttleKeys("alice", "192.0.2.1")
	e := throttleKeys("alice", "::ffff:192.0.2.1")
	if a[0] != b[0] || a[0] == c[0] || d[0] != e[0] || a[0] == d[0] {
		t.Fatal("an IPv6 client is throttled by its /64, an IPv4 one by its address")
	}
	if a[1] != c[1] || a[1] != d[1] || a[1] == throttleKeys("bob", "192.0.2.1")[1] {
		t.Fatal("the account key is the username's alone")
	}
}
