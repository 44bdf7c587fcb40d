package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// FuzzReadTokenRequest: whatever a client sends to /oauth/token, the reader answers a request or
// a client error (never a panic, never an internal error), and the OAuth error code is one of
// RFC 6749's.
func FuzzReadTokenRequest(f *testing.F) {
	f.Add("grant_type=client_credentials&client_id=gj_1&client_secret=s&scope=listings%3Aread", mimeForm, "")
	f.Add(`{"grant_type":"client_credentials","client_id":"gj_1","client_secret":"s"}`, "application/json", "")
	f.Add(`{"grant_type":"client_credentials","extra":1}`, "", "")
	f.Add("grant_type=client_credentials&scope=a&scope=b", "", "Basic Z2pfMTpz")
	f.Add("%zz", mimeForm, "Basic !!")
	f.Add("", "text/plain; charset", "Bearer x")
	e := echo.New()
	f.Fuzz(func(t *testing.T, body, contentType, authorization string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/oauth/token", strings.NewReader(body))
		if contentType != "" {
			req.Header.Set(echo.HeaderContentType, contentType)
		}
		if authorization != "" {
			req.Header.Set(echo.HeaderAuthorization, authorization)
		}
		_, basic, err := readTokenRequest(e.NewContext(req, httptest.NewRecorder()))
		if err == nil {
			if basic && authorization == "" {
				t.Fatal("Basic reported without an Authorization header")
			}
			// One authentication method per request: Basic next to a form secret is refused.
			if v, _ := url.ParseQuery(body); basic && contentType == mimeForm && v.Get("client_secret") != "" {
				t.Fatalf("Basic and a body secret accepted together: %q", body)
			}
			return
		}
		p, internal := toProblem(err, langEN)
		if internal || p.Status < 400 || p.Status >= 500 {
			t.Fatalf("%q (%q, %q): %d %s internal=%v", body, contentType, authorization, p.Status, p.Code, internal)
		}
		code, status := oauthError(p)
		switch code {
		case "invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope":
		default:
			t.Fatalf("oauth error %q", code)
		}
		if status != http.StatusBadRequest && status != http.StatusUnauthorized && status != http.StatusRequestEntityTooLarge &&
			status != http.StatusUnsupportedMediaType {
			t.Fatalf("oauth status %d for %s", status, code)
		}
		for _, r := range oauthDescription(p) {
			if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
				t.Fatalf("error_description %q", oauthDescription(p))
			}
		}
	})
}
