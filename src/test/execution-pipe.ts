import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/server/db";
import { subscribeAny } from "@/server/events/bus";
import type { EventName } from "@/server/events/catalogue";
import { flushAudit } from "@/server/services/audit";
import { toSessionUser, type SessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import type { EngineName } from "@/server/services/datasources/engines";
import { commitApproval, previewApproval, revertApproval } from "@/server/services/approvals/execute";
import { reviewApproval } from "@/server/services/approvals/review";
import { execution } from "@/server/services/execution";
import { flushRuns } from "@/server/services/execution/run-records";
import { executeQuery } from "@/server/services/queries/execute";
import { jobPrincipal, shareLinkPrincipal, userPrincipal } from "@/server/services/principal";
import { grant } from "@/test/fixtures";

/**
 * The execution pipe, engine by engine: read, stream, explain and write each go through
 * the permission step, leave one run record (the approval request for writes), publish
 * their status events and write their audit entries under the principal that asked.
 */
export interface PipeFixture {
  engine: EngineName;
  dataSourceId(): string;
  /** A table `(id int primary key, owner text, balance int)` holding ids 1..5, balance 100. */
  table: string;
  /** A read the read policy refuses on this engine, or null where none is known. */
  refusedRead: string | null;
  /** The engine's planner gives row estimates (its connector's `explainEstimates`). */
  explainEstimates: boolean;
  /** A read the policy allows that runs for many seconds (to cancel it). */
  slowRead: string;
}

const EVENTS = ["query.status", "approval.previewed", "approval.committed", "approval.reverted", "approval.submitted"] as const satisfies readonly EventName[];

let counter = 0;
async function person(role: "viewer" | "analyst" | "developer"): Promise<SessionUser> {
  counter += 1;
  const user = await createUser({ email: `pipe-${role}-${counter}-${Date.now()}@example.test`, password: "correct-horse-9", role, fullName: `Pipe ${role}` });
  return toSessionUser(user);
}

const auditOf = async (resourceId: string) => {
  await flushAudit();
  return db.auditEntry.findMany({ where: { resourceId }, orderBy: { createdAt: "asc" } });
};

export function executionPipeTests(fx: PipeFixture) {
  const seen: { event: EventName; key: string; payload: Record<string, unknown> }[] = [];
  const offs: (() => void)[] = [];
  beforeAll(() => {
    for (const event of EVENTS) offs.push(subscribeAny(event, (payload, key) => seen.push({ event, key, payload: { ...payload } })));
  });
  afterAll(() => offs.forEach((off) => off()));
  const eventsOf = (key: string) => seen.filter((e) => e.key === key);

  const balances = async (principal: ReturnType<typeof userPrincipal>) => {
    const out = await execution.read(principal, { dataSourceId: fx.dataSourceId(), sql: `SELECT balance FROM ${fx.table} ORDER BY id` });
    if (out.type !== "result") throw new Error("expected rows");
    return out.result.rows.map((r) => Number(r.balance));
  };

  it(`read (${fx.engine}): one completed run record, executing → completed events, one audit entry under the principal`, async () => {
    const reader = await person("viewer");
    await grant(reader.id, fx.dataSourceId(), { canRead: true });
    const principal = userPrincipal(reader, "203.0.113.7");
    const out = await execution.read(principal, { dataSourceId: fx.dataSourceId(), sql: `SELECT id, owner FROM ${fx.table} ORDER BY id` }, { source: "pipe-test" });
    if (out.type !== "result") throw new Error("expected a result");
    expect(out.result.rows.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5]);
    await flushRuns(); // reads' records are written behind the response
    const runs = await db.queryRun.findMany({ where: { userId: reader.id } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: out.result.id, status: "completed", source: "pipe-test", rowCount: 5, kind: "read" });
    expect(eventsOf(out.result.id).map((e) => e.payload.status)).toEqual(["executing", "completed"]);
    const entries = await auditOf(out.result.id);
    expect(entries.map((e) => [e.action, e.outcome, e.principalType, e.principalId, e.ip])).toEqual([
      ["execute_query", "success", "user", reader.id, "203.0.113.7"],
    ]);
  });

  it(`read (${fx.engine}): a typo the database refuses answers a short message with its line and column`, async () => {
    const reader = await person("viewer");
    await grant(reader.id, fx.dataSourceId(), { canRead: true });
    const principal = userPrincipal(reader);
    const cases: [string, string, number, number][] = [
      [`SELECT * FORM ${fx.table}`, `Syntax error near "FORM" at line 1, column 10: did you mean FROM?`, 1, 10],
      [`SELECT id,\n  owner,\nFROM ${fx.table}`, `Trailing comma before "FROM" at line 3, column 1`, 3, 1],
      [`SELECT 'abc FROM ${fx.table}`, "Unclosed quote: the string at line 1, column 8 never ends", 1, 8],
      [`SELECT count(* FROM ${fx.table}`, `Unclosed parenthesis: the "(" at line 1, column 13 is never closed`, 1, 13],
    ];
    for (const [sql, message, line, column] of cases) {
      const failure = await execution.read(principal, { dataSourceId: fx.dataSourceId(), sql }).then(() => null, (e: unknown) => e);
      expect(failure, sql).toMatchObject({ code: "QUERY_FAILED", details: { line, column } });
      expect((failure as Error).message, sql).toBe(message);
    }
  });

  it(`read (${fx.engine}): a reader's write is a rejected run with a failed audit entry; nothing runs`, async () => {
    const reader = await person("viewer");
    await grant(reader.id, fx.dataSourceId(), { canRead: true });
    const principal = userPrincipal(reader);
    await expect(execution.read(principal, { dataSourceId: fx.dataSourceId(), sql: `DELETE FROM ${fx.table}` })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [run] = await db.queryRun.findMany({ where: { userId: reader.id } });
    expect(run).toMatchObject({ status: "rejected", kind: "write" });
    expect((await auditOf(run!.id)).map((e) => [e.action, e.outcome])).toEqual([["execute_query", "failure"]]);
    expect(await balances(principal)).toEqual([100, 100, 100, 100, 100]);
  });

  it(`stream (${fx.engine}): every row, its own run record (source export), events and the caller's audit entry`, async () => {
    const reader = await person("viewer");
    await grant(reader.id, fx.dataSourceId(), { canRead: true });
    const principal = userPrincipal(reader, "198.51.100.2");
    const marker = `stream-${counter}`;
    const out = await execution.stream(principal, {
      dataSourceId: fx.dataSourceId(),
      sql: `SELECT id FROM ${fx.table} ORDER BY id`,
      audit: { action: "export_query", resourceType: "query", resourceId: marker },
    });
    if (out.kind !== "rows") throw new Error("expected row batches");
    const ids: number[] = [];
    for await (const chunk of out.batches) if ("rows" in chunk) ids.push(...chunk.rows.map((r) => Number(r.id)));
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    const run = await db.queryRun.findUniqueOrThrow({ where: { id: out.runId } });
    expect(run).toMatchObject({ userId: reader.id, status: "completed", source: "export", rowCount: 5 });
    expect(eventsOf(out.runId).map((e) => e.payload.status)).toEqual(["executing", "completed"]);
    expect((await auditOf(marker)).map((e) => [e.action, e.principalId, e.ip])).toEqual([["export_query", reader.id, "198.51.100.2"]]);
  });

  it(`explain (${fx.engine}): permission first, then the read policy, then the planner; nothing runs or is recorded`, async () => {
    const reader = await person("viewer");
    const stranger = await person("viewer");
    await grant(reader.id, fx.dataSourceId(), { canRead: true });
    const statement = (sql: string) => execution.analyze(sql, fx.engine).statements[0]!;
    const plain = statement(`SELECT id FROM ${fx.table} WHERE id > 2`);
    await expect(execution.explain(userPrincipal(stranger), fx.dataSourceId(), plain)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const estimate = await execution.explain(userPrincipal(reader), fx.dataSourceId(), plain);
    expect(estimate.refused).toEqual([]);
    expect(estimate.error).toBeNull();
    if (fx.explainEstimates) expect(typeof estimate.estimatedRows).toBe("number");
    else expect(estimate.estimatedRows).toBeNull();
    if (fx.refusedRead) {
      const refused = await execution.explain(userPrincipal(reader), fx.dataSourceId(), statement(fx.refusedRead));
      expect(refused.refused.length).toBeGreaterThan(0);
      expect(refused.estimatedRows).toBeNull();
    }
    expect(await db.queryRun.count({ where: { userId: { in: [reader.id, stranger.id] } } })).toBe(0);
  });

  it(`write (${fx.engine}): preview, commit and revert run on the pipe, recorded on the request, audited and published`, async () => {
    await db.dataSource.update({ where: { id: fx.dataSourceId() }, data: { backupBeforeCommit: true } });
    const writer = await person("analyst");
    const approver = await person("developer");
    await grant(writer.id, fx.dataSourceId(), { canRead: true, canWrite: true });
    await grant(approver.id, fx.dataSourceId(), { canRead: true, canApprove: true });
    const writerP = userPrincipal(writer, "192.0.2.10");
    const approverP = userPrincipal(approver, "192.0.2.20");
    const filed = await executeQuery(writerP, { dataSourceId: fx.dataSourceId(), sql: `UPDATE ${fx.table} SET balance = balance + 5 WHERE id IN (2, 3)` });
    if (filed.type !== "approval") throw new Error("expected an approval request");
    const id = filed.approval.id;
    expect(await balances(writerP)).toEqual([100, 100, 100, 100, 100]);
    await reviewApproval(approver, id, "approved", "");

    const previewed = await previewApproval(approverP, id);
    expect(previewed.preview).toMatchObject({ affectedRows: 2 });
    // The sample rows come from the dialect's select-where and select-by-key statements.
    expect(previewed.preview!.before!.map((r) => Number(r.balance))).toEqual([100, 100]);
    expect(previewed.preview!.after!.map((r) => Number(r.balance))).toEqual([105, 105]);
    expect(await balances(writerP)).toEqual([100, 100, 100, 100, 100]);

    const committed = await commitApproval(approverP, id);
    expect(committed).toMatchObject({ status: "executed", affectedRows: 2 });
    expect(committed.backupTable).toMatch(/^quarry_backup_/);
    expect(await balances(writerP)).toEqual([100, 105, 105, 100, 100]);

    const reverted = await revertApproval(approverP, id);
    expect(reverted.status).toBe("reverted");
    expect(await balances(writerP)).toEqual([100, 100, 100, 100, 100]);

    const entries = (await auditOf(id)).filter((e) => e.action !== "approval_approve");
    expect(entries.map((e) => [e.action, e.outcome, e.principalId, e.ip])).toEqual([
      ["request_approval", "success", writer.id, "192.0.2.10"],
      ["approval_preview", "success", approver.id, "192.0.2.20"],
      ["approval_commit", "success", approver.id, "192.0.2.20"],
      ["approval_revert", "success", approver.id, "192.0.2.20"],
    ]);
    expect(eventsOf(id).map((e) => e.event)).toEqual(["approval.submitted", "approval.previewed", "approval.committed", "approval.reverted"]);
    await db.dataSource.update({ where: { id: fx.dataSourceId() }, data: { backupBeforeCommit: false } });
  });

  it(`cancel (${fx.engine}): a running read is tracked, stopped on request, ends cancelled, and the cancel is audited`, async () => {
    const reader = await person("viewer");
    await grant(reader.id, fx.dataSourceId(), { canRead: true });
    const principal = userPrincipal(reader, "192.0.2.99");
    const started = await execution.read(principal, { dataSourceId: fx.dataSourceId(), sql: fx.slowRead }, { wait: false });
    if (started.type !== "started") throw new Error("expected a started run");
    const runId = started.run.id;
    expect(execution.running(runId)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await execution.cancel(principal, runId)).toBeNull(); // in flight: it ends itself
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await db.queryRun.findUniqueOrThrow({ where: { id: runId } })).status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await db.queryRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("cancelled");
    expect(execution.running(runId)).toBeUndefined();
    expect(eventsOf(runId).map((e) => e.payload.status)).toContain("cancelled");
    const entries = await auditOf(runId);
    expect(entries.filter((e) => e.action === "cancel_query").map((e) => [e.principalId, e.ip])).toEqual([[reader.id, "192.0.2.99"]]);
    expect(entries.filter((e) => e.action === "execute_query").map((e) => e.outcome)).toEqual(["failure"]);
  }, 30_000);

  it(`principals (${fx.engine}): a share link may run nothing; a job is audited as the job it is`, async () => {
    await expect(
      execution.read(shareLinkPrincipal("link-1"), { dataSourceId: fx.dataSourceId(), sql: `SELECT 1 AS one` }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const owner = await person("viewer");
    await grant(owner.id, fx.dataSourceId(), { canRead: true });
    const job = jobPrincipal(owner, { id: `job-${counter}`, name: "pipe-test" });
    const out = await execution.read(job, { dataSourceId: fx.dataSourceId(), sql: `SELECT count(*) AS n FROM ${fx.table}` });
    if (out.type !== "result") throw new Error("expected a result");
    expect((await auditOf(out.result.id)).map((e) => [e.principalType, e.principalId, e.userId])).toEqual([["job", `job-${counter}`, owner.id]]);
    // A revoked grant stops the job exactly as it stops the user.
    await db.dataSourcePermission.deleteMany({ where: { group: { members: { some: { userId: owner.id } } } } });
    await expect(execution.read(job, { dataSourceId: fx.dataSourceId(), sql: `SELECT 1 AS one` })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
}
