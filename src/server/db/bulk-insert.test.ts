import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { appDatabaseProvider, appDatabaseUrl } from "@/server/config/app-database";
import { createUser } from "@/server/services/auth/users";
import { insertBatches } from "./bulk-insert";
import { db } from "./index";

/**
 * Rows written through the driver must be the rows Prisma would have written: read back
 * by Prisma with the same values, found by the same date filters, and compared in the
 * same order as rows Prisma wrote itself. Runs on both app-database providers.
 */
let userId: string;
beforeAll(async () => {
  userId = (await createUser({ email: `bulk-${randomUUID()}@example.test`, password: "s3cret-pass", role: "analyst" })).id;
});

const run = (overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  userId,
  dataSourceId: null,
  sql: "SELECT 1",
  kind: "read",
  operation: "select",
  status: "completed",
  source: "api",
  rowCount: 20,
  truncated: true,
  executionTimeMs: 7,
  error: null,
  approvalId: null,
  createdAt: new Date(Date.UTC(2026, 11, 2, 20, 30, 15, 123)),
  finishedAt: new Date(Date.UTC(2026, 11, 2, 20, 30, 15, 456)),
  truncatedReason: "rows",
  storedRows: 20,
  storedPartial: false,
  ...overrides,
});

const auditRow = (action: string, createdAt: Date) => ({
  id: randomUUID(),
  userId: null,
  actor: "bulk@example.test",
  ip: "",
  principalType: "system",
  principalId: null,
  action,
  resourceType: "query",
  resourceId: null,
  outcome: "success",
  details: "{}",
  createdAt,
});

describe("bulk inserts through the driver", () => {
  it("store runs and results that Prisma reads back field for field", async () => {
    const first = run();
    const second = run({ truncated: false, storedPartial: true, finishedAt: null, executionTimeMs: null, truncatedReason: null });
    await insertBatches([
      { table: "QueryRun", rows: [first, second] },
      { table: "QueryResult", rows: [{ queryRunId: first.id, columns: '["a"]', rows: "[[1]]" }] },
    ]);
    const stored = await db.queryRun.findMany({ where: { id: { in: [first.id, second.id] } }, include: { result: true } });
    const byId = new Map(stored.map((r) => [r.id, r]));
    const { result: firstResult, ...firstStored } = byId.get(first.id)!;
    const { result: secondResult, ...secondStored } = byId.get(second.id)!;
    expect(firstStored).toEqual(first);
    expect(secondStored).toEqual(second);
    expect(firstResult).toEqual({ queryRunId: first.id, columns: '["a"]', rows: "[[1]]" });
    expect(secondResult).toBeNull();
  });

  it("write dates that Prisma's filters and ordering treat like its own", async () => {
    const action = `bulk_${randomUUID()}`;
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms));
    await db.auditEntry.create({ data: auditRow(action, at(200)) });
    await insertBatches([{ table: "AuditEntry", rows: [auditRow(action, at(100)), auditRow(action, at(300))] }]);
    const ordered = await db.auditEntry.findMany({ where: { action }, orderBy: { createdAt: "asc" } });
    expect(ordered.map((e) => e.createdAt.getTime())).toEqual([at(100), at(200), at(300)].map((d) => d.getTime()));
    expect(await db.auditEntry.count({ where: { action, createdAt: { gt: at(200) } } })).toBe(1);
    expect(await db.auditEntry.count({ where: { action, createdAt: { gte: at(100), lt: at(300) } } })).toBe(2);
  });

  it("store all of a call's rows or none of them", async () => {
    const good = run();
    const orphan = run({ userId: `no-such-user-${randomUUID()}` });
    const action = `bulk_${randomUUID()}`;
    await expect(
      insertBatches([
        { table: "AuditEntry", rows: [auditRow(action, new Date())] },
        { table: "QueryRun", rows: [good, orphan] },
      ]),
    ).rejects.toThrow();
    expect(await db.queryRun.count({ where: { id: { in: [good.id, orphan.id] } } })).toBe(0);
    expect(await db.auditEntry.count({ where: { action } })).toBe(0);
  });

  it("split a batch larger than one statement's parameters and keep every row", async () => {
    const action = `bulk_${randomUUID()}`;
    const rows = Array.from({ length: 3_000 }, (_, i) => auditRow(action, new Date(Date.UTC(2026, 0, 1, 0, 0, i))));
    await insertBatches([{ table: "AuditEntry", rows }]); // 36,000 values: more than one statement takes
    expect(await db.auditEntry.count({ where: { action } })).toBe(3_000);
  });

  it("refuse a table or column name that is not a plain identifier", async () => {
    await expect(insertBatches([{ table: 'AuditEntry"; DROP TABLE "User', rows: [auditRow("x", new Date())] }])).rejects.toThrow(
      /not a plain identifier/,
    );
    await expect(insertBatches([{ table: "AuditEntry", rows: [{ 'action" ,"x': "y" }] }])).rejects.toThrow(/not a plain identifier/);
  });

  it("wait for another connection's write lock without blocking this process", async () => {
    const action = `bulk_${randomUUID()}`;
    const release = await holdWriteLock();
    let written = false;
    const insert = insertBatches([{ table: "AuditEntry", rows: [auditRow(action, new Date())] }]).then(() => (written = true));
    // The event loop keeps turning while the insert waits: timers fire, the insert has not landed.
    const ticks = await countTicks(300);
    expect(ticks).toBeGreaterThan(10);
    expect(written).toBe(false);
    await release();
    await insert;
    expect(await db.auditEntry.count({ where: { action } })).toBe(1);
  });
});

async function countTicks(forMs: number): Promise<number> {
  let ticks = 0;
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    ticks++;
  }
  return ticks;
}

/** Another connection holding the app database's write lock (SQLite) or the audit table's (PostgreSQL). */
async function holdWriteLock(): Promise<() => Promise<void>> {
  if (appDatabaseProvider() === "postgresql") {
    const client = new pg.Client({ connectionString: appDatabaseUrl() });
    await client.connect();
    await client.query('BEGIN; LOCK TABLE "AuditEntry" IN EXCLUSIVE MODE');
    return async () => {
      await client.query("COMMIT");
      await client.end();
    };
  }
  const other = new Database(appDatabaseUrl().replace(/^file:/, ""));
  other.exec("BEGIN IMMEDIATE");
  return async () => {
    other.exec("COMMIT");
    other.close();
  };
}
