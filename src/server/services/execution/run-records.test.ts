import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "@/server/db";
import { createUser } from "@/server/services/auth/users";
import { beginRun, completeRun, failRun, flushRuns } from "./run-records";

let n = 0;
async function owner() {
  n += 1;
  const user = await createUser({ email: `runs${n}-${Date.now()}@example.test`, password: "correct-horse-9", role: "analyst", fullName: "R" });
  const ds = await db.dataSource.create({ data: { name: `runs-${n}-${Date.now()}`, engine: "sqlite", database: "/tmp/none.sqlite" } });
  return { user, ds };
}

const newRun = (userId: string, dataSourceId: string, sql = "SELECT 1") =>
  beginRun({ userId, dataSourceId, sql, kind: "read", operation: "SELECT", source: "api" });

const outcome = { rowCount: 2, truncated: false, truncatedReason: null, storedRows: 2, storedPartial: false, executionTimeMs: 3 };
const page = { columns: JSON.stringify([{ name: "a" }]), rows: JSON.stringify([{ a: 1 }, { a: 2 }]) };

afterEach(() => vi.useRealTimers());

describe("run records written behind the response", () => {
  it("stores a completed run and its first page with the values Prisma would have written", async () => {
    const { user, ds } = await owner();
    const run = newRun(user.id, ds.id);
    const done = completeRun(run.id, outcome, page);
    await flushRuns();
    const stored = await db.queryRun.findUniqueOrThrow({ where: { id: run.id }, include: { result: true } });
    const { result, ...record } = stored;
    expect(record).toEqual(done);
    expect(record.createdAt.getTime()).toBe(run.createdAt.getTime());
    expect(record).toMatchObject({ status: "completed", truncated: false, storedPartial: false, approvalId: null, error: null });
    expect(result).toEqual({ queryRunId: run.id, ...page });
    // Filters on dates and booleans see it like any other row.
    expect(await db.queryRun.count({ where: { id: run.id, createdAt: { gte: new Date(run.createdAt.getTime() - 1) }, truncated: false } })).toBe(1);
  });

  it("lets a reader see a run still going (flushRuns), then records its end as an update", async () => {
    const { user, ds } = await owner();
    const run = newRun(user.id, ds.id);
    await flushRuns();
    expect(await db.queryRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "running", finishedAt: null });
    completeRun(run.id, outcome, page);
    await flushRuns();
    expect(await db.queryRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "completed", rowCount: 2 });
    expect(await db.queryResult.findUnique({ where: { queryRunId: run.id } })).not.toBeNull();
  });

  it("writes a long run as running by itself, so a crash leaves it for start-up reconciliation", async () => {
    const { user, ds } = await owner();
    const run = newRun(user.id, ds.id);
    const deadline = Date.now() + 10_000;
    let stored = null;
    while (!stored && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      stored = await db.queryRun.findUnique({ where: { id: run.id } }); // no flushRuns: the timer's write
    }
    expect(stored).toMatchObject({ status: "running" });
    await failRun(run.id, "failed", "boom");
    expect(await db.queryRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "failed", error: "boom" });
  });

  it("writes a failure at once and never turns an ended run back", async () => {
    const { user, ds } = await owner();
    const run = newRun(user.id, ds.id);
    await failRun(run.id, "cancelled", "Cancelled");
    expect(await db.queryRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "cancelled", error: "Cancelled" });
    await failRun(run.id, "failed", "later"); // already ended in the database: unchanged
    expect(await db.queryRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "cancelled" });
  });

  it("keeps the other runs of a batch when one cannot be written, and a run of a deleted data source without it", async () => {
    const a = await owner();
    const b = await owner();
    const gone = newRun(a.user.id, a.ds.id, "SELECT 'source deleted'");
    const orphaned = newRun(b.user.id, b.ds.id, "SELECT 'user deleted'");
    const fine = newRun(b.user.id, b.ds.id, "SELECT 'fine'");
    for (const run of [gone, orphaned, fine]) completeRun(run.id, outcome, page);
    await db.dataSource.delete({ where: { id: a.ds.id } });
    await db.user.delete({ where: { id: b.user.id } }).catch(() => undefined);
    const third = await owner();
    const kept = newRun(third.user.id, third.ds.id, "SELECT 'kept'");
    completeRun(kept.id, outcome, page);
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await flushRuns();
    } finally {
      quiet.mockRestore();
    }
    expect(await db.queryRun.findUnique({ where: { id: gone.id } })).toMatchObject({ dataSourceId: null, status: "completed" });
    expect(await db.queryRun.findUnique({ where: { id: kept.id } })).toMatchObject({ status: "completed" });
    const userStillThere = await db.user.findUnique({ where: { id: b.user.id } });
    if (!userStillThere) expect(await db.queryRun.findUnique({ where: { id: orphaned.id } })).toBeNull();
  });
});
