import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { clinicDdl, clinicRows } from "./schemas/clinic";
import { logisticsDdl, logisticsRows } from "./schemas/logistics";
import { libraryDdl, libraryRows } from "./schemas/library";

/** The evaluation schemas as SQLite files (statements are portable, so other engines load them too). */
export const evalSchemas = {
  clinic: { ddl: clinicDdl, rows: clinicRows },
  logistics: { ddl: logisticsDdl, rows: logisticsRows },
  library: { ddl: libraryDdl, rows: libraryRows },
} as const;

export function sqliteFile(name: keyof typeof evalSchemas): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), `quarry-nl-${name}-`)), "db.sqlite");
  const db = new Database(file);
  db.exec("BEGIN");
  for (const s of [...evalSchemas[name].ddl, ...evalSchemas[name].rows()]) db.exec(s);
  db.exec("COMMIT");
  db.close();
  return file;
}

/** As of this date the sets' relative dates ("last month", "this year") are written. */
export const EVAL_NOW = new Date("2025-12-15T12:00:00Z");
