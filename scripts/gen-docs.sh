#!/usr/bin/env bash
# Regenerates the OpenAPI 3.0 document from the swag annotations of api/ (general info in
# api/server.go, one block per handler):
#
#   scripts/gen-docs.sh [OUT]        # OUT defaults to docs/openapi.json
#
# swag writes Swagger 2.0 into a temporary folder; scripts/openapi3 converts it to OpenAPI 3.0,
# applies the conventions of API.md §1 and validates it. The output is deterministic: running
# this twice gives the same bytes (scripts/check-docs.sh relies on it). Needs only Go: swag is
# pinned as a tool in go.mod.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-docs/openapi.json}

# Paths the server mounts outside the base path /api/v1 (API.md §8). Listed names that the
# document lacks are ignored, so /metrics can be annotated later without touching this.
root_paths=/healthz,/readyz,/metrics,/openapi.json,/docs

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# -d api,./ : api first (it holds the general info file), then the whole module, so a response
# type from another package of the module resolves. --parseInternal lets that include internal/
# packages. Third-party packages are not parsed (--parseDependency is slow and not needed:
# time.Time and the like are built in).
go tool swag init --quiet \
  --generalInfo server.go \
  --dir api,./ \
  --exclude docs,scripts,node_modules \
  --parseInternal \
  --outputTypes json \
  --output "$tmp"

# The licence is filled in only while api/server.go's general info gives none (@license.name).
go run ./scripts/openapi3 \
  -in "$tmp/swagger.json" \
  -types api \
  -out "$out" \
  -root-paths "$root_paths" \
  -license-name "Proprietary"
