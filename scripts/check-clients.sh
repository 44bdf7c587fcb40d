#!/usr/bin/env bash
# Checks docs/openapi.json the way client developers use it (CI: .ci/run):
#   1. TypeScript: openapi-typescript types and a small openapi-fetch client (scripts/clients/
#      client.ts) compiled with tsc --strict, with no non-null assertion;
#   2. Spectral with the OWASP API security ruleset (.spectral.yaml), zero errors;
#   3. Go: an oapi-codegen client generated into scripts/clients/go (a module of its own, so the
#      service's build never needs its dependencies) and built with a small usage of it.
# Every tool's version is pinned: scripts/clients/package-lock.json (npm ci) and
# scripts/clients/go/go.mod. Needs Node.js 20+, npm and Go, with access to their registries.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export SCARF_ANALYTICS=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false NPM_CONFIG_UPDATE_NOTIFIER=false

cd "$root/scripts/clients"
npm ci --ignore-scripts --loglevel=error
mkdir -p build

echo "--- TypeScript: openapi-typescript + openapi-fetch, tsc --strict"
npx --no-install openapi-typescript "$root/docs/openapi.json" --output build/schema.d.ts
npx --no-install tsc --project tsconfig.json
# A non-null assertion (x!, x!.y, x![i]) would hide a field the document wrongly leaves optional.
if grep -nE '[]A-Za-z0-9_)]!([].;,)[]|$)' client.ts | grep -v '!=' ; then
  echo "client.ts uses a non-null assertion" >&2
  exit 1
fi

echo "--- Spectral (OWASP ruleset)"
(cd "$root" && npx --prefix scripts/clients --no-install spectral lint --fail-severity=error --display-only-failures \
  --ruleset .spectral.yaml docs/openapi.json)

echo "--- Go: oapi-codegen client"
cd "$root/scripts/clients/go"
go tool oapi-codegen -config oapi-codegen.yaml "$root/docs/openapi.json"
go build ./...
go vet ./...
echo "clients build; Spectral found no error."
