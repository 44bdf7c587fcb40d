package main

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// problemCodes are the stable codes of API.md §1 by the status that answers them.
var problemCodes = map[int][]string{
	400: {"validation_failed"},
	401: {"unauthenticated"},
	403: {"forbidden"},
	404: {"not_found"},
	405: {"not_found"},
	409: {"conflict", "invalid_transition", "capacity_exceeded", "claimant_limit_exceeded", "listing_not_open"},
	412: {"version_mismatch"},
	413: {"payload_too_large"},
	415: {"validation_failed"},
	422: {"validation_failed", "no_active_agreement", "window_outside_availability", "own_listing", "idempotency_key_reused"},
	429: {"rate_limited"},
	500: {"internal"},
	503: {"unavailable"},
}

// responseNames are the reusable responses of components.responses, by status.
var responseNames = map[int]string{
	400: "BadRequest", 401: "Unauthenticated", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
	409: "Conflict", 412: "VersionMismatch", 413: "PayloadTooLarge", 415: "UnsupportedMediaType",
	422: "Unprocessable", 429: "RateLimited", 500: "Internal", 503: "Unavailable",
}

var responseSummaries = map[int]string{
	400: "The body is not JSON (or not the form this endpoint reads).",
	401: "No valid access token (missing, malformed, expired or revoked).",
	403: "Authenticated, but not allowed to do this.",
	404: "No such resource, or one the caller may not see.",
	405: "The path exists, but not with this method.",
	409: "The request conflicts with the resource's state.",
	412: "If-Match names a version that is no longer current.",
	413: "The body is larger than 1 MiB.",
	415: "The body's Content-Type is not one this endpoint reads.",
	422: "A field, parameter or header is invalid (errors[] names it), or a business rule refuses the request.",
	429: "Too many requests: retry after Retry-After seconds.",
	500: "An unexpected error; the detail never shows internals. Quote X-Request-Id when reporting it.",
	503: "The database is unreachable or the request deadline passed: retry after Retry-After seconds.",
}

var codeWord = regexp.MustCompile(`[a-z_]+`)

// declareErrors gives every operation the error responses of API.md §1 as references to named
// responses: those its annotations name (@Failure; a description listing codes narrows what the
// operation answers), plus what every operation of its kind can answer. The codes each operation
// can answer, by status, are listed in x-problem-codes.
func declareErrors(doc *openapi3.T, oauthPaths []string) {
	if doc.Components.Responses == nil {
		doc.Components.Responses = openapi3.ResponseBodies{}
	}
	used := map[int]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if slices.Contains(oauthPaths, path) {
				declareOAuthErrors(doc, op)
				continue
			}
			codes := map[int][]string{}
			annotated := map[int]bool{}
			for key, ref := range op.Responses.Map() {
				status, err := strconv.Atoi(key)
				if err != nil || status < 400 || ref.Value == nil {
					continue
				}
				if !isProblem(ref.Value) {
					continue
				}
				cs, named := annotatedCodes(status, deref(ref.Value.Description))
				codes[status], annotated[status] = cs, named
			}
			for _, s := range implied(method, op) {
				if _, ok := codes[s]; !ok {
					codes[s] = problemCodes[s]
				}
			}
			// 422 without codes named: the business-rule codes are named where they apply, so
			// elsewhere it is validation_failed (and idempotency_key_reused where a key is taken).
			if _, ok := codes[422]; ok && !annotated[422] {
				codes[422] = []string{"validation_failed"}
				if creates(method, op) {
					codes[422] = append(codes[422], "idempotency_key_reused")
				}
			}
			ext := map[string]any{}
			for status, cs := range codes {
				name, ok := responseNames[status]
				if !ok {
					continue
				}
				op.Responses.Set(strconv.Itoa(status), &openapi3.ResponseRef{Ref: "#/components/responses/" + name})
				used[status] = true
				ext[strconv.Itoa(status)] = cs
			}
			if len(ext) > 0 {
				if op.Extensions == nil {
					op.Extensions = map[string]any{}
				}
				op.Extensions["x-problem-codes"] = ext
			}
		}
	}
	for status := range used {
		doc.Components.Responses[responseNames[status]] = &openapi3.ResponseRef{Value: problemResponse(status)}
	}
}

func creates(method string, op *openapi3.Operation) bool {
	return (method == "POST" && op.Responses.Value("201") != nil) || hasHeader(op, "Idempotency-Key")
}

