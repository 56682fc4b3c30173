// Prints one closing line, "Tests: N passed, N failed", over the vitest and
// Playwright JSON reports, so CI can read the totals.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];

const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null);

const vitest = read("test-results/vitest.json");
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
} else missing.push("vitest");

const playwright = read("test-results/playwright.json");
if (playwright) {
  passed += playwright.stats.expected + playwright.stats.flaky;
  failed += playwright.stats.unexpected;
  skipped += playwright.stats.skipped;
} else missing.push("playwright");

if (missing.length) console.log(`(no report from: ${missing.join(", ")})`);
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || missing.length ? 1 : 0);
