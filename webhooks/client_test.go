package webhooks

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestDialControl(t *testing.T) {
	t.Parallel()
	strict, open := DialControl(false), DialControl(true)
	for addr, refused := range map[string]bool{
		"127.0.0.1:80": true, "[::1]:443": true, "10.0.0.1:80": true, "169.254.169.254:80": true,
		"100.64.1.1:443": true, "[fd00::1]:443": true, "[::ffff:127.0.0.1]:80": true, "0.0.0.0:80": true,
		"[2002:a00:1::1]:443": true, "[2001:0:4136:e378:8000:63bf:f5ff:fffe]:443": true, "198.18.0.1:443": true,
		"93.184.215.14:443": false, "[2606:4700:4700::1111]:443": false, "[2002:808:808::1]:443": false,
	} {
		err := strict("tcp", addr, nil)
		if got := errors.Is(err, ErrPrivateAddress); got != refused {
			t.Errorf("strict %s: %v", addr, err)
		}
		if err := open("tcp", addr, nil); err != nil {
			t.Errorf("allow-private %s: %v", addr, err)
		}
	}
}

// TestHTTPClientRefusesLoopback: the delivery client does not reach a server on 127.0.0.1
// unless private addresses are allowed, and never follows a redirect.
func TestHTTPClientRefusesLoopback(t *testing.T) {
	t.Parallel()
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	defer srv.Close()
	if _, err := NewHTTPClient(false).Get(srv.URL); !errors.Is(err, ErrPrivateAddress) || hits != 0 {
		t.Fatalf("strict client: %v, %d hits", err, hits)
	}
	res, err := NewHTTPClient(true).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusFound || hits != 1 {
		t.Fatalf("redirect followed: %d, %d hits", res.StatusCode, hits)
	}
}

func TestSignature(t *testing.T) {
	t.Parallel()
	// HMAC-SHA256("secret", "1700000000.{}"), computed independently with openssl.
	got := Signature("secret", time.Unix(1700000000, 0), []byte("{}"))
	const want = "t=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163"
	if got != want {
		t.Fatalf("Signature = %s", got)
	}
}
