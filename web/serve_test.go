package web_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
)

// TestServedFromTheBinary checks how the server serves the embedded console: index.html for
// every page path (deep links), hashed assets immutable with their content type, index.html
// never cached, a missing asset 404, and nothing loaded from another host.
func TestServedFromTheBinary(t *testing.T) {
	s := apitest.Start(t, "sqlite", nil)
	get := func(path string) (*http.Response, string) {
		t.Helper()
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r, err := c.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		body, _ := io.ReadAll(r.Body)
		return r, string(body)
	}

	if r, _ := get("/console"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/console/" {
		t.Fatalf("/console: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	r, index := get("/console/")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		r.Header.Get("Cache-Control") != "no-cache" || !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("/console/: %d %v", r.StatusCode, r.Header)
	}
	for _, deep := range []string{"/console/inbox", "/console/offers/0190b3c4-0000-7000-8000-000000000000", "/console/index.html"} {
		if r, body := get(deep); r.StatusCode != http.StatusOK || body != index {
			t.Fatalf("%s: %d, not index.html", deep, r.StatusCode)
		}
	}
	if regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).MatchString(index) {
		t.Fatalf("index.html loads from another host:\n%s", index)
	}
	assets := regexp.MustCompile(`/console/assets/[^"]+\.(js|css)`).FindAllString(index, -1)
	if len(assets) < 2 {
		t.Fatalf("index.html names %v", assets)
	}
	for _, a := range assets {
		r, body := get(a)
		want := map[bool]string{true: "text/javascript", false: "text/css"}[strings.HasSuffix(a, ".js")]
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), want) ||
			r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || len(body) == 0 {
			t.Fatalf("%s: %d %v", a, r.StatusCode, r.Header)
		}
		if regexp.MustCompile(`(?i)(fonts\.googleapis|cdn\.|unpkg\.com|jsdelivr)`).MatchString(body) {
			t.Fatalf("%s refers to another host", a)
		}
	}
	if r, _ := get("/console/assets/missing-0000.js"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("missing asset: %d, want 404", r.StatusCode)
	}
}
