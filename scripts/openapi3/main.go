// Command openapi3 turns the Swagger 2.0 document that swag writes from the api package's
// annotations into the OpenAPI 3.0 document served at /openapi.json (docs/openapi.json).
//
// swag only speaks Swagger 2.0, so a few things of API.md §1 cannot be said in its annotations
// and are said here instead, for every operation alike:
//
//   - every path is written in full (/api/v1/claims) under the server "/"; paths named by
//     -root-paths (the probes, the document and its UI) are served outside the base path;
//   - what the Go declarations of the DTOs (-types) say and swag drops: required fields,
//     nullable ones, timestamps, closed objects (schemas.go);
//   - the errors, parameters and headers every operation of a kind has (errors.go, headers.go);
//   - a response whose schema is Problem (or OAuthProblem) is application/problem+json (RFC 9457),
//     not JSON;
//   - text responses (the CSV of /stats/summary, /metrics) are strings, not the JSON schema;
//   - an apiKey scheme on the Authorization header is really HTTP bearer with a JWT;
//   - an operation without @Security is public: it says so with an empty security list;
//   - info.license and info.contact come from flags when the general info block has none.
//
// The output is indented JSON with sorted keys, so the same input always gives the same bytes.
// It is loaded back and validated with kin-openapi before it is written.
//
// Usage: go run ./scripts/openapi3 -in swagger.json -types api -out docs/openapi.json -root-paths /healthz,/readyz
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
)

const (
	problemRef  = "#/components/schemas/Problem"
	problemJSON = "application/problem+json"
	// oauthProblemRef is Problem with RFC 6749's error members, answered by /oauth/token.
	oauthProblemRef = "#/components/schemas/OAuthProblem"
)

func main() {
	in := flag.String("in", "", "swag's Swagger 2.0 JSON (required)")
	out := flag.String("out", "docs/openapi.json", "where to write the OpenAPI 3.0 JSON; - for stdout")
	roots := flag.String("root-paths", "", "comma-separated paths served at the server root, outside the base path")
	licenseName := flag.String("license-name", "", "info.license.name, when the annotations give none")
	licenseURL := flag.String("license-url", "", "info.license.url, when the annotations give none")
	contactName := flag.String("contact-name", "", "info.contact.name, when the annotations give none")
	contactURL := flag.String("contact-url", "", "info.contact.url, when the annotations give none")
	types := flag.String("types", "", "the Go package directory of the DTOs (required, e.g. api)")
	oauth := flag.String("oauth-paths", "/oauth/token", "comma-separated paths answering RFC 6749 errors")
	flag.Parse()
	if *in == "" || *types == "" {
		flag.Usage()
		os.Exit(2)
	}
	opts := options{
		rootPaths:  splitList(*roots),
		typesDir:   *types,
		oauthPaths: splitList(*oauth),
		license:    &openapi3.License{Name: *licenseName, URL: *licenseURL},
		contact:    &openapi3.Contact{Name: *contactName, URL: *contactURL},
	}
	if err := run(context.Background(), *in, *out, opts); err != nil {
		fmt.Fprintln(os.Stderr, "openapi3:", err)
		os.Exit(1)
	}
}

type options struct {
	rootPaths  []string
	typesDir   string            // the DTOs' Go package
	oauthPaths []string          // token endpoints (RFC 6749 §5.2 errors)
	license    *openapi3.License // used only when the annotations give none and it has a name
	contact    *openapi3.Contact // used only when the annotations give none and it is not empty
}

