import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { subscribeAny } from "@/server/events/bus";
import { jobQueue, startJobs, stopJobs } from "@/server/jobs";
import { ownerMaySee, webhookEventOf } from "@/server/services/webhooks/events";
import { userPrincipal, type UserPrincipal } from "@/server/services/principal";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { jobUser } from "@/test/jobs";
import { pipelineAuthor } from "@/test/pipelines";
import { createPipeline, decidePipelineVersion, executePipeline, getExecution, pendingPipelineApprovalCount, pendingPipelineApprovals, pipelineApproval, updatePipeline } from ".";

/**
 * Writes never run unreviewed, pipelines included: a version that loads into a data
 * source runs only once an approver of every target approved it, never on its author's
 * word, and a change asks again. File loaders need no approval.
 */
let file = "";
let ds = "";
let other = "";
let author: UserPrincipal;
let approver: UserPrincipal;
let halfApprover: UserPrincipal;
let stranger: UserPrincipal;

async function principal(role: "analyst" | "admin" = "analyst"): Promise<UserPrincipal> {
  const u = await jobUser(role);
  return userPrincipal({ id: u.id, email: u.email, username: u.username, fullName: u.fullName, role }, "127.0.0.1");
}

const rowsOf = (table: string) => {
  const conn = new Database(file, { readonly: true });
  try {
    return conn.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
  } finally {
    conn.close();
  }
};

const extract = { id: "src", type: "extractor", module: "sqlite", description: "regions", config: { connection_id: "", query: "SELECT id, name FROM regions" } };
const loadInto = (id: string, source: string, table: string) => ({ id, type: "loader", module: "database", description: id, config: { connection_id: source, table, mode: "create" } });
const graph = (source: string, loaders: ReturnType<typeof loadInto>[]) => ({
  nodes: [{ ...extract, config: { ...extract.config, connection_id: source } }, ...loaders],
  edges: loaders.map((l) => ({ source: "src", target: l.id })),
});

async function runToEnd(p: UserPrincipal, id: string) {
  const started = await executePipeline(p, id);
  const row = await db.pipelineExecution.findUniqueOrThrow({ where: { id: started.execution_id } });
  await jobQueue().waitUntilFinished(row.jobId!, 60_000);
  return getExecution(p, started.execution_id);
}

beforeAll(async () => {
  file = demoDatabaseFile();
  ds = (await db.dataSource.create({ data: { name: `pl-approval-${Date.now()}`, engine: "sqlite", database: file } })).id;
  other = (await db.dataSource.create({ data: { name: `pl-approval-other-${Date.now()}`, engine: "sqlite", database: file } })).id;
  author = await pipelineAuthor();
  await grant(author.user.id, ds, { canRead: true, canWrite: true });
  await grant(author.user.id, other, { canRead: true, canWrite: true });
  approver = await principal();
  await grant(approver.user.id, ds, { canRead: true, canApprove: true });
  await grant(approver.user.id, other, { canRead: true, canApprove: true });
  halfApprover = await principal();
  await grant(halfApprover.user.id, ds, { canRead: true, canApprove: true });
  stranger = await principal();
  await startJobs();
});
afterAll(() => stopJobs(200));

