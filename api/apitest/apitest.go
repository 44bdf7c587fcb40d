// Package apitest drives the real service over HTTP in tests: a fresh migrated database per test
// (every engine of repotest), the app wired as in production, an httptest server, and small
// clients and fixtures.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gongjian/gongjian/app"
	"github.com/gongjian/gongjian/repository/repotest"
)

// AdminPassword is the bootstrap admin's password in tests.
const AdminPassword = "admin-password"

// Server is a running service on one engine.
type Server struct {
	T      testing.TB
	App    *app.App
	URL    string
	Engine string
	client *http.Client
}

// Each runs fn as a parallel subtest per engine with a fresh server.
func Each(t *testing.T, fn func(t *testing.T, s *Server)) {
	t.Helper()
	for _, engine := range repotest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, Start(t, engine, nil))
		})
	}
}

// Start runs a server on a fresh database of engine; tweak may adjust the config.
func Start(t testing.TB, engine string, tweak func(*app.Config)) *Server {
	t.Helper()
	cfg, err := app.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = repotest.URL(t, engine)
	cfg.BcryptCost = 4
	cfg.BootstrapAdmin = "admin:" + AdminPassword
	if tweak != nil {
		tweak(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		ts.Close()
		_ = a.Close()
	})
	tr := &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 0}
	// Every exchange is checked against docs/openapi.json: a test fails on anything the
	// document does not declare.
	v, err := Contract()
	if err != nil {
		t.Fatalf("docs/openapi.json: %v", err)
	}
	checked := v.RoundTripper(tr, func(msg string) { t.Errorf("contract: %s", msg) })
	return &Server{T: t, App: a, URL: ts.URL, Engine: engine, client: &http.Client{Transport: checked, Timeout: 60 * time.Second}}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Client calls the API, optionally as a logged-in user.
type Client struct {
	s       *Server
	Token   string
	Refresh string
	Headers map[string]string
}

// Anon is a client without credentials.
func (s *Server) Anon() *Client { return &Client{s: s, Headers: map[string]string{}} }

// Login logs in and fails the test on error.
func (s *Server) Login(username, password string) *Client {
	s.T.Helper()
	c := s.Anon()
	r := c.Do("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password})
	if r.Code != http.StatusOK {
		s.T.Fatalf("login %s: %d %s", username, r.Code, r.Body)
	}
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	r.Decode(&tok)
	c.Token, c.Refresh = tok.AccessToken, tok.RefreshToken
	return c
}

// Admin logs in as the bootstrap admin.
func (s *Server) Admin() *Client { return s.Login("admin", AdminPassword) }

// With returns a copy of c that sends one more header.
func (c *Client) With(name, value string) *Client {
	h := map[string]string{}
	for k, v := range c.Headers {
		h[k] = v
	}
	h[name] = value
	cp := *c
	cp.Headers = h
	return &cp
}

// Response is what the server answered.
type Response struct {
	t      testing.TB
	Code   int
	Header http.Header
	Body   []byte
}

// Do sends a request; body is JSON-encoded unless it is a string or []byte (sent as is).
func (c *Client) Do(method, path string, body any) *Response {
	c.s.T.Helper()
	r, err := c.Try(method, path, body)
	if err != nil {
		c.s.T.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// Try is Do that returns a failed exchange (a dropped connection) instead of failing the test.
func (c *Client) Try(method, path string, body any) (*Response, error) {
	c.s.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.s.T.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.s.URL+path, rd)
	if err != nil {
		c.s.T.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for k, v := range c.Headers {
		req.Header.Set(k, v)
	}
	res, err := c.s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	return &Response{t: c.s.T, Code: res.StatusCode, Header: res.Header, Body: data}, nil
}

// Decode unmarshals the body into v.
func (r *Response) Decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map() map[string]any {
	r.t.Helper()
	var m map[string]any
	r.Decode(&m)
	return m
}

// Expect fails the test unless the status is code, and returns the decoded object.
func (r *Response) Expect(code int) map[string]any {
	r.t.Helper()
	if r.Code != code {
		r.t.Fatalf("status %d, want %d: %s", r.Code, code, r.Body)
	}
	if len(r.Body) == 0 {
		return nil
	}
	return r.Map()
}

// Problem asserts an RFC 9457 problem with status and code, and returns it.
func (r *Response) Problem(status int, code string) map[string]any {
	r.t.Helper()
	if r.Code != status {
		r.t.Fatalf("status %d, want %d (%s): %s", r.Code, status, code, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		r.t.Fatalf("content type %q, want application/problem+json", ct)
	}
	p := r.Map()
	if p["code"] != code {
		r.t.Fatalf("code %v, want %s: %s", p["code"], code, r.Body)
	}
	for _, k := range []string{"type", "title", "status", "detail"} {
		if _, ok := p[k]; !ok {
			r.t.Fatalf("problem lacks %q: %s", k, r.Body)
		}
	}
	if int(p["status"].(float64)) != status {
		r.t.Fatalf("problem status %v, want %d", p["status"], status)
	}
	return p
}
