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
        "200": {"description": "OK", "schema": {"$ref": "#/definitions/Status"}},
        "401": {"description": "Unauthorized", "schema": {"$ref": "#/definitions/Problem"}}}}}
  },
  "definitions": {
    "Status": {"type": "object", "properties": {"status": {"type": "string", "example": "<ok> & 好"}}},
    "Problem": {"type": "object", "properties": {"code": {"type": "string"}}}
  }
}`

func convert(t *testing.T) ([]byte, map[string]any) {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "swagger.json"), filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(in, []byte(swagger2), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := options{
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

	if got := at(t, doc, "servers").([]any)[0].(map[string]any)["url"]; got != "/api/v1" {
		t.Errorf("server url = %v, want /api/v1", got)
	}
	if got := at(t, doc, "paths", "/healthz", "servers").([]any)[0].(map[string]any)["url"]; got != "/" {
		t.Errorf("/healthz server url = %v, want /", got)
	}
	if _, ok := at(t, doc, "paths", "/me").(map[string]any)["servers"]; ok {
		t.Error("/me has a server of its own")
	}

	errContent := at(t, doc, "paths", "/me", "get", "responses", "401", "content").(map[string]any)
	if _, ok := errContent[problemJSON]; !ok || len(errContent) != 1 {
		t.Errorf("401 content types = %v, want only %s", keys(errContent), problemJSON)
	}
	okContent := at(t, doc, "paths", "/me", "get", "responses", "200", "content").(map[string]any)
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

	if got := at(t, doc, "paths", "/auth/login", "post", "security").([]any); len(got) != 0 {
		t.Errorf("login security = %v, want []", got)
	}
	if got := at(t, doc, "paths", "/me", "get", "security").([]any); len(got) != 1 {
		t.Errorf("me security = %v, want bearer", got)
	}
	if _, ok := at(t, doc, "paths", "/auth/login", "post", "requestBody").(map[string]any)["x-originalParamName"]; ok {
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
