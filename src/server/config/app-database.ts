// Where Quarry keeps its own state. Deliberately free of `server-only` and of other
// imports: prisma.config.ts (the Prisma CLI) and server.mjs's migration step load it
// outside Next's bundler.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

/** The folder for all local state: app database, demo database, keys, files. */
export function dataDir(): string {
  // Resolved at run time; keep Turbopack from tracing the whole project for it.
  return path.resolve(/*turbopackIgnore: true*/ process.env.QUARRY_DATA_DIR || "./data");
}

export type AppDatabaseProvider = "sqlite" | "postgresql";

/**
 * Which engine holds app state: PostgreSQL when `DATABASE_URL` is a postgres(ql):// URL
 * (several processes or machines share it), else SQLite (one machine, zero setup).
 */
export function appDatabaseProvider(): AppDatabaseProvider {
  return /^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? "") ? "postgresql" : "sqlite";
}

/** Where each provider's schema and migrations live (prisma/postgresql is derived: scripts/app-schema.mjs). */
export function appSchemaPaths(provider = appDatabaseProvider()): { schema: string; migrations: string } {
  return provider === "postgresql"
    ? { schema: "prisma/postgresql/schema.prisma", migrations: "prisma/postgresql/migrations" }
    : { schema: "prisma/schema.prisma", migrations: "prisma/migrations" };
}

/**
 * `DATABASE_URL` when it is a postgresql:// URL (used as is), or a `file:` URL, else `file:<data dir>/quarry.db`. The file
 * is created owner-only (0600) before SQLite or Prisma first opens it, and an existing
 * one (with its -wal/-shm/-journal) is put back to 0600, since it holds password
 * hashes, encrypted credentials and query results.
 */
export function appDatabaseUrl(): string {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    if (appDatabaseProvider() === "postgresql") return configured;
    if (!configured.startsWith("file:")) {
      throw new Error(
        `DATABASE_URL must be a PostgreSQL URL (postgresql://user@host/db) or a SQLite file URL (file:/path/to/quarry.db); got ${configured.split(":")[0]}:`,
      );
    }
    const file = configured.slice("file:".length).split("?")[0]!;
    if (file && file !== ":memory:") secureDatabaseFile(path.resolve(/*turbopackIgnore: true*/ file));
    return configured;
  }
  const dir = dataDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, "quarry.db");
  secureDatabaseFile(file);
  return `file:${file}`;
}

const OWNER_ONLY_FILE = 0o600;

/** Creates the SQLite file as 0600 when missing (SQLite gives -wal/-shm its mode) and fixes the modes of existing ones. */
export function secureDatabaseFile(file: string): void {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      closeSync(openSync(file, "a", OWNER_ONLY_FILE));
    } catch {
      return; // a read-only location: let SQLite report it with its own message
    }
  }
  for (const candidate of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      if (existsSync(candidate)) chmodSync(candidate, OWNER_ONLY_FILE);
    } catch {
      /* not ours to change (another owner); nothing better to do than carry on */
    }
  }
}
