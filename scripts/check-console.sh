#!/usr/bin/env bash
# Rebuilds the console (web/) from its sources and fails when the committed build differs:
# web/dist (embedded in the binary) and web/src/api/schema.d.ts (the TypeScript types generated
# from docs/openapi.json). The console is typed from the OpenAPI document, so a contract change
# that breaks the console fails here. Needs node and npm; run `npm ci` in web/ first (CI does).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d web/node_modules ]; then
  (cd web && npm ci --no-audit --no-fund)
fi
(cd web && npm run build)

stale=$(git status --porcelain -- web/dist web/src/api/schema.d.ts)
if [ -n "$stale" ]; then
  echo "the committed console build is stale; run (cd web && npm ci && npm run build) and commit:"
  echo "$stale"
  exit 1
fi
echo "console build up to date"
