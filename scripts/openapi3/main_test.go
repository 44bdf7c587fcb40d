package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// swagger2 is the shape swag writes: a public probe outside the base path, a public login and a
// protected operation, errors as Problem, and bearer auth as an apiKey header.
const swagger2 = `{
  "swagger": "2.0",
  "info": {"title": "t", "version": "1", "contact": {}},
  "basePath": "/api/v1",
  "securityDefinitions": {
    "bearer": {"type": "apiKey", "name": "Authorization", "in": "header", "description": "a JWT"}
  },
  "paths": {
    "/healthz": {"get": {"operationId": "healthz", "produces": ["application/json"],
      "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/Status"}}}}},
    "/auth/login": {"post": {"operationId": "login", "consumes": ["application/json"], "produces": ["application/json"],
      "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Status"}}],
      "responses": {
        "200": {"description": "OK", "schema": {"$ref": "#/definitions/Status"}},
        "401": {"description": "Unauthorized", "schema": {"$ref": "#/definitions/Problem"}}}}},
    "/me": {"get": {"operationId": "getMe", "produces": ["application/json"], "security": [{"bearer": []}],
      "responses": {
        "200": {"description": "OK", "schema": {"$ref": "#/definitions/Me"}},
        "401": {"description": "Unauthorized", "schema": {"$ref": "#/definitions/Problem"}},
        "409": {"description": "listing_not_open or capacity_exceeded", "schema": {"$ref": "#/definitions/Problem"}}}}}
  },
  "definitions": {
    "Status": {"type": "object", "properties": {"status": {"type": "string", "example": "<ok> & 好"}}},
    "Me": {"type": "object", "properties": {"id": {"type": "string"}, "note": {"type": "string"},
      "at": {"type": "string"}, "version": {"type": "integer"}, "hint": {"type": "string"}}},
    "Problem": {"type": "object", "properties": {"code": {"type": "string"}}}
  }
}`

// dtos are the Go declarations of the schemas above, as the api package writes them.
const dtos = `package api

import "time"

type StatusResponse struct {
	Status string ` + "`json:\"status\"`" + `
} // @name Status

type MeResponse struct {
	ID      string     ` + "`json:\"id\"`" + `
	Note    *string    ` + "`json:\"note\"`" + `
	At      time.Time  ` + "`json:\"at\"`" + `
	Version int64      ` + "`json:\"version\"`" + `
	Hint    string     ` + "`json:\"hint,omitempty\"`" + `
} // @name Me

type Problem struct {
	Code string ` + "`json:\"code\"`" + `
} // @name Problem
`

