import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { createDatabase, pgUrl } from "./app-db";

/**
 * Every test file gets its own data dir (app database copied from the migrated
 * template, fresh keys), so files run in parallel without sharing state. In the
 * PostgreSQL project the app database is a fresh copy of the template database.
 */
const dir = mkdtempSync(path.join(tmpdir(), "quarry-test-"));
process.env.QUARRY_DATA_DIR = dir;
process.env.QUARRY_DEMO = "false";
if (inject("appDatabase") === "postgresql") {
  const template = inject("templatePgDatabase");
  const database = `${template.replace(/_template$/, "")}_${path.basename(dir).replace(/[^a-z0-9]/gi, "").toLowerCase()}`;
  await createDatabase(database, template);
  process.env.DATABASE_URL = pgUrl(database);
} else {
  copyFileSync(inject("templateDb"), path.join(dir, "quarry.db"));
  delete process.env.DATABASE_URL;
}
