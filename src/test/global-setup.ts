import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM script without types
import { migratePostgres } from "../../scripts/migrate-postgres.mjs";
import { createDatabase, dropDatabases, pgUrl, randomDatabaseName } from "./app-db";

/**
 * Migrates one template app database with the same step server.mjs runs at start
 * (`prisma migrate deploy` for SQLite, scripts/migrate-postgres.mjs for PostgreSQL);
 * each test file then copies it. The project "app-state-postgresql" (vitest.config.ts)
 * sets `appDatabase: "postgresql"` and gets a template PostgreSQL database instead.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "quarry-template-"));
  const onPostgres = project.config.provide?.appDatabase === "postgresql";
  let prefix: string | null = null;
  if (onPostgres) {
    prefix = randomDatabaseName("quarry_test");
    const template = `${prefix}_template`;
    await createDatabase(template);
    await migratePostgres(pgUrl(template));
    project.provide("templatePgDatabase", template);
  } else {
    execFileSync(process.execPath, [path.resolve("node_modules/prisma/build/index.js"), "migrate", "deploy"], {
      env: { ...process.env, QUARRY_DATA_DIR: dir, DATABASE_URL: "" },
      stdio: "pipe",
    });
  }
  project.provide("templateDb", path.join(dir, "quarry.db"));
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (prefix) await dropDatabases(prefix);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
    /** "postgresql" in the project that reruns the app-state suites on PostgreSQL. */
    appDatabase: "sqlite" | "postgresql";
    templatePgDatabase: string;
  }
}