func convert(t *testing.T) ([]byte, map[string]any) {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "swagger.json"), filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(in, []byte(swagger2), 0o644); err != nil {
		t.Fatal(err)
	}
	types := filepath.Join(dir, "api")
	if err := os.Mkdir(types, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(types, "dto.go"), []byte(dtos), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := options{
		typesDir:  types,
		rootPaths: []string{"/healthz", "/metrics"}, // /metrics is not in the document: ignored
		license:   &openapi3.License{Name: "Proprietary"},
		contact:   &openapi3.Contact{},
	}
	if err := run(context.Background(), in, out, opts); err != nil {
		t.Fatalf("run: %v", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return b, doc
}

// at walks doc along keys; a missing step fails the test.
func at(t *testing.T, doc any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := doc.(map[string]any)
		if !ok || m[k] == nil {
			t.Fatalf("no %q on the way to %v", k, keys)
		}
		doc = m[k]
	}
	return doc
}

func TestConvert(t *testing.T) {
	b, doc := convert(t)

	if got := at(t, doc, "servers").([]any); len(got) != 1 || got[0].(map[string]any)["url"] != "/" {
		t.Errorf("servers = %v, want only /", got)
	}
	paths := at(t, doc, "paths").(map[string]any)
	for _, p := range []string{"/healthz", "/api/v1/me", "/api/v1/auth/login"} {
		if _, ok := paths[p]; !ok {
			t.Errorf("no path %s in %v", p, keys(paths))
		}
	}
	if len(paths) != 3 {
		t.Errorf("paths = %v", keys(paths))
	}

	me := at(t, doc, "paths", "/api/v1/me", "get").(map[string]any)
	if got := at(t, me, "responses", "401", "$ref"); got != "#/components/responses/Unauthenticated" {
		t.Errorf("401 = %v", got)
	}
	for _, s := range []string{"403", "422", "429", "500", "503"} {
		if _, ok := at(t, me, "responses").(map[string]any)[s]; !ok {
			t.Errorf("/me lacks %s", s)
		}
	}
	if _, ok := at(t, me, "responses").(map[string]any)["413"]; ok {
		t.Error("413 on an operation without a body")
	}
	if got := at(t, me, "x-problem-codes", "409").([]any); len(got) != 2 || got[0] != "capacity_exceeded" || got[1] != "listing_not_open" {
		t.Errorf("409 codes = %v", got)
	}
	if got := at(t, doc, "paths", "/api/v1/auth/login", "post", "responses").(map[string]any); got["413"] == nil || got["400"] == nil {
		t.Errorf("login lacks 400 or 413: %v", keys(got))
	}
	errContent := at(t, doc, "components", "responses", "Unauthenticated", "content").(map[string]any)
	if _, ok := errContent[problemJSON]; !ok || len(errContent) != 1 {
		t.Errorf("401 content types = %v, want only %s", keys(errContent), problemJSON)
	}
	if got := at(t, doc, "components", "responses", "RateLimited", "headers", "Retry-After", "$ref"); got != "#/components/headers/Retry-After" {
		t.Errorf("429 Retry-After = %v", got)
	}
	if got := at(t, me, "parameters").([]any)[0].(map[string]any)["$ref"]; got != "#/components/parameters/AcceptLanguage" {
		t.Errorf("parameters = %v", got)
	}
	if got := at(t, me, "responses", "200", "headers", "ETag", "$ref"); got != "#/components/headers/ETag" {
		t.Errorf("ETag = %v", got)
	}

	meSchema := at(t, doc, "components", "schemas", "Me").(map[string]any)
	if got := meSchema["required"].([]any); len(got) != 4 {
		t.Errorf("Me required = %v, want id, note, at, version", got)
	}
	if at(t, meSchema, "properties", "note", "nullable") != true || at(t, meSchema, "properties", "at", "format") != "date-time" ||
		at(t, meSchema, "properties", "id", "format") != "uuid" || meSchema["additionalProperties"] != false {
		t.Errorf("Me = %v", meSchema)
	}
	if got := at(t, doc, "components", "schemas", "Status", "additionalProperties"); got != false {
		t.Errorf("request schema open: %v", got)
	}

	okContent := at(t, doc, "paths", "/api/v1/me", "get", "responses", "200", "content").(map[string]any)
	if _, ok := okContent["application/json"]; !ok {
		t.Errorf("200 content types = %v, want application/json", keys(okContent))
	}

	scheme := at(t, doc, "components", "securitySchemes", "bearer").(map[string]any)
	want := map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "a JWT"}
	for k, v := range want {
		if scheme[k] != v {
			t.Errorf("security scheme %s = %v, want %v", k, scheme[k], v)
		}
	}
	if _, ok := scheme["in"]; ok {
		t.Error("security scheme kept apiKey's in")
	}

	if got := at(t, doc, "paths", "/api/v1/auth/login", "post", "security").([]any); len(got) != 0 {
		t.Errorf("login security = %v, want []", got)
	}
	if got := at(t, doc, "paths", "/api/v1/me", "get", "security").([]any); len(got) != 1 {
		t.Errorf("me security = %v, want bearer", got)
	}
	if _, ok := at(t, doc, "paths", "/api/v1/auth/login", "post", "requestBody").(map[string]any)["x-originalParamName"]; ok {
		t.Error("x-originalParamName left on the request body")
	}

	info := at(t, doc, "info").(map[string]any)
	if _, ok := info["contact"]; ok {
		t.Errorf("empty contact kept: %v", info["contact"])
	}
	if got := at(t, info, "license", "name"); got != "Proprietary" {
		t.Errorf("license name = %v", got)
	}

	if !bytes.Contains(b, []byte(`"<ok> & 好"`)) {
		t.Error("<, > or & escaped, or non-ASCII mangled")
	}
	if !bytes.HasSuffix(b, []byte("}\n")) {
		t.Error("no final newline")
	}
}

func TestConvertIsDeterministic(t *testing.T) {
	first, _ := convert(t)
	for range 5 {
		if again, _ := convert(t); !bytes.Equal(first, again) {
			t.Fatal("two runs on the same input gave different bytes")
		}
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
