package apitest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/docs"
)

// TestValidatorCatchesWhatTheDocumentDoesNotDeclare: a handler that answers an undeclared
// field, status, null or header fails the exchange; one that keeps the document passes.
func TestValidatorCatchesWhatTheDocumentDoesNotDeclare(t *testing.T) {
	v, err := NewValidator(docs.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	// A fake service whose /healthz misbehaves as the query says.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "r1")
		switch r.URL.RawQuery {
		case "field":
			_, _ = w.Write([]byte(`{"status":"ok","debug":true}`))
		case "status":
			w.WriteHeader(http.StatusTeapot)
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		case "null":
			_, _ = w.Write([]byte(`{"status":null}`))
		case "missing":
			_, _ = w.Write([]byte(`{}`))
		case "header":
			w.Header().Set("X-Debug", "1")
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		default:
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		query, want string
	}{
		{"", ""},
		{"field", `"debug"`},
		{"status", "418"},
		{"null", "nullable"},
		{"missing", `"status"`},
		{"header", "X-Debug"},
	} {
		var got []string
		client := &http.Client{Transport: v.RoundTripper(http.DefaultTransport, func(m string) { got = append(got, m) })}
		res, err := client.Get(srv.URL + "/healthz?" + tc.query)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%q: a conforming answer was reported: %v", tc.query, got)
		case tc.want != "" && (len(got) == 0 || !strings.Contains(strings.Join(got, " "), tc.want)):
			t.Errorf("%q: want a violation naming %s, got %v", tc.query, tc.want, got)
		}
	}

	// A request the document calls invalid must be refused: a body with an unknown field that
	// the service would accept is a violation; refused with 422 it is not.
	for _, tc := range []struct {
		status int
		want   bool
	}{{http.StatusOK, true}, {http.StatusUnprocessableEntity, false}} {
		var got []string
		fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(`{"type":"urn:gongjian:problem:validation_failed","title":"t","status":422,"detail":"d","code":"validation_failed"}`))
		}))
		client := &http.Client{Transport: v.RoundTripper(http.DefaultTransport, func(m string) { got = append(got, m) })}
		res, err := client.Post(fake.URL+"/api/v1/auth/refresh", "application/json", strings.NewReader(`{"refresh_token":"x","extra":1}`))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		fake.Close()
		if reported := strings.Contains(strings.Join(got, " "), "breaks the document"); reported != tc.want {
			t.Errorf("answered %d: reported=%v (%v)", tc.status, reported, got)
		}
	}
}

// TestValidatorCatchesUnlistedCodes: a problem code its operation does not list in
// x-problem-codes for that status is reported.
func TestValidatorCatchesUnlistedCodes(t *testing.T) {
	v, err := NewValidator(docs.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]bool{"validation_failed": false, "own_listing": true} {
		var got []string
		fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"type":"urn:gongjian:problem:` + code + `","title":"t","status":422,"detail":"d","code":"` + code + `"}`))
		}))
		client := &http.Client{Transport: v.RoundTripper(http.DefaultTransport, func(m string) { got = append(got, m) })}
		res, err := client.Post(fake.URL+"/api/v1/auth/refresh", "application/json", strings.NewReader(`{"refresh_token":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		fake.Close()
		if reported := strings.Contains(strings.Join(got, " "), "x-problem-codes"); reported != want {
			t.Errorf("%s: reported=%v (%v)", code, reported, got)
		}
	}
}

// TestCheckDelivery: a webhook delivery whose body is not an Event, or that is unsigned, breaks
// the callback of POST /webhooks.
func TestCheckDelivery(t *testing.T) {
	v, err := NewValidator(docs.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	good := `{"id":"0190f5c2-8c4e-7d3a-9b1e-3f2a1c0d4e60","type":"claim.created","at":"2027-01-04T19:00:00+08:00","subject_id":"0190f5c2-8c4e-7d3a-9b1e-3f2a1c0d4e5f","data":{"quantity":2}}`
	req := func(body string, signed bool) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "http://receiver.example/hook", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Gongjian-Event", "claim.created")
		r.Header.Set("Gongjian-Delivery", "d1")
		if signed {
			r.Header.Set("Gongjian-Signature", "t=1767225600,v1="+strings.Repeat("ab", 32))
		}
		return r
	}
	if bad := v.CheckDelivery(req(good, true), []byte(good)); len(bad) > 0 {
		t.Errorf("a good delivery was reported: %v", bad)
	}
	for name, tc := range map[string]struct {
		body   string
		signed bool
	}{
		"unsigned":     {good, false},
		"extra member": {strings.Replace(good, `"quantity":2`, `"quantity":2,"secret":"x"`, 1), true},
		"no type":      {strings.Replace(good, `"type":"claim.created",`, "", 1), true},
	} {
		if bad := v.CheckDelivery(req(tc.body, tc.signed), []byte(tc.body)); len(bad) == 0 {
			t.Errorf("%s: not reported", name)
		}
	}
}
