import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { jobQueue } from "@/server/jobs";
import type { UserPrincipal } from "@/server/services/principal";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { pipelineAuthor } from "@/test/pipelines";
import { cancelExecution, createPipeline, executePipeline, getExecution, listExecutions, listPipelines, updatePipeline, getPipeline } from ".";

/** Executions without a worker running: concurrency, cancel while queued, a dead worker's run. */
let ds = "";
let author: UserPrincipal;
let other: UserPrincipal;

beforeAll(async () => {
  ds = (await db.dataSource.create({ data: { name: `pl-ex-${Date.now()}`, engine: "sqlite", database: demoDatabaseFile() } })).id;
  author = await pipelineAuthor();
  other = await pipelineAuthor();
  await grant(author.user.id, ds, { canRead: true, canWrite: true });
});

const config = () => ({
  nodes: [
    { id: "src", type: "extractor", module: "sqlite", description: "s", config: { connection_id: ds, query: "SELECT id FROM customers" } },
    { id: "dst", type: "loader", module: "csv", description: "d", config: { path: `ex-${Date.now()}.csv` } },
  ],
  edges: [{ source: "src", target: "dst" }],
});

describe("executions", () => {
  it("keeps to the concurrency limit, cancels a queued run, and ends a run whose worker died as failed", async () => {
    const p = await createPipeline(author, { name: "queued", config: config() });
    const first = await executePipeline(author, p.id);
    await expect(executePipeline(author, p.id)).rejects.toMatchObject({ code: "CONFLICT" });
    const cancelled = await cancelExecution(author, first.execution_id);
    expect(cancelled.status).toBe("cancelled");
    const job = await jobQueue().get((await db.pipelineExecution.findUniqueOrThrow({ where: { id: first.execution_id } })).jobId!);
    expect(job?.status).toBe("cancelled");

    const second = await executePipeline(author, p.id);
    const row = await db.pipelineExecution.findUniqueOrThrow({ where: { id: second.execution_id } });
    await db.pipelineExecution.update({ where: { id: row.id }, data: { status: "running", startedAt: new Date() } });
    // What the jobs backend's reconciliation leaves when the process running a job died.
    await db.job.update({ where: { id: row.jobId! }, data: { status: "failed", error: "The worker stopped while the job was running", finishedAt: new Date() } });
    // The pipeline's own view is the first place to look: it shows the run failed already.
    expect((await getPipeline(author, p.id)).last_execution).toMatchObject({ id: second.execution_id, status: "failed" });
    const seen = await getExecution(author, second.execution_id);
    expect(seen).toMatchObject({ status: "failed", error_message: "The worker stopped while the job was running" });
    const listed = await listExecutions(author, { pipelineId: p.id, skip: 0, take: 10 });
    expect(listed.executions.map((e) => e.status).sort()).toEqual(["cancelled", "failed"]);
  });

  it("the pipeline list shows each pipeline's own latest run", async () => {
    const name = `latest-${Date.now()}`;
    const a = await createPipeline(author, { name: `${name}-a`, config: config() });
    const b = await createPipeline(author, { name: `${name}-b`, config: config() });
    const none = await createPipeline(author, { name: `${name}-c`, config: config() });
    const runs: Record<string, string> = {};
    // Older runs first; b's latest is older than a's oldest, so a latest across pipelines would be wrong.
    for (const [pipeline, minutesAgo] of [[b, 50], [b, 40], [a, 30], [a, 20], [a, 10]] as const) {
      const e = await db.pipelineExecution.create({ data: { pipelineId: pipeline.id, version: 1, status: "success", triggerType: "manual", createdAt: new Date(Date.now() - minutesAgo * 60_000) } });
      runs[`${pipeline.id}@${minutesAgo}`] = e.id;
    }
    const { pipelines } = await listPipelines(author, { search: name, skip: 0, take: 10 });
    const latest = Object.fromEntries(pipelines.map((p) => [p.id, p.last_execution?.id ?? null]));
    expect(latest).toEqual({ [a.id]: runs[`${a.id}@10`], [b.id]: runs[`${b.id}@40`], [none.id]: null });
  });

  it("keeps every version, and shows a pipeline to its owner only", async () => {
    const p = await createPipeline(author, { name: "versions", config: config(), tags: ["a"] });
    const changed = await updatePipeline(author, p.id, { description: "second" });
    expect(changed.version_number).toBe(2);
    expect(await db.pipelineVersion.count({ where: { pipelineId: p.id } })).toBe(2);
    await expect(getPipeline(other, p.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const started = await executePipeline(author, p.id);
    expect(started.version).toBe(2);
  });

  it("a save that changes nothing makes no version, whatever order the graph's keys come in", async () => {
    const graph = config();
    const p = await createPipeline(author, { name: "no-op saves", config: graph, tags: ["x", "y"], default_params: { limit: 5 } });
    // The canvas resends everything it holds; the API may send the same graph with its keys reordered.
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const reordered = reversed({ ...graph, nodes: graph.nodes.map((n) => reversed({ ...n, config: reversed(n.config) })) });
    for (const patch of [{}, { config: graph }, { config: reordered, name: "no-op saves", tags: ["x", "y"], default_params: { limit: 5 }, schedule: null }]) {
      expect((await updatePipeline(author, p.id, patch)).version_number).toBe(1);
    }
    expect(await db.pipelineVersion.count({ where: { pipelineId: p.id } })).toBe(1);
    // Each field that does change still makes one.
    expect((await updatePipeline(author, p.id, { tags: ["y", "x"] })).version_number).toBe(2);
    expect((await updatePipeline(author, p.id, { default_params: { limit: 6 } })).version_number).toBe(3);
    const moved = { ...graph, nodes: graph.nodes.map((n, i) => (i === 0 ? { ...n, position: { x: 10, y: 20 } } : n)) };
    expect((await updatePipeline(author, p.id, { config: moved })).version_number).toBe(4);
    expect(await db.pipelineVersion.count({ where: { pipelineId: p.id } })).toBe(4);
  });

  it("a draft may keep incomplete configs, but active needs a valid pipeline", async () => {
    const draft = await createPipeline(author, { name: "draft", config: { nodes: [{ id: "x", type: "extractor", module: "sqlite", config: {} }], edges: [] } });
    expect(draft.status).toBe("draft");
    await expect(updatePipeline(author, draft.id, { status: "active" })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(executePipeline(author, draft.id)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
  });
});
