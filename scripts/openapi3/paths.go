package main

import (
	"errors"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// fullPaths writes the base path into every path (/claims becomes /api/v1/claims) and makes the
// server the root, "/": generators and mock servers (Prism, orval) then resolve every path the
// same way, whether it is served under the base path or, as the probes and the document itself,
// outside it (roots).
func fullPaths(doc *openapi3.T, roots []string) error {
	if len(doc.Servers) != 1 {
		return errors.New("the document needs exactly one server, the base path")
	}
	base := strings.TrimSuffix(doc.Servers[0].URL, "/")
	paths := openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		if slices.Contains(roots, path) {
			paths.Set(path, item)
			continue
		}
		paths.Set(base+path, item)
	}
	doc.Paths = paths
	doc.Servers = openapi3.Servers{{URL: "/", Description: "the server that serves this document (production, staging or local alike); the API is under /api/v1",
		Extensions: map[string]any{"x-internal": false}}}
	return nil
}
