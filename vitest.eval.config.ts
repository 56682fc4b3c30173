import path from "node:path";
import { defineConfig } from "vitest/config";

/** `npm run eval:nl2sql`: the NL→SQL evaluation, kept out of `npm test` (same setup as vitest.config.ts). */
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname, "src"),
      "server-only": path.resolve(import.meta.dirname, "src/test/server-only-stub.ts"),
    },
  },
  test: {
    include: ["src/**/*.eval.ts"],
    globalSetup: ["src/test/global-setup.ts"],
    setupFiles: ["src/test/per-file-setup.ts"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
