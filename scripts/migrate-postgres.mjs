// Applies prisma/postgresql/migrations to a PostgreSQL app database. Prisma 6.19's
// WebAssembly schema engine cannot run migrations through @prisma/adapter-pg (it fails
// on the `name` column type: prisma/orm#27403) and Quarry downloads no native engines,
// so this does what `prisma migrate deploy` does, in Prisma's own bookkeeping table
// (`_prisma_migrations`, same columns and sha256 checksums): a native `migrate deploy`
// later sees the same history. Each migration runs in one transaction (PostgreSQL DDL
// is transactional, so a failed one leaves nothing half applied) and the whole run holds
// an advisory lock, so several processes starting at once apply each migration once.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const POSTGRES_MIGRATIONS_DIR = path.join(root, "prisma/postgresql/migrations");
/** Any fixed number; only Quarry's migrator takes this lock. */
const LOCK_KEY = 7_240_011;

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export function postgresMigrations(dir = POSTGRES_MIGRATIONS_DIR) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Applies what is missing; answers the names applied now. Throws on a failed or edited migration. */
export async function migratePostgres(connectionString, dir = POSTGRES_MIGRATIONS_DIR) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(BOOKKEEPING);
    const { rows } = await client.query(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r]));
    for (const migration of postgresMigrations(dir)) {
      const row = done.get(migration.name);
      if (row && !row.finished_at) {
        throw new Error(`migration ${migration.name} failed earlier and was not rolled back; resolve it before starting`);
      }
      if (row) {
        if (row.checksum !== migration.checksum) {
          console.warn(`[migrate] ${migration.name} was edited after it was applied (checksum differs)`);
        }
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)',
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(`migration ${migration.name} failed: ${error.message}`);
      }
      applied.push(migration.name);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
  return applied;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL (postgresql://...) is required");
    process.exit(2);
  }
  migratePostgres(url).then(
    (names) => console.log(names.length ? `applied: ${names.join(", ")}` : "up to date"),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
