import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { E2E_ADMIN } from "./e2e/fixtures";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

// A fresh Quarry for every run: the first start creates the admin below and the demo
// database. Workers load this file again; the variable makes them reuse the runner's
// directory instead of creating their own.
process.env.QUARRY_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "quarry-e2e-"));
const dataDir = process.env.QUARRY_E2E_DATA_DIR;

const inherited = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  globalTeardown: "./e2e/global-teardown.ts",
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  // One retry under CI: a flow that fails on a loaded two-core runner and then passes is
  // reported as flaky (list output and the summary), not hidden, and named in the notes.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    // Pinned so the light/dark screenshots do not depend on the machine's setting.
    colorScheme: "light",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's browser download cannot work offline.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    // The production server; `next build` runs before Playwright (scripts/test.sh).
    command: "node server.mjs",
    url: `${baseURL}/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      ...inherited,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      QUARRY_DATA_DIR: dataDir,
      QUARRY_ADMIN_EMAIL: E2E_ADMIN.email,
      QUARRY_ADMIN_PASSWORD: E2E_ADMIN.password,
    },
  },
});
