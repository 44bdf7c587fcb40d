package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/gongjian/gongjian/domain"
)

// Timeout bounds one delivery attempt, from dialling to the end of the response headers.
const Timeout = 10 * time.Second

// ErrPrivateAddress is a connection refused because it would reach a non-public address.
var ErrPrivateAddress = errors.New("webhook: refusing to connect to a non-public address")

// DialControl returns a net.Dialer Control function that refuses connections to addresses that
// are not public (domain.PublicAddr) unless allowPrivate. It sees the address actually being
// connected to, after DNS resolution, so a host that resolved to a public address when the
// webhook was created and to an internal one now (DNS rebinding) is still refused.
func DialControl(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %q", ErrPrivateAddress, address)
		}
		if !domain.PublicAddr(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
		}
		return nil
	}
}

// NewHTTPClient returns the client deliveries are sent with: no proxy (a proxy would connect on
// our behalf, out of the dialer's sight), the address check in the dialer, no redirects (a 3xx
// is a failed attempt: following it could lead anywhere), and a 10 s timeout.
func NewHTTPClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: DialControl(allowPrivate)}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: Timeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Signature is the Gongjian-Signature header of body sent at t: the Unix time and the hex
// HMAC-SHA256 of "<t>.<body>" with the webhook's secret. The time is signed so a captured
// request cannot be replayed later with a fresh timestamp.
func Signature(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}
