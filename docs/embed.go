// Package docs holds the generated OpenAPI document (openapi.json, never edited by hand: run
// scripts/gen-docs.sh) and the human guides.
package docs

import _ "embed"

// OpenAPI is the OpenAPI 3 document served at /openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte
