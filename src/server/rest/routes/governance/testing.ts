import path from "node:path";
import { db } from "@/server/db";
import { flushAudit } from "@/server/services/audit";

/**
 * Test helpers for the governance routes. A data source row is enough for permission
 * tests: nothing here connects to it, so any existing file stands in for a SQLite db.
 */
export async function makeDataSource(overrides: { name?: string; status?: string; schemaCache?: string | null } = {}) {
  return db.dataSource.create({
    data: {
      name: overrides.name ?? `ds-${Math.random().toString(36).slice(2)}`,
      engine: "sqlite",
      database: path.resolve("package.json"),
      status: overrides.status ?? "unknown",
      schemaCache: overrides.schemaCache ?? null,
      lastSyncedAt: overrides.schemaCache ? new Date() : null,
    },
  });
}

/** Audit entries matching a filter, for "was it recorded" checks. */
export const auditEntries = async (where: { action: string; resourceId?: string; userId?: string }) => {
  await flushAudit();
  return db.auditEntry.findMany({ where, orderBy: { createdAt: "asc" } });
};
