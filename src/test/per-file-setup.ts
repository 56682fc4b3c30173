import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";

/**
 * Every test file gets its own data dir (app database copied from the migrated
 * template, fresh keys), so files run in parallel without sharing state.
 */
const dir = mkdtempSync(path.join(tmpdir(), "quarry-test-"));
copyFileSync(inject("templateDb"), path.join(dir, "quarry.db"));
process.env.QUARRY_DATA_DIR = dir;
delete process.env.DATABASE_URL;
process.env.QUARRY_DEMO = "false";
