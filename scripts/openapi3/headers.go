package main

import (
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// headers are the response headers of API.md §1, declared once in components.headers.
var headers = map[string]*openapi3.Header{
	"X-Request-Id": {Parameter: openapi3.Parameter{
		Description: "The request's id (the client's X-Request-Id when it sent one); logs carry it.",
		Schema:      openapi3.NewStringSchema().NewRef()}},
	"ETag": {Parameter: openapi3.Parameter{
		Description: `The resource's version as a strong entity tag, "<version>"; send it back in If-Match.`,
		Schema:      stringSchemaWith(func(s *openapi3.Schema) { s.Pattern = `^"[0-9]+"$`; s.Example = `"3"` })}},
	"Retry-After": {Parameter: openapi3.Parameter{
		Description: "Seconds to wait before retrying.",
		Schema:      openapi3.NewIntegerSchema().WithMin(0).NewRef()}},
	"WWW-Authenticate": {Parameter: openapi3.Parameter{
		Description: "The authentication scheme expected (RFC 6750 for bearer tokens, RFC 7617 at the token endpoint).",
		Schema:      openapi3.NewStringSchema().NewRef()}},
	"Idempotent-Replayed": {Parameter: openapi3.Parameter{
		Description: "true when this is the stored first answer to an earlier request with the same Idempotency-Key.",
		Schema:      stringSchemaWith(func(s *openapi3.Schema) { s.Enum = []any{"true"} })}},
	"Location": {Parameter: openapi3.Parameter{
		Description: "The path of the resource an Idempotency-Key request created.",
		Schema:      openapi3.NewStringSchema().NewRef()}},
	"Content-Disposition": {Parameter: openapi3.Parameter{
		Description: "attachment, with a file name for the download.",
		Schema:      openapi3.NewStringSchema().NewRef()}},
}

func stringSchemaWith(f func(*openapi3.Schema)) *openapi3.SchemaRef {
	s := openapi3.NewStringSchema()
	f(s)
	return s.NewRef()
}

func headerRef(name string) *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Ref: "#/components/headers/" + name}
}

// parameters are the request headers of API.md §1, declared once in components.parameters.
var parameters = map[string]*openapi3.Parameter{
	"AcceptLanguage": {Name: "Accept-Language", In: "header",
		Description: "The language of title, detail and errors[].message: zh-CN (default) or en.",
		Schema:      stringSchemaWith(func(s *openapi3.Schema) { s.Example = "zh-CN" })},
	"IdempotencyKey": {Name: "Idempotency-Key", In: "header",
		Description: "Makes a retry safe: the same key with the same body answers the first response again (kept at least 24 h, per caller); with another body it is 422 idempotency_key_reused.",
		Schema:      stringSchemaWith(func(s *openapi3.Schema) { s.MinLength = 1; s.MaxLength = ptr(uint64(255)) })},
	"IfMatch": {Name: "If-Match", In: "header",
		Description: `The ETag last read ("<version>"); a stale one is 412 version_mismatch. Without it the change applies to whatever version is current.`,
		Schema:      stringSchemaWith(func(s *openapi3.Schema) { s.Example = `"3"` })},
}

func ptr[T any](v T) *T { return &v }

// declareHeaders adds the common request headers to every operation (Accept-Language),
// Idempotency-Key to every creating POST (one answering 201), If-Match to every PATCH, and the
// response headers: X-Request-Id everywhere, ETag where the body carries a version,
// Idempotent-Replayed where a replay can answer, Content-Disposition on CSV downloads.
func declareHeaders(doc *openapi3.T) {
	doc.Components.Headers = openapi3.Headers{}
	for name, h := range headers {
		doc.Components.Headers[name] = &openapi3.HeaderRef{Value: h}
	}
	doc.Components.Parameters = openapi3.ParametersMap{}
	for name, p := range parameters {
		doc.Components.Parameters[name] = &openapi3.ParameterRef{Value: p}
	}
	for _, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			creates := method == "POST" && op.Responses.Value("201") != nil
			useParameter(op, "AcceptLanguage")
			if creates || hasHeader(op, "Idempotency-Key") {
				useParameter(op, "IdempotencyKey")
				creates = true
			}
			if method == "PATCH" {
				useParameter(op, "IfMatch")
			}
			for key, ref := range op.Responses.Map() {
				r := ref.Value
				if ref.Ref != "" || r == nil {
					continue
				}
				if r.Headers == nil {
					r.Headers = openapi3.Headers{}
				}
				r.Headers["X-Request-Id"] = headerRef("X-Request-Id")
				status, _ := strconv.Atoi(key)
				if status >= 200 && status < 300 && carriesVersion(doc, r) {
					r.Headers["ETag"] = headerRef("ETag")
				}
				if creates && status >= 200 && status < 300 {
					r.Headers["Idempotent-Replayed"] = headerRef("Idempotent-Replayed")
					r.Headers["Location"] = headerRef("Location")
				}
				if _, ok := r.Content["text/csv"]; ok {
					r.Headers["Content-Disposition"] = headerRef("Content-Disposition")
				}
			}
		}
	}
}

func hasHeader(op *openapi3.Operation, name string) bool {
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == "header" && strings.EqualFold(p.Value.Name, name) {
			return true
		}
	}
	return false
}

// useParameter replaces an inline parameter of the same name (swag's @Param) by the component,
// or adds the component.
func useParameter(op *openapi3.Operation, component string) {
	p := parameters[component]
	ref := &openapi3.ParameterRef{Ref: "#/components/parameters/" + component}
	for i, existing := range op.Parameters {
		if existing.Value != nil && existing.Value.In == p.In && strings.EqualFold(existing.Value.Name, p.Name) {
			op.Parameters[i] = ref
			return
		}
	}
	op.Parameters = append(op.Parameters, ref)
}

// carriesVersion reports whether a JSON response's schema is an object with a version field.
func carriesVersion(doc *openapi3.T, r *openapi3.Response) bool {
	media := r.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return false
	}
	s := resolve(doc, media.Schema)
	return s != nil && s.Properties["version"] != nil
}

func resolve(doc *openapi3.T, ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref.Ref != "" {
		name := strings.TrimPrefix(ref.Ref, "#/components/schemas/")
		if s := doc.Components.Schemas[name]; s != nil {
			return s.Value
		}
		return nil
	}
	return ref.Value
}
