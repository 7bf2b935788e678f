#!/usr/bin/env bash
# The whole check: lint, types, then the suite twice, under two process time zones, because every
# office rule must give the same answer whatever the machine's TZ (all rules run in Asia/Tokyo).
set -euo pipefail
cd "$(dirname "$0")/.."
npx biome ci src workers test bench scripts
# Type-check and build: the tests start bin/madoguchi.js, which runs dist/ when present.
npx tsc -p tsconfig.json
for tz in UTC America/New_York; do
  echo "== vitest under TZ=$tz"
  TZ=$tz npx vitest run
done
