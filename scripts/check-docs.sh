#!/usr/bin/env bash
# Fails, showing the difference, when docs/openapi.json is not what scripts/gen-docs.sh makes
# from the current annotations. Fix with: scripts/gen-docs.sh
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

scripts/gen-docs.sh "$tmp/openapi.json"
if ! diff -u --label docs/openapi.json --label generated docs/openapi.json "$tmp/openapi.json"; then
  echo >&2
  echo "docs/openapi.json is out of date with the swag annotations: run scripts/gen-docs.sh and commit it." >&2
  exit 1
fi
echo "docs/openapi.json is up to date."
