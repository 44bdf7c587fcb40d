package domain

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Webhook is a URL that receives, as signed POSTs, the events its creator could read from the
// feed when it was made (API.md §8).
type Webhook struct {
	ID     string
	URL    string
	Events []string // event types delivered, in the order of EventTypes
	// Secret signs every delivery. It is kept in plain, unlike app secrets: computing an HMAC
	// needs the key itself, so a hash would be useless. It is shown to the creator only once.
	Secret string
	// StreetID and OrgID are the creator's EventScope at creation: both empty for an admin.
	StreetID  string
	OrgID     string
	CreatedBy string // Principal.ActorID of the creator
	CreatedAt time.Time
	DeletedAt *time.Time
}

// WebhookInput is what a caller sends to create a webhook.
type WebhookInput struct {
	URL    *string
	Events []string
}

// MaxWebhookURL is the longest webhook URL accepted.
const MaxWebhookURL = 2048

// HostResolver looks up the addresses of a host name; *net.Resolver is one.
type HostResolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// NewWebhook validates in for a creator whose feed scope is (street, org) and makes its secret.
// Unless allowPrivate, the URL must be https and its host must resolve only to public addresses
// (PublicAddr); the dispatcher checks the address again when it connects, since DNS may change.
func NewWebhook(ctx context.Context, in WebhookInput, p Principal, street, org string, res HostResolver, allowPrivate bool, now time.Time) (Webhook, error) {
	v := &ValidationError{}
	w := Webhook{ID: NewID(), StreetID: street, OrgID: org, CreatedBy: p.ActorID(), CreatedAt: now}
	if in.URL != nil {
		w.URL = strings.TrimSpace(*in.URL)
	}
	if u, ok := checkWebhookURL(v, w.URL, allowPrivate); ok && !allowPrivate {
		checkWebhookHost(ctx, v, res, u.Hostname())
	}
	if len(in.Events) == 0 {
		v.Add("events", "required", "events must name at least one event type")
	}
	for i, t := range in.Events {
		if !slices.Contains(EventTypes, t) {
			v.Add(fmt.Sprintf("events[%d]", i), "unknown", "unknown event type %q; known: %s", t, strings.Join(EventTypes, ", "))
		}
	}
	for _, t := range EventTypes {
		if slices.Contains(in.Events, t) {
			w.Events = append(w.Events, t)
		}
	}
	if err := v.Err(); err != nil {
		return Webhook{}, err
	}
	tok, _ := NewOpaqueToken() // 256 random bits
	w.Secret = "gjwh_" + tok
	return w, nil
}

// checkWebhookURL checks the form of raw and returns it parsed when it is usable.
func checkWebhookURL(v *ValidationError, raw string, allowHTTP bool) (*url.URL, bool) {
	if raw == "" {
		v.Add("url", "required", "url is required")
		return nil, false
	}
	if len(raw) > MaxWebhookURL {
		v.Add("url", "too_long", "url must be at most %d characters", MaxWebhookURL)
		return nil, false
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" {
		v.Add("url", "invalid", "url must be an absolute URL such as https://example.com/hooks/gongjian")
		return nil, false
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowHTTP:
	default:
		v.Add("url", "invalid", "url must use https")
		return nil, false
	}
	if u.User != nil {
		// Credentials in a URL end up in logs and in the listing; use the signature instead.
		v.Add("url", "invalid", "url must not contain a user name or password")
		return nil, false
	}
	if u.Fragment != "" {
		v.Add("url", "invalid", "url must not contain a fragment")
		return nil, false
	}
	return u, true
}

// checkWebhookHost refuses a host that is, or resolves to, an address that is not public.
func checkWebhookHost(ctx context.Context, v *ValidationError, res HostResolver, host string) {
	addrs := []netip.Addr{}
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = append(addrs, a)
	} else {
		found, err := res.LookupNetIP(ctx, "ip", host)
		if err != nil || len(found) == 0 {
			v.Add("url", "unresolvable", "the host of url does not resolve")
			return
		}
		addrs = found
	}
	for _, a := range addrs {
		if !PublicAddr(a) {
			v.Add("url", "private_address", "url resolves to a loopback, private or link-local address (%s)", a)
			return
		}
	}
}

