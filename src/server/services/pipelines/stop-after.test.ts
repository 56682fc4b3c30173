import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { jobQueue, startJobs, stopJobs } from "@/server/jobs";
import type { UserPrincipal } from "@/server/services/principal";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { pipelineAuthor } from "@/test/pipelines";
import { createPipeline, executePipeline, getPipeline, updatePipeline, validatePipeline } from ".";

/** Kestra's stopAfter: N scheduled runs failing in a row pause the pipeline and disarm its schedule. */
let ds = "";
let author: UserPrincipal;

beforeAll(async () => {
  ds = (await db.dataSource.create({ data: { name: `pl-stop-${Date.now()}`, engine: "sqlite", database: demoDatabaseFile() } })).id;
  author = await pipelineAuthor();
  await grant(author.user.id, ds, { canRead: true, canWrite: true });
  await startJobs();
});
afterAll(() => stopJobs(200));

const config = (query: string, stopAfter?: unknown) => ({
  ...(stopAfter === undefined ? {} : { stop_after_failures: stopAfter }),
  nodes: [
    { id: "src", type: "extractor", module: "sqlite", description: "src", config: { connection_id: ds, query } },
    { id: "out", type: "loader", module: "csv", description: "out", config: { path: `stop-after-${Date.now().toString(36)}.csv` } },
  ],
  edges: [{ source: "src", target: "out" }],
});

async function run(id: string, triggerType: "scheduled" | "manual") {
  const started = await executePipeline(author, id, { triggerType });
  const row = await db.pipelineExecution.findUniqueOrThrow({ where: { id: started.execution_id } });
  await jobQueue().waitUntilFinished(row.jobId!, 60_000);
  return (await db.pipelineExecution.findUniqueOrThrow({ where: { id: started.execution_id } })).status;
}

describe("stop_after_failures", () => {
  it("pauses after N scheduled failures in a row; manual runs and successes do not count towards it", async () => {
    const p = await createPipeline(author, { name: "flaky", status: "active", schedule: "0 3 * * *", is_scheduled: true, config: config("SELECT id FROM no_such_table", 2) });
    expect(await db.jobSchedule.count({ where: { name: `pipeline:${p.id}` } })).toBe(1);

    expect(await run(p.id, "scheduled")).toBe("failed");
    expect(await run(p.id, "manual")).toBe("failed");
    expect((await getPipeline(author, p.id)).status).toBe("active");

    // A success between failures starts the count again.
    await updatePipeline(author, p.id, { config: config("SELECT id FROM regions", 2) });
    expect(await run(p.id, "scheduled")).toBe("success");
    await updatePipeline(author, p.id, { config: config("SELECT id FROM no_such_table", 2) });
    expect(await run(p.id, "scheduled")).toBe("failed");
    expect((await getPipeline(author, p.id)).status).toBe("active");

    expect(await run(p.id, "scheduled")).toBe("failed");
    const paused = await getPipeline(author, p.id);
    expect(paused.status).toBe("paused");
    expect(await db.jobSchedule.count({ where: { name: `pipeline:${p.id}` } })).toBe(0);
    expect(await db.auditEntry.count({ where: { action: "pause_pipeline", resourceId: p.id } })).toBe(1);
    const last = await db.pipelineExecution.findFirstOrThrow({ where: { pipelineId: p.id }, orderBy: { createdAt: "desc" } });
    const logs = await db.pipelineLog.findMany({ where: { executionId: last.id } });
    expect(logs.map((l) => l.message).join("\n")).toMatch(/Paused after 2 scheduled runs in a row failed/);
  });

  it("without the option a pipeline keeps its schedule however often it fails", async () => {
    const p = await createPipeline(author, { name: "no stop", status: "active", schedule: "0 4 * * *", is_scheduled: true, config: config("SELECT id FROM no_such_table") });
    for (let i = 0; i < 3; i++) expect(await run(p.id, "scheduled")).toBe("failed");
    expect((await getPipeline(author, p.id)).status).toBe("active");
    expect(await db.jobSchedule.count({ where: { name: `pipeline:${p.id}` } })).toBe(1);
  });

  it("refuses a value that is not a whole number from 1 to 100", () => {
    for (const bad of [0, -1, 2.5, 101, "3"]) {
      expect(validatePipeline(config("SELECT 1", bad)).errors.map((e) => e.field)).toContain("config.stop_after_failures");
    }
    expect(validatePipeline(config("SELECT 1", 5)).errors).toEqual([]);
  });
});