func run(ctx context.Context, in, out string, opts options) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(raw, &doc2); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	doc, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}

	setInfo(doc.Info, opts)
	useProblemJSON(doc)
	useTextSchemas(doc)
	useBearerJWT(doc)
	markPublic(doc)
	dropConverterMarks(doc)
	structs, err := goStructs(opts.typesDir)
	if err != nil {
		return fmt.Errorf("read the DTOs: %w", err)
	}
	unknown, err := schemaFacts(doc, structs)
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		return fmt.Errorf("schemas without a Go declaration in %s: %v", opts.typesDir, unknown)
	}
	declareErrors(doc, opts.oauthPaths)
	declareHeaders(doc)
	int64Formats(doc)
	if err := declareCallbacks(doc); err != nil {
		return err
	}
	if err := fullPaths(doc, opts.rootPaths); err != nil {
		return err
	}

	b, err := encode(doc)
	if err != nil {
		return err
	}
	// Validate what is written, not the in-memory tree: the bytes are what clients get.
	loaded, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	if err := loaded.Validate(ctx); err != nil {
		return fmt.Errorf("invalid OpenAPI document: %w", err)
	}
	if out == "-" {
		_, err = os.Stdout.Write(b)
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

// setInfo drops the empty contact swag always writes and fills license and contact from the
// flags when the general info block of api/server.go gives none.
func setInfo(info *openapi3.Info, opts options) {
	if c := info.Contact; c != nil && c.Name == "" && c.URL == "" && c.Email == "" && len(c.Extensions) == 0 {
		info.Contact = nil
	}
	if info.Contact == nil && (opts.contact.Name != "" || opts.contact.URL != "") {
		info.Contact = opts.contact
	}
	if info.License == nil && opts.license.Name != "" {
		info.License = opts.license
	}
}

// useProblemJSON serves every response whose schema is Problem as application/problem+json.
func useProblemJSON(doc *openapi3.T) {
	for _, op := range operations(doc) {
		for _, resp := range op.Responses.Map() {
			if resp.Value == nil {
				continue
			}
			for mime, media := range resp.Value.Content {
				if media.Schema != nil && (media.Schema.Ref == problemRef || media.Schema.Ref == oauthProblemRef) {
					delete(resp.Value.Content, mime)
					resp.Value.Content[problemJSON] = media
				}
			}
		}
	}
}

// useTextSchemas describes text responses (text/csv, text/plain) as strings: swag gives every
// media type of a status the one schema it has, which is the JSON object's.
func useTextSchemas(doc *openapi3.T) {
	for _, op := range operations(doc) {
		for _, resp := range op.Responses.Map() {
			if resp.Value == nil {
				continue
			}
			for mime, media := range resp.Value.Content {
				if strings.HasPrefix(mime, "text/") && media != nil {
					media.Schema = openapi3.NewSchemaRef("", openapi3.NewStringSchema())
				}
			}
		}
	}
}

// useBearerJWT rewrites swag's only way of saying "Authorization: Bearer <JWT>" (an apiKey in
// the Authorization header) as the HTTP bearer scheme it is.
func useBearerJWT(doc *openapi3.T) {
	for _, ref := range doc.Components.SecuritySchemes {
		s := ref.Value
		if s == nil || s.Type != "apiKey" || s.In != "header" || !strings.EqualFold(s.Name, "Authorization") {
			continue
		}
		*s = openapi3.SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "JWT", Description: s.Description}
	}
}

// markPublic states "no authentication" on operations without @Security. With no global
// security requirement that is what their silence means; an explicit [] says it to readers and
// linters alike.
func markPublic(doc *openapi3.T) {
	if len(doc.Security) > 0 {
		return
	}
	for _, op := range operations(doc) {
		if op.Security == nil {
			op.Security = &openapi3.SecurityRequirements{}
		}
	}
}

// dropConverterMarks removes the x-originalParamName kin-openapi leaves on request bodies so it
// could convert back to Swagger 2.0; clients have no use for it.
func dropConverterMarks(doc *openapi3.T) {
	for _, op := range operations(doc) {
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			delete(op.RequestBody.Value.Extensions, "x-originalParamName")
		}
	}
}

func operations(doc *openapi3.T) []*openapi3.Operation {
	var ops []*openapi3.Operation
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops = append(ops, op)
		}
	}
	return ops
}

// encode writes doc as two-space indented JSON with sorted keys and a final newline, leaving
// <, > and & as they are (json.Marshal would escape them for HTML).
func encode(doc *openapi3.T) ([]byte, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keep numbers exactly as they were
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tree); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
