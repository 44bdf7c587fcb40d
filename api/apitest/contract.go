package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/gongjian/gongjian/docs"
)

// Validator checks requests and responses against an OpenAPI document (docs/openapi.json for
// the service): every API test's traffic goes through it, so a test fails on any status, field,
// null or header its operation does not declare.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	contractOnce sync.Once
	contract     *Validator
	contractErr  error
)

// Contract is the validator of the service's own document, loaded once.
func Contract() (*Validator, error) {
	contractOnce.Do(func() { contract, contractErr = NewValidator(docs.OpenAPI) })
	return contract, contractErr
}

func init() {
	// Text bodies (CSV statistics, metrics) are strings to the validator.
	text := func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		return string(b), err
	}
	openapi3filter.RegisterBodyDecoder("text/csv", text)
	openapi3filter.RegisterBodyDecoder("text/plain", text)
	openapi3filter.RegisterBodyDecoder("text/html", text)
}

// NewValidator loads document and checks it.
func NewValidator(document []byte) (*Validator, error) {
	doc, err := openapi3.NewLoader().LoadFromData(document)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
	r, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &Validator{doc: doc, router: r}, nil
}

// transportHeaders are response headers of HTTP itself, not of the API; any other header a
// response carries must be declared by its operation.
var transportHeaders = map[string]bool{
	"Content-Type": true, "Content-Length": true, "Date": true, "Vary": true, "Connection": true,
	"Transfer-Encoding": true, "Content-Encoding": true, "Cache-Control": true, "Pragma": true,
	"Keep-Alive": true,
}

// unlisted are paths outside the API whose assets the document does not list one by one.
func unlisted(path string) bool {
	return strings.HasPrefix(path, "/docs/") || path == "/console" || strings.HasPrefix(path, "/console/")
}

// Check returns the ways one exchange breaks the document (none: it keeps it). reqBody and
// resBody are the bodies, read already.
func (v *Validator) Check(req *http.Request, reqBody []byte, res *http.Response, resBody []byte) []string {
	// The document's server is "/": routes match the path alone.
	u := *req.URL
	u.Scheme, u.Host, u.User = "", "", nil
	req.URL = &u
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		if unlisted(req.URL.Path) {
			return nil
		}
		// A path or method the API does not have may only be answered 404 or 405.
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			return nil
		}
		return []string{fmt.Sprintf("no operation in the document, answered %d", res.StatusCode)}
	}
	var out []string
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil && res.StatusCode < 400 {
		// The document calls the request invalid: the service must refuse it too.
		out = append(out, fmt.Sprintf("the request breaks the document but was answered %d: %s", res.StatusCode, brief(err)))
	}
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body:    io.NopCloser(bytes.NewReader(resBody)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(req.Context(), rin); err != nil {
		out = append(out, fmt.Sprintf("response %d: %s", res.StatusCode, brief(err)))
	}
	if bad := v.checkCode(route.Operation, res, resBody); bad != "" {
		out = append(out, bad)
	}
	if r := route.Operation.Responses.Status(res.StatusCode); r != nil && r.Value != nil {
		for name := range res.Header {
			if transportHeaders[http.CanonicalHeaderKey(name)] {
				continue
			}
			if _, ok := declaredHeader(r.Value, name); !ok {
				out = append(out, fmt.Sprintf("response %d: header %s is not declared", res.StatusCode, name))
			}
		}
	}
	return out
}

// checkCode: a problem's code must be one its operation lists for that status in
// x-problem-codes.
func (v *Validator) checkCode(op *openapi3.Operation, res *http.Response, body []byte) string {
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		return ""
	}
	var p struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(body, &p) != nil {
		return ""
	}
	codes, _ := op.Extensions["x-problem-codes"].(map[string]any)
	listed, _ := codes[strconv.Itoa(res.StatusCode)].([]any)
	for _, c := range listed {
		if c == p.Code {
			return ""
		}
	}
	return fmt.Sprintf("response %d: code %s is not in the operation's x-problem-codes %v", res.StatusCode, p.Code, listed)
}

func declaredHeader(r *openapi3.Response, name string) (*openapi3.HeaderRef, bool) {
	for k, h := range r.Headers {
		if strings.EqualFold(k, name) {
			return h, true
		}
	}
	return nil, false
}

// brief flattens a (multi) error to one line of bounded length.
func brief(err error) string {
	var me openapi3.MultiError
	var parts []string
	if errors.As(err, &me) {
		for _, e := range me {
			parts = append(parts, oneLine(e.Error()))
		}
	} else {
		parts = []string{oneLine(err.Error())}
	}
	s := strings.Join(parts, " | ")
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// checking is a RoundTripper that checks every exchange against v and reports what breaks it.
type checking struct {
	v      *Validator
	base   http.RoundTripper
	report func(string)
}

// RoundTripper wraps base so that every exchange through it is checked against v; report
// receives each violation (e.g. testing.TB.Errorf's message).
func (v *Validator) RoundTripper(base http.RoundTripper, report func(string)) http.RoundTripper {
	return &checking{v: v, base: base, report: report}
}

func (c *checking) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	res, err := c.base.RoundTrip(req)
	if err != nil {
		return res, err
	}
	resBody, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(resBody))
	check := req.Clone(req.Context())
	for _, v := range c.v.Check(check, reqBody, res, resBody) {
		c.report(req.Method + " " + req.URL.RequestURI() + ": " + v)
	}
	return res, nil
}

// CheckDelivery checks a webhook delivery the service sent (its request as a receiver got it)
// against the callback that POST /api/v1/webhooks declares.
func (v *Validator) CheckDelivery(req *http.Request, body []byte) []string {
	hooks := v.doc.Paths.Value("/api/v1/webhooks")
	if hooks == nil || hooks.Post == nil || hooks.Post.Callbacks["delivery"] == nil {
		return []string{"POST /api/v1/webhooks declares no delivery callback"}
	}
	cb := hooks.Post.Callbacks["delivery"].Value
	var (
		op   *openapi3.Operation
		item *openapi3.PathItem
	)
	for _, pi := range cb.Map() {
		op, item = pi.Post, pi
	}
	if op == nil {
		return []string{"the delivery callback has no POST"}
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	route := &routers.Route{Spec: v.doc, Path: req.URL.Path, Method: http.MethodPost, Operation: op, PathItem: item}
	in := &openapi3filter.RequestValidationInput{Request: r, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return []string{"delivery: " + brief(err)}
	}
	return nil
}
