package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// client calls the API as one user. It keeps connections alive (one pool for the whole run).
type client struct {
	base  string
	http  *http.Client
	token string
	name  string
}

// answer is one HTTP exchange as the load sees it.
type answer struct {
	status  int
	code    string // problem code of a problem answer
	body    []byte
	replay  bool
	elapsed time.Duration
	err     error // transport error (no answer)
}

func (a answer) ok() bool { return a.err == nil && a.status >= 200 && a.status < 300 }

// outcome is the label under which an answer is counted: "201", "409 capacity_exceeded",
// "error" for a transport failure.
func (a answer) outcome() string {
	if a.err != nil {
		return "transport_error"
	}
	if a.code != "" {
		return fmt.Sprintf("%d %s", a.status, a.code)
	}
	return fmt.Sprint(a.status)
}

func (a answer) decode(v any) error {
	if !a.ok() {
		return fmt.Errorf("%s: %.300s", a.outcome(), a.body)
	}
	return json.Unmarshal(a.body, v)
}

func newHTTP(timeout time.Duration, conns int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil, // loopback only: never through a proxy
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

func (c *client) do(ctx context.Context, method, path string, body any, headers ...string) answer {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return answer{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept-Language", "en")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return answer{err: err, elapsed: time.Since(start)}
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	_ = res.Body.Close()
	a := answer{status: res.StatusCode, body: data, elapsed: time.Since(start), err: err,
		replay: res.Header.Get("Idempotent-Replayed") == "true"}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		var p struct {
			Code string `json:"code"`
		}
		_ = json.Unmarshal(data, &p)
		a.code = p.Code
	}
	return a
}

// retryable says whether a request may be sent again as it is: no answer at all, the server
// unavailable, or an Idempotency-Key still reserved by a request that died with its server.
func retryable(a answer) bool {
	if a.err != nil {
		return !errors.Is(a.err, context.Canceled)
	}
	return a.status == http.StatusServiceUnavailable || a.status == http.StatusBadGateway ||
		a.status == http.StatusTooManyRequests || (a.status == http.StatusConflict && a.code == "conflict")
}

// login logs in as username; the bootstrap admin's password comes from the command line.
func login(ctx context.Context, hc *http.Client, base, username, password string) (*client, error) {
	c := &client{base: base, http: hc, name: username}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	for attempt := 0; ; attempt++ {
		a := c.do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password})
		if a.status == http.StatusTooManyRequests && attempt < 20 {
			time.Sleep(time.Second) // the login limiter: 2/s per address
			continue
		}
		if err := a.decode(&tok); err != nil {
			return nil, fmt.Errorf("log in as %s: %w", username, err)
		}
		break
	}
	c.token = tok.AccessToken
	return c, nil
}

// checkLoopback refuses any target that is not this machine: the load is never aimed elsewhere.
func checkLoopback(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("--url %q: want http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return "", fmt.Errorf("--url %q: cannot resolve %s", raw, host)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return "", fmt.Errorf("--url %q: %s is not a loopback address; this tool only loads this machine", raw, ip)
		}
	}
	return strings.TrimRight(u.String(), "/"), nil
}
