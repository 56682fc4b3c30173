// The PostgreSQL app-state schema is derived, never edited: prisma/schema.prisma is the
// one model source (SQLite, the default), and this writes prisma/postgresql/schema.prisma
// from it with only the datasource provider and the client's output changed. A test
// (src/server/db/schema-drift.test.ts) fails when the committed copy differs from what
// this derives, or when either migrations folder does not reach its schema.
//
// `node scripts/app-schema.mjs`         writes the derived schema
// `node scripts/app-schema.mjs --check` exits 1 when the committed one is stale
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SOURCE_SCHEMA = path.join(root, "prisma/schema.prisma");
export const POSTGRES_SCHEMA = path.join(root, "prisma/postgresql/schema.prisma");
export const POSTGRES_MIGRATIONS = path.join(root, "prisma/postgresql/migrations");
/** Where the PostgreSQL client is generated (src/server/db imports it from there). */
export const POSTGRES_CLIENT_OUTPUT = "../../node_modules/.prisma/client-postgresql";

const HEADER =
  "// GENERATED from prisma/schema.prisma by scripts/app-schema.mjs: do not edit.\n" +
  "// Change prisma/schema.prisma and run `npm run db:migration -- <name>` (writes both providers).\n";

/** The source schema with provider "postgresql" and the client generated beside @prisma/client. */
export function derivePostgresSchema(source) {
  let datasources = 0;
  let generators = 0;
  const out = source
    .replace(/datasource db \{[^}]*\}/, () => {
      datasources += 1;
      return 'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://placeholder" // the real location comes from the adapter\n}';
    })
    .replace(/generator client \{([^}]*)\}/, (_, body) => {
      generators += 1;
      return `generator client {${body.replace(/\n$/, "")}\n  output     = "${POSTGRES_CLIENT_OUTPUT}"\n}`;
    });
  if (datasources !== 1 || generators !== 1) {
    throw new Error("prisma/schema.prisma must have exactly one `datasource db` and one `generator client` block");
  }
  if (/provider\s*=\s*"sqlite"/.test(out)) throw new Error("a sqlite provider is left in the derived schema");
  return HEADER + out;
}

export function writePostgresSchema() {
  const derived = derivePostgresSchema(readFileSync(SOURCE_SCHEMA, "utf8"));
  writeFileSync(POSTGRES_SCHEMA, derived);
  return derived;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const derived = derivePostgresSchema(readFileSync(SOURCE_SCHEMA, "utf8"));
  if (process.argv.includes("--check")) {
    let committed = "";
    try {
      committed = readFileSync(POSTGRES_SCHEMA, "utf8");
    } catch {}
    if (committed !== derived) {
      console.error("prisma/postgresql/schema.prisma is stale: run `node scripts/app-schema.mjs`");
      process.exit(1);
    }
  } else {
    writeFileSync(POSTGRES_SCHEMA, derived);
    console.log("Wrote prisma/postgresql/schema.prisma");
  }
}
