import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { migratePostgres } from "../../../scripts/migrate-postgres.mjs";
import { createDatabase, dropDatabase, pgUrl, randomDatabaseName } from "@/test/app-db";
import { serviceAvailable } from "@/test/services";

/** Skipped with the reason printed where the server is absent; under CI that fails instead. */
const available = (await serviceAvailable("postgres"));

/**
 * App-state migrations on fresh databases of both providers, applied the way server.mjs
 * applies them, must build exactly the schema prisma/schema.prisma describes: the
 * migrated catalogue is compared with one built straight from the schema
 * (`prisma migrate diff --from-empty`). A migration missing, hand-edited or written for
 * the other provider fails here.
 */
const prisma = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(process.execPath, [path.resolve("node_modules/prisma/build/index.js"), ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: "pipe",
  });
const fromEmpty = (schema: string) => prisma(["migrate", "diff", "--from-empty", "--to-schema-datamodel", schema, "--script"]);

const databases: string[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const name of databases) await dropDatabase(name);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Raw SQL in a migration that Prisma's schema cannot model (the search index): left out of
// the comparison with the schema and asserted on its own.
const RAW_TABLES = `'"SearchIndex"', 'SearchIndex'`;

async function pgCatalogue(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default, character_maximum_length, datetime_precision FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name NOT IN ('_prisma_migrations', ${RAW_TABLES}) ORDER BY 1, 2`,
    );
    const indexes = await client.query(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', ${RAW_TABLES}) ORDER BY 1, 2`,
    );
    const constraints = await client.query(
      `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('_prisma_migrations', ${RAW_TABLES}) ORDER BY 1, 2`,
    );
    return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows };
  } finally {
    await client.end();
  }
}

function sqliteCatalogue(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    // Virtual tables (the search index, FTS5) and their shadow tables are raw SQL in a
    // migration that Prisma's schema cannot model: compared by name only, not by shape.
    const virtual = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").all() as { name: string }[]).map((t) => t.name);
    const isVirtual = (name: string) => virtual.some((v) => name === v || name.startsWith(`${v}_`));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name").all() as { name: string }[])
      .map((t) => t.name)
      .filter((name) => !isVirtual(name));
    return tables.map((table) => ({
      table,
      // By name: a column added by a later migration comes last in the table.
      columns: (db.prepare(`PRAGMA table_info("${table}")`).all() as { cid: number; name: string }[])
        .map(({ cid: _cid, ...column }) => column)
        .sort((a, b) => a.name.localeCompare(b.name)),
      foreignKeys: (db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as Record<string, unknown>[]).map(({ id: _id, seq: _seq, ...fk }) => fk),
      indexes: (db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; unique: number; origin: string }[])
        .map((i) => ({ name: i.name, unique: i.unique, origin: i.origin, columns: (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }));
  } finally {
    db.close();
  }
}

describe.skipIf(!available)("app-state migrations", () => {
  it("build the schema on a fresh PostgreSQL database, and a second run applies nothing", async () => {
    const migrated = randomDatabaseName("quarry_mig");
    const direct = randomDatabaseName("quarry_mig");
    databases.push(migrated, direct);
    await createDatabase(migrated);
    await createDatabase(direct);
    const applied = await migratePostgres(pgUrl(migrated));
    expect(applied.length).toBeGreaterThan(0);
    expect(await migratePostgres(pgUrl(migrated))).toEqual([]);
    const client = new pg.Client({ connectionString: pgUrl(direct) });
    await client.connect();
    await client.query(fromEmpty("prisma/postgresql/schema.prisma"));
    await client.end();
    const [a, b] = [await pgCatalogue(pgUrl(migrated)), await pgCatalogue(pgUrl(direct))];
    expect(a.columns.length).toBeGreaterThan(50);
    expect(a).toEqual(b);
    // The raw-SQL part: the search index with its generated, GIN-indexed document.
    const check = new pg.Client({ connectionString: pgUrl(migrated) });
    await check.connect();
    try {
      const { rows } = await check.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'SearchIndex' ORDER BY indexname`);
      expect(rows.map((r) => r.indexdef).join("\n")).toMatch(/USING gin \(document\)/);
    } finally {
      await check.end();
    }
  });

  it("applies concurrently started runs once each (the advisory lock)", async () => {
    const name = randomDatabaseName("quarry_mig");
    databases.push(name);
    await createDatabase(name);
    const runs = await Promise.all([migratePostgres(pgUrl(name)), migratePostgres(pgUrl(name)), migratePostgres(pgUrl(name))]);
    expect(runs.flat().sort()).toEqual(runs.find((r: string[]) => r.length > 0));
  });

  it("build the schema on a fresh SQLite database (prisma migrate deploy)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "quarry-mig-"));
    dirs.push(dir);
    prisma(["migrate", "deploy"], { QUARRY_DATA_DIR: dir, DATABASE_URL: "" });
    const direct = path.join(dir, "direct.db");
    new Database(direct).exec(fromEmpty("prisma/schema.prisma")).close();
    const a = sqliteCatalogue(path.join(dir, "quarry.db"));
    expect(a.length).toBeGreaterThan(10);
    expect(a).toEqual(sqliteCatalogue(direct));
    // The raw-SQL part of the migrations: the search index exists on the migrated database.
    const migrated = new Database(path.join(dir, "quarry.db"), { readonly: true });
    const virtual = migrated.prepare("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'").all();
    migrated.close();
    expect(virtual).toEqual([{ name: "SearchIndex" }]);
  });
});