var (
	cgnat      = netip.MustParsePrefix("100.64.0.0/10")
	thisNet    = netip.MustParsePrefix("0.0.0.0/8")
	broadcast  = netip.MustParseAddr("255.255.255.255")
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour  = netip.MustParsePrefix("2002::/16")
	teredo     = netip.MustParsePrefix("2001::/32")
	ipv4Compat = netip.MustParsePrefix("::/96")
	// reserved4 are IPv4 ranges that are not the public internet: IETF protocol assignments,
	// the three documentation networks, benchmarking (RFC 2544) and the former class E.
	reserved4 = []netip.Prefix{
		netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("240.0.0.0/4"),
	}
	// reserved6 are the IPv6 documentation ranges.
	reserved6 = []netip.Prefix{netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("3fff::/20")}
)

// PublicAddr reports whether a webhook may be sent to a: not loopback, private (RFC 1918,
// RFC 4193), link-local, unspecified, multicast, "this network", broadcast, carrier-grade NAT
// (100.64/10), benchmarking (198.18/15), documentation or otherwise reserved. IPv6 forms that
// carry an IPv4 address (IPv4-mapped and -compatible, NAT64, 6to4, Teredo) are judged by that
// address too, since that is where they lead.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() {
		return false
	}
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			return PublicAddr(netip.AddrFrom4([4]byte(b[12:])))
		case sixToFour.Contains(a): // 2002:AABB:CCDD::/48 is the site of AA.BB.CC.DD
			return PublicAddr(netip.AddrFrom4([4]byte(b[2:6])))
		case teredo.Contains(a):
			// 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC: the Teredo server, and the client's address
			// with every bit inverted (RFC 4380 §4), which is where the packets end up.
			client := [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}
			return PublicAddr(netip.AddrFrom4([4]byte(b[4:8]))) && PublicAddr(netip.AddrFrom4(client))
		case ipv4Compat.Contains(a) && !a.IsLoopback() && !a.IsUnspecified():
			return PublicAddr(netip.AddrFrom4([4]byte(b[12:])))
		}
	}
	switch {
	case a.IsLoopback(), a.IsPrivate(), a.IsUnspecified(),
		a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast(), a.IsMulticast(),
		cgnat.Contains(a), thisNet.Contains(a), a == broadcast, nat64Local.Contains(a):
		return false
	}
	for _, p := range reserved4 {
		if p.Contains(a) {
			return false
		}
	}
	for _, p := range reserved6 {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// Covers reports whether w receives ev: a type it subscribed to, within its creator's scope,
// and not older than w itself (a new webhook does not replay history). ev.OrgIDs must be
// filled for org-scoped webhooks.
func (w Webhook) Covers(ev Event) bool {
	if w.DeletedAt != nil || !slices.Contains(w.Events, ev.Type) || ev.At.Before(w.CreatedAt) {
		return false
	}
	switch {
	case w.OrgID != "":
		return slices.Contains(ev.OrgIDs, w.OrgID)
	case w.StreetID != "":
		return ev.StreetID == w.StreetID
	}
	return true
}

// CanSeeWebhook: admins see every webhook, anyone else the ones they created.
func CanSeeWebhook(p Principal, w Webhook) bool {
	return p.IsAdmin() || (p.ActorID() != "" && w.CreatedBy == p.ActorID())
}

// WebhookFilter selects webhooks in a list; CreatedBy "" lists everyone's.
type WebhookFilter struct {
	CreatedBy string
	Page      Page
}

// WebhookStore persists webhooks and reads their deliveries.
type WebhookStore interface {
	CreateWebhook(ctx context.Context, w Webhook) error
	// GetWebhook loads a webhook that is not deleted; a deleted one is ErrNotFound.
	GetWebhook(ctx context.Context, id string) (Webhook, error)
	ListWebhooks(ctx context.Context, f WebhookFilter) ([]Webhook, error)
	// DeleteWebhook marks a webhook deleted, which stops its deliveries, and abandons the ones
	// still due.
	DeleteWebhook(ctx context.Context, id string, now time.Time) error
	ListDeliveries(ctx context.Context, webhookID string, p Page) ([]Delivery, error)
}