describe("pipeline approvals", () => {
  it("the first run files the request and is refused; an approver's yes lets it run and write", async () => {
    const table = `pl_appr_${Date.now().toString(36)}`;
    const p = await createPipeline(author, { name: "needs review", config: graph(ds, [loadInto("dst", ds, table)]) });
    expect(await pipelineApproval(author, p.id)).toMatchObject({ required: true, status: "not_requested", targets: [{ data_source_id: ds, table, mode: "create" }] });

    await expect(executePipeline(author, p.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/approver/) });
    await expect(executePipeline(author, p.id)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db.pipelineExecution.count({ where: { pipelineId: p.id } })).toBe(0);
    const filed = await pipelineApproval(author, p.id);
    expect(filed).toMatchObject({ status: "pending", requested_by: author.user.id });
    expect(await db.auditEntry.count({ where: { action: "request_pipeline_approval", resourceId: p.id } })).toBe(1);

    // The author, and someone with no approve right on the source, cannot say yes.
    await expect(decidePipelineVersion(author, { pipelineId: p.id, version: 1, decision: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(decidePipelineVersion(stranger, { pipelineId: p.id, version: 1, decision: "approve" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await pendingPipelineApprovals(approver)).map((a) => a.pipeline_id)).toContain(p.id);
    expect((await pendingPipelineApprovals(author)).map((a) => a.pipeline_id)).not.toContain(p.id);
    expect((await pendingPipelineApprovals(stranger)).map((a) => a.pipeline_id)).not.toContain(p.id);
    // The badge's count is the inbox's length for each of them.
    for (const who of [approver, author, stranger]) expect(await pendingPipelineApprovalCount(who)).toBe((await pendingPipelineApprovals(who)).length);
    expect(await pendingPipelineApprovalCount(approver)).toBeGreaterThan(0);

    const decided = await decidePipelineVersion(approver, { pipelineId: p.id, version: 1, decision: "approve", comment: "looks right" });
    expect(decided).toMatchObject({ status: "approved", decided_by: approver.user.id, comment: "looks right" });
    await expect(decidePipelineVersion(approver, { pipelineId: p.id, version: 1, decision: "reject" })).rejects.toMatchObject({ code: "CONFLICT" });

    const done = await runToEnd(author, p.id);
    expect(done.status).toBe("success");
    expect(rowsOf(table).n).toBeGreaterThan(0);
  });

  it("a change makes a new version that asks again; a rejection says why and keeps it from running", async () => {
    const table = `pl_appr_change_${Date.now().toString(36)}`;
    const p = await createPipeline(author, { name: "changes", config: graph(ds, [loadInto("dst", ds, table)]) });
    await decidePipelineVersion(approver, { pipelineId: p.id, version: 1, decision: "approve" });
    // A rename or a node moved on the canvas runs the same: the approval stays.
    const moved = graph(ds, [loadInto("dst", ds, table)]);
    moved.nodes = moved.nodes.map((n, i) => ({ ...n, position: { x: 100 * i, y: 40 } }));
    expect((await updatePipeline(author, p.id, { name: "changes, renamed", config: moved })).version_number).toBe(2);
    expect(await pipelineApproval(author, p.id)).toMatchObject({ version: 2, status: "approved", decided_by: approver.user.id });

    const changed = await updatePipeline(author, p.id, { config: graph(ds, [loadInto("dst", ds, `${table}_v3`)]) });
    expect(changed.version_number).toBe(3);
    expect(await pipelineApproval(author, p.id)).toMatchObject({ version: 3, status: "not_requested" });
    // A change to what runs asks again, and deciding on a superseded version is refused.
    await expect(decidePipelineVersion(approver, { pipelineId: p.id, version: 2, decision: "approve" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(executePipeline(author, p.id)).rejects.toMatchObject({ code: "CONFLICT" });

    await decidePipelineVersion(approver, { pipelineId: p.id, version: 3, decision: "reject", comment: "wrong table" });
    await expect(executePipeline(author, p.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/rejected: wrong table/) });
    expect(await db.pipelineExecution.count({ where: { pipelineId: p.id } })).toBe(0);
  });

  it("an approver must hold approve rights on every data source the version writes to", async () => {
    const stamp = Date.now().toString(36);
    const p = await createPipeline(author, { name: "two targets", config: graph(ds, [loadInto("a", ds, `pl_two_a_${stamp}`), loadInto("b", other, `pl_two_b_${stamp}`)]) });
    expect((await pipelineApproval(author, p.id)).targets.map((t) => t.data_source_id)).toEqual([ds, other]);
    await expect(decidePipelineVersion(halfApprover, { pipelineId: p.id, version: 1, decision: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await pendingPipelineApprovals(halfApprover)).map((a) => a.pipeline_id)).not.toContain(p.id);
    const decided = await decidePipelineVersion(approver, { pipelineId: p.id, version: 1, decision: "approve" });
    expect(decided.status).toBe("approved");
  });

  it("an administrator who wrote the pipeline cannot approve it either", async () => {
    const admin = await principal("admin");
    const p = await createPipeline(admin, { name: "admin's own", config: graph(ds, [loadInto("dst", ds, `pl_admin_${Date.now().toString(36)}`)]) });
    await expect(decidePipelineVersion(admin, { pipelineId: p.id, version: 1, decision: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(executePipeline(admin, p.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("requests and decisions are catalogue events webhooks deliver, to the owner and the target's approvers only", async () => {
    const seen: { name: string; payload: Record<string, unknown> }[] = [];
    const stops = (["pipeline.approval_requested", "pipeline.approval_decided"] as const).map((name) =>
      subscribeAny(name, (payload) => void seen.push({ name, payload: payload as unknown as Record<string, unknown> })),
    );
    try {
      const p = await createPipeline(author, { name: "events", config: graph(ds, [loadInto("dst", ds, `pl_events_${Date.now().toString(36)}`)]) });
      await expect(executePipeline(author, p.id)).rejects.toMatchObject({ code: "CONFLICT" });
      await decidePipelineVersion(approver, { pipelineId: p.id, version: 1, decision: "reject", comment: "no" });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const mine = seen.filter((e) => e.payload.pipelineId === p.id);
      expect(mine.map((e) => [e.name, e.payload.status])).toEqual([
        ["pipeline.approval_requested", "pending"],
        ["pipeline.approval_decided", "rejected"],
      ]);
      const decided = webhookEventOf("pipeline.approval_decided", mine[1]!.payload as never)!;
      expect(decided.event).toBe("pipeline.approval.decided");
      expect(await ownerMaySee(author.user, decided.event, decided.data)).toBe(true);
      expect(await ownerMaySee(approver.user, decided.event, decided.data)).toBe(true);
      expect(await ownerMaySee(stranger.user, decided.event, decided.data)).toBe(false);
    } finally {
      for (const stop of stops) stop();
    }
  });

  it("shows the approver each node's SQL, the target and the mode, SQL transforms included", async () => {
    const table = `pl_appr_sum_${Date.now().toString(36)}`;
    const transform = "SELECT id, upper(name) AS name FROM input WHERE id > 1";
    const config = {
      nodes: [
        { ...extract, config: { ...extract.config, connection_id: ds } },
        { id: "shape", type: "transformer", module: "sql", description: "shape", config: { sql: transform } },
        { ...loadInto("dst", ds, table), config: { connection_id: ds, table, mode: "append" } },
      ],
      edges: [{ source: "src", target: "shape" }, { source: "shape", target: "dst" }],
    };
    const p = await createPipeline(author, { name: "reviewed transform", config });
    const view = await pipelineApproval(author, p.id);
    expect(view.nodes).toEqual([
      { id: "src", type: "extractor", module: "sqlite", summary: extract.config.query },
      { id: "shape", type: "transformer", module: "sql", summary: transform },
      { id: "dst", type: "loader", module: "database", summary: `append into ${table}` },
    ]);
  });

  it("a pipeline that writes only files runs without approval", async () => {
    const out = `pl-approval-${Date.now().toString(36)}.csv`; // inside the pipeline files folder
    const p = await createPipeline(author, {
      name: "to a file",
      config: { nodes: [{ ...extract, config: { ...extract.config, connection_id: ds } }, { id: "csv", type: "loader", module: "csv", description: "csv", config: { path: out } }], edges: [{ source: "src", target: "csv" }] },
    });
    expect(await pipelineApproval(author, p.id)).toMatchObject({ required: false, status: "not_required", targets: [] });
    expect((await runToEnd(author, p.id)).status).toBe("success");
  });
});
