// Prisma CLI configuration. Prisma 6.19 with `engine: "js"` and a driver adapter runs
// `generate`, `migrate deploy` and `migrate diff` on WebAssembly engines, so nothing is
// downloaded at install or run time (see ../shared/design/architecture.md).
// DATABASE_URL=postgresql://... selects PostgreSQL: its derived schema and migrations
// folder (prisma/postgresql, see scripts/app-schema.mjs) and the pg adapter.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { appDatabaseProvider, appDatabaseUrl, appSchemaPaths } from "./src/server/config/app-database";

const provider = appDatabaseProvider();
const paths = appSchemaPaths(provider);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: paths.schema,
  migrations: { path: paths.migrations },
  async adapter() {
    return provider === "postgresql"
      ? new PrismaPg({ connectionString: appDatabaseUrl() })
      : new PrismaBetterSQLite3({ url: appDatabaseUrl() });
  },
});
