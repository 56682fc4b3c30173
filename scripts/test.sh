#!/usr/bin/env bash
# `npm test`: every test Quarry has. A production build first (the scale-out
# integration test starts server.mjs processes from it), then unit and integration
# tests (vitest, against the real PostgreSQL/MariaDB/Redis where they run; the
# app-state suites a second time on PostgreSQL), then the browser tests (Playwright in
# Debian's Chromium). Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
rm -f test-results/vitest.json test-results/playwright.json

bash scripts/ensure-chromium.sh || exit 1

status=0
echo "== production build"
built=1
NEXT_TELEMETRY_DISABLED=1 npx next build || { built=0; status=1; echo "The production build failed." >&2; }

echo "== unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

if [ "$built" = 1 ]; then
  echo "== browser tests (playwright)"
  PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json \
    npx playwright test --reporter=list,json || status=1
else
  echo "Browser tests not run (no production build)." >&2
fi

node scripts/test-summary.mjs || status=1
exit $status
