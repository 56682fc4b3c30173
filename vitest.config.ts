import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The suites whose subject is app state (users, sessions, audit, access, jobs, boot):
 * the project "app-state-postgresql" reruns them with app state on PostgreSQL (a fresh
 * database per file, copied from a migrated template), so both providers stay tested.
 */
const APP_STATE_SUITES = [
  "src/server/db/**/*.test.ts",
  "src/server/services/users/**/*.test.ts",
  "src/server/services/auth/**/*.test.ts",
  "src/server/services/audit/**/*.test.ts",
  "src/server/services/access/**/*.test.ts",
  "src/server/services/datasources/**/*.test.ts",
  "src/server/services/search/**/*.test.ts",
  "src/server/jobs/**/*.test.ts",
  "src/server/boot/**/*.test.ts",
  "src/server/services/chat/**/*.test.ts",
];

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname, "src"),
      // `server-only` throws outside React Server Components; tests run server code directly.
      "server-only": path.resolve(import.meta.dirname, "src/test/server-only-stub.ts"),
    },
  },
  test: {
    globalSetup: ["src/test/global-setup.ts"],
    setupFiles: ["src/test/per-file-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "sqlite", include: ["src/**/*.test.ts", "scripts/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "app-state-postgresql",
          include: APP_STATE_SUITES,
          // Scale-out integration tests start their own processes on their own databases.
          exclude: ["**/*scale*.integration.test.ts", "src/server/db/migrations.integration.test.ts", "**/node_modules/**"],
          provide: { appDatabase: "postgresql" },
        },
      },
    ],
  },
});
