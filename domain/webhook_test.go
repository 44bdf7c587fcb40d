package domain

import (
	"net/netip"
	"testing"
	"time"
)

func TestPublicAddr(t *testing.T) {
	t.Parallel()
	for addr, public := range map[string]bool{
		"93.184.215.14": true, "8.8.8.8": true, "2606:4700:4700::1111": true, "100.128.0.1": true, "172.32.0.1": true,
		"127.0.0.1": false, "127.8.9.10": false, "::1": false, "10.0.0.1": false, "172.16.5.4": false, "192.168.0.1": false,
		"fd12:3456::1": false, "fc00::1": false, "169.254.169.254": false, "fe80::1": false, "0.0.0.0": false, "::": false,
		"0.1.2.3": false, "224.0.0.1": false, "ff02::1": false, "100.64.0.1": false, "100.127.255.254": false,
		"255.255.255.255": false, "::ffff:10.0.0.1": false, "::ffff:8.8.8.8": true, "64:ff9b::7f00:1": false,
		"64:ff9b::808:808": true,
		// Benchmarking, documentation and reserved IPv4.
		"198.18.0.1": false, "198.19.255.254": false, "198.20.0.1": true, "192.0.2.10": false, "203.0.113.5": false,
		"240.0.0.1": false, "192.0.0.8": false, "2001:db8::1": false,
		// 6to4: 2002:AABB:CCDD:: is the site of AA.BB.CC.DD.
		"2002:a00:1::1": false, "2002:7f00:1::": false, "2002:c0a8:101::1": false, "2002:a9fe:a9fe::1": false,
		"2002:c612:1::1": false, "2002:808:808::1": true,
		// Teredo: the client IPv4 is the last 32 bits inverted (10.0.0.1 → f5ff:fffe).
		"2001:0:4136:e378:8000:63bf:f5ff:fffe": false, "2001:0:4136:e378:8000:63bf:80ff:fffe": false,
		"2001:0:4136:e378:8000:63bf:f7f7:f7f7": true, "2001:0:a00:1:8000:63bf:f7f7:f7f7": false,
		// IPv4-compatible (deprecated) forms.
		"::10.0.0.1": false, "::127.0.0.1": false, "::8.8.8.8": true,
	} {
		if got := PublicAddr(netip.MustParseAddr(addr)); got != public {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, public)
		}
	}
	if PublicAddr(netip.Addr{}) {
		t.Error("the zero address is public")
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for attempt, full := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 5: 8 * time.Minute, 7: 32 * time.Minute, 8: time.Hour, 40: time.Hour} {
		for range 50 {
			if d := Backoff(attempt); d < full/2 || d > full {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", attempt, d, full/2, full)
			}
		}
	}
}

func TestDeliveryLifecycle(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	d := NewDelivery(Webhook{ID: "w"}, Event{ID: "e", Type: "claim.created"}, []byte("{}"), t0)
	if d.Status != DeliveryPending || !d.NextAttemptAt.Equal(t0) {
		t.Fatalf("new: %+v", d)
	}
	d.Fail(t0, 0, string(make([]byte, 2*MaxDeliveryError)))
	if d.Status != DeliveryFailed || d.Attempt != 1 || len(d.Error) != MaxDeliveryError || !d.FirstAttemptAt.Equal(t0) {
		t.Fatalf("failed: %+v", d)
	}
	d.Fail(t0.Add(24*time.Hour-time.Second), 500, "HTTP 500")
	if d.Status != DeliveryFailed {
		t.Fatalf("retried until 24 h: %s", d.Status)
	}
	d.Fail(t0.Add(24*time.Hour), 500, "HTTP 500")
	if d.Status != DeliveryAbandoned || d.Attempt != 3 || d.ResponseStatus != 500 {
		t.Fatalf("abandoned: %+v", d)
	}
	ok := NewDelivery(Webhook{ID: "w"}, Event{ID: "e"}, nil, t0)
	ok.Succeed(t0, 204)
	if ok.Status != DeliverySucceeded || ok.DeliveredAt == nil || ok.Attempt != 1 {
		t.Fatalf("succeeded: %+v", ok)
	}
	if got := truncate("共建共建", 4); got != "共" {
		t.Fatalf("truncate split a rune: %q", got)
	}
}

func TestWebhookCovers(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	ev := Event{ID: "e", Type: "claim.created", At: t0.Add(time.Second)}.Scoped("s1", "u1", "c1")
	gone := t0
	for name, tc := range map[string]struct {
		w    Webhook
		want bool
	}{
		"admin":           {Webhook{Events: []string{"claim.created"}, CreatedAt: t0}, true},
		"other type":      {Webhook{Events: []string{"claim.approved"}, CreatedAt: t0}, false},
		"street":          {Webhook{Events: []string{"claim.created"}, StreetID: "s1", CreatedAt: t0}, true},
		"other street":    {Webhook{Events: []string{"claim.created"}, StreetID: "s2", CreatedAt: t0}, false},
		"org":             {Webhook{Events: []string{"claim.created"}, OrgID: "c1", CreatedAt: t0}, true},
		"other org":       {Webhook{Events: []string{"claim.created"}, OrgID: "u2", CreatedAt: t0}, false},
		"older event":     {Webhook{Events: []string{"claim.created"}, CreatedAt: t0.Add(time.Minute)}, false},
		"deleted":         {Webhook{Events: []string{"claim.created"}, CreatedAt: t0, DeletedAt: &gone}, false},
		"org, not street": {Webhook{Events: []string{"claim.created"}, OrgID: "s1", CreatedAt: t0}, false},
	} {
		if got := tc.w.Covers(ev); got != tc.want {
			t.Errorf("%s: Covers = %v, want %v", name, got, tc.want)
		}
	}
}

func TestWebhookPermissions(t *testing.T) {
	t.Parallel()
	w := Webhook{CreatedBy: "u1"}
	for name, tc := range map[string]struct {
		p    Principal
		want bool
	}{
		"admin":   {Principal{UserID: "a", Role: RoleAdmin}, true},
		"creator": {Principal{UserID: "u1", Role: RoleLiaison}, true},
		"other":   {Principal{UserID: "u2", Role: RoleLiaison}, false},
		"app":     {Principal{ClientID: "gj_x", Role: RoleApp}, false},
		"nobody":  {Principal{}, false},
	} {
		if got := CanSeeWebhook(tc.p, w); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}
