// Where Quarry keeps its own state. Deliberately free of `server-only` and of other
// imports: prisma.config.ts (the Prisma CLI) and server.mjs's migration step load it
// outside Next's bundler.
import { mkdirSync } from "node:fs";
import path from "node:path";

/** The folder for all local state: app database, demo database, keys, files. */
export function dataDir(): string {
  // Resolved at run time; keep Turbopack from tracing the whole project for it.
  return path.resolve(/*turbopackIgnore: true*/ process.env.QUARRY_DATA_DIR || "./data");
}

/** `DATABASE_URL` when set (a `file:` URL), else `file:<data dir>/quarry.db`. */
export function appDatabaseUrl(): string {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    if (!configured.startsWith("file:")) {
      throw new Error(
        `DATABASE_URL must be a SQLite file URL (file:/path/to/quarry.db); got ${configured.split(":")[0]}:`,
      );
    }
    return configured;
  }
  const dir = dataDir();
  mkdirSync(dir, { recursive: true });
  return `file:${path.join(dir, "quarry.db")}`;
}
