#!/usr/bin/env bash
# Lints docs/openapi.json with Redocly CLI: the recommended ruleset, warnings as errors, with the
# exceptions in redocly.yaml and .redocly.lint-ignore.yaml. Needs Node.js (20.19+) and npm with
# access to the npm registry; npx caches the pinned CLI after the first run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned, not @latest: a new release may add rules, and releases after this line want Node.js 22.
redocly_version=2.77.0

export REDOCLY_TELEMETRY=off
npx --yes "@redocly/cli@${redocly_version}" lint --config redocly.yaml --format stylish docs/openapi.json
