// Prisma CLI configuration. Prisma 6.19 with `engine: "js"` and a driver adapter runs
// `generate`, `migrate deploy` and `migrate diff` on WebAssembly engines, so nothing is
// downloaded at install or run time (see ../shared/design/architecture.md).
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { appDatabaseUrl } from "./src/server/config/app-database";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return new PrismaBetterSQLite3({ url: appDatabaseUrl() });
  },
});