// implied are the statuses an operation answers whatever its annotations say: every operation
// 422 (a bad parameter or header), 429, 500 and 503; a protected one 401 and 403; one with a
// body 400, 413 and 415; one with a path parameter 404; a PATCH 412.
func implied(method string, op *openapi3.Operation) []int {
	out := []int{422, 429, 500, 503}
	if op.Security == nil || len(*op.Security) > 0 {
		out = append(out, 401, 403)
	}
	if op.RequestBody != nil {
		out = append(out, 400, 413, 415)
	}
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == "path" {
			out = append(out, 404)
			break
		}
	}
	if method == "PATCH" {
		out = append(out, 412)
	}
	return out
}

// annotatedCodes reads the codes an @Failure description lists ("409 … capacity_exceeded,
// listing_not_open"); without any, the status's every code (and named is false).
func annotatedCodes(status int, description string) (codes []string, named bool) {
	var out []string
	for _, w := range codeWord.FindAllString(description, -1) {
		if slices.Contains(problemCodes[status], w) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return problemCodes[status], false
	}
	sort.Strings(out)
	return out, true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func isProblem(r *openapi3.Response) bool {
	for _, media := range r.Content {
		if media.Schema != nil && (media.Schema.Ref == problemRef || media.Schema.Ref == oauthProblemRef) {
			return true
		}
	}
	return len(r.Content) == 0
}

func problemResponse(status int) *openapi3.Response {
	desc := responseSummaries[status] + " Codes: " + strings.Join(problemCodes[status], ", ") + "."
	r := openapi3.NewResponse().WithDescription(desc)
	r.Content = openapi3.Content{problemJSON: openapi3.NewMediaType().WithSchemaRef(openapi3.NewSchemaRef(problemRef, nil))}
	r.Headers = openapi3.Headers{"X-Request-Id": headerRef("X-Request-Id")}
	switch status {
	case 401:
		r.Headers["WWW-Authenticate"] = headerRef("WWW-Authenticate")
	case 429, 503:
		r.Headers["Retry-After"] = headerRef("Retry-After")
	case 409:
		// An Idempotency-Key request still in progress (retry after Retry-After), or one whose
		// resource can no longer be read (Location says where it was).
		r.Headers["Retry-After"] = headerRef("Retry-After")
		r.Headers["Location"] = headerRef("Location")
	}
	return r
}

// declareOAuthErrors: the token endpoint answers its own errors (400, 401, 415, 422) as problems
// carrying RFC 6749 §5.2's error member, and the common errors (413, 429, 500, 503) as every
// operation does.
func declareOAuthErrors(doc *openapi3.T, op *openapi3.Operation) {
	descs := map[int]string{
		400: "RFC 6749 §5.2: error is invalid_request, invalid_grant, invalid_scope or unsupported_grant_type.",
		401: "RFC 6749 §5.2: error is invalid_client (unknown client, wrong secret or revoked app).",
		415: "The body is neither a form nor JSON; error is invalid_request.",
		422: "A parameter is invalid (errors[] names it); error is invalid_request, invalid_scope or unsupported_grant_type.",
	}
	ext := map[string]any{}
	for _, s := range []int{400, 401, 415, 422} {
		r := openapi3.NewResponse().WithDescription(descs[s] + " Codes: " + strings.Join(problemCodes[s], ", ") + ".")
		r.Content = openapi3.Content{problemJSON: openapi3.NewMediaType().WithSchemaRef(openapi3.NewSchemaRef(oauthProblemRef, nil))}
		r.Headers = openapi3.Headers{"X-Request-Id": headerRef("X-Request-Id")}
		if s == 401 {
			r.Headers["WWW-Authenticate"] = headerRef("WWW-Authenticate")
		}
		name := "OAuth" + responseNames[s]
		doc.Components.Responses[name] = &openapi3.ResponseRef{Value: r}
		op.Responses.Set(strconv.Itoa(s), &openapi3.ResponseRef{Ref: "#/components/responses/" + name})
		ext[strconv.Itoa(s)] = problemCodes[s]
	}
	for _, s := range []int{413, 429, 500, 503} {
		op.Responses.Set(strconv.Itoa(s), &openapi3.ResponseRef{Ref: "#/components/responses/" + responseNames[s]})
		doc.Components.Responses[responseNames[s]] = &openapi3.ResponseRef{Value: problemResponse(s)}
		ext[strconv.Itoa(s)] = problemCodes[s]
	}
	if op.Extensions == nil {
		op.Extensions = map[string]any{}
	}
	op.Extensions["x-problem-codes"] = ext
}
