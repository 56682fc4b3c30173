// `npm run db:migration -- <name>`: writes the SQL that takes the app database from the
// last migration to prisma/schema.prisma, as prisma/migrations/NNNN_<name>/.
//
// With a driver adapter configured, `prisma migrate diff` cannot read a live database,
// so the script diffs two datamodels: the schema as of the last migration (kept in
// prisma/migrations/schema-snapshot.prisma) and the current one.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]+/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
const snapshot = "prisma/migrations/schema-snapshot.prisma";
const existing = readdirSync("prisma/migrations").filter((d) => /^\d{4}_/.test(d)).sort();
// The highest number plus one (not the count: numbers may have gaps after merges).
const last = existing.reduce((max, d) => Math.max(max, Number(d.slice(0, 4))), 0);
const next = String(last + 1).padStart(4, "0");

const sql = execFileSync(
  process.execPath,
  [
    "node_modules/prisma/build/index.js",
    "migrate",
    "diff",
    "--from-schema-datamodel",
    snapshot,
    "--to-schema-datamodel",
    "prisma/schema.prisma",
    "--script",
  ],
  { encoding: "utf8" },
);
if (!sql.trim() || /empty migration/i.test(sql)) {
  console.log("The schema matches the last migration; nothing to write.");
  process.exit(0);
}
const dir = path.join("prisma/migrations", `${next}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
copyFileSync("prisma/schema.prisma", snapshot);
console.log(`Wrote ${dir}/migration.sql (review it before committing)`);
