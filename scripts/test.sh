#!/usr/bin/env bash
# `npm test`: every test Quarry has. Unit and integration tests (vitest, against the
# real PostgreSQL/MariaDB/Redis where they run), then a production build and the
# browser tests (Playwright in Debian's Chromium). Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
rm -f test-results/vitest.json test-results/playwright.json

bash scripts/ensure-chromium.sh || exit 1

status=0
echo "== unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

echo "== production build"
if NEXT_TELEMETRY_DISABLED=1 npx next build; then
  echo "== browser tests (playwright)"
  PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json \
    npx playwright test --reporter=list,json || status=1
else
  echo "The production build failed; browser tests not run." >&2
  status=1
fi

node scripts/test-summary.mjs || status=1
exit $status
