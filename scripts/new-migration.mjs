// `npm run db:migration -- <name>`: writes the SQL that takes the app database from the
// last migration to prisma/schema.prisma, for both providers: SQLite in
// prisma/migrations/NNNN_<name>/ and PostgreSQL in prisma/postgresql/migrations/NNNN_<name>/
// (its schema is derived first: scripts/app-schema.mjs). A provider whose migrations
// already reach the schema gets none (e.g. after a merge brought a SQLite-only one).
//
// With a driver adapter configured, `prisma migrate diff` cannot read a live database,
// so the script diffs two datamodels: the schema as of the last migration (kept in
// <migrations>/schema-snapshot.prisma) and the current one.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writePostgresSchema } from "./app-schema.mjs";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]+/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
writePostgresSchema();

const providers = [
  { label: "SQLite", schema: "prisma/schema.prisma", dir: "prisma/migrations" },
  { label: "PostgreSQL", schema: "prisma/postgresql/schema.prisma", dir: "prisma/postgresql/migrations" },
];
// One number for both folders: the highest in either, plus one (numbers may have gaps after merges).
const numbers = providers.flatMap((p) => readdirSync(p.dir).filter((d) => /^\d{4}_/.test(d)).map((d) => Number(d.slice(0, 4))));
const next = String(Math.max(0, ...numbers) + 1).padStart(4, "0");

for (const provider of providers) {
  const snapshot = path.join(provider.dir, "schema-snapshot.prisma");
  const sql = execFileSync(
    process.execPath,
    ["node_modules/prisma/build/index.js", "migrate", "diff", "--from-schema-datamodel", snapshot, "--to-schema-datamodel", provider.schema, "--script"],
    { encoding: "utf8" },
  );
  if (!sql.trim() || /empty migration/i.test(sql)) {
    console.log(`${provider.label}: the schema matches the last migration; nothing to write.`);
    continue;
  }
  const dir = path.join(provider.dir, `${next}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql);
  copyFileSync(provider.schema, snapshot);
  console.log(`${provider.label}: wrote ${dir}/migration.sql (review it before committing)`);
}
