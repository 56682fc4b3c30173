import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { startJobs, stopJobs } from "@/server/jobs";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * POST /databases/:id/sync-schema queues a schema-sync job and answers its id;
 * GET /jobs/:id polls it. The worker runs in this file as it does in the server.
 */
let dsId = "";
let demoFile = "";
const users = {} as Record<"admin" | "reader" | "otherReader" | "outsider", Awaited<ReturnType<typeof signedInUser>>>;

async function pollUntilEnded(token: string, jobId: string) {
  for (let i = 0; i < 100; i += 1) {
    const res = await rest("GET", `/jobs/${jobId}`, { token });
    if (res.status !== 200) return res;
    if (["completed", "failed", "cancelled"].includes(res.body.status)) return res;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not end`);
}

beforeAll(async () => {
  demoFile = demoDatabaseFile(0.01);
  dsId = (await db.dataSource.create({ data: { name: `jobs-${Math.random().toString(36).slice(2)}`, engine: "sqlite", database: demoFile } })).id;
  users.admin = await signedInUser("admin");
  users.reader = await signedInUser("analyst");
  users.otherReader = await signedInUser("viewer");
  users.outsider = await signedInUser("analyst");
  await grant(users.reader.user.id, dsId, { canRead: true });
  await grant(users.otherReader.user.id, dsId, { canRead: true });
  await startJobs();
});
afterAll(() => stopJobs(500));

describe("POST /databases/:id/sync-schema", () => {
  it("answers a job id that polling follows to completed, with the schema cache refreshed", async () => {
    await db.dataSource.update({ where: { id: dsId }, data: { schemaCache: JSON.stringify({ tables: [] }), lastSyncedAt: new Date(0) } });
    const res = await rest("POST", `/databases/${dsId}/sync-schema`, { token: users.reader.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ job_id: expect.any(String), status: "in_progress", poll_url: `/api/v1/jobs/${res.body.job_id}` });
    const done = await pollUntilEnded(users.reader.token, res.body.job_id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ job_id: res.body.job_id, type: "schema-sync", status: "completed", progress: 100, attempts: 1, error: null });
    expect(done.body.result.tablesCount).toBeGreaterThan(5);
    const row = await db.dataSource.findUniqueOrThrow({ where: { id: dsId } });
    expect(row.lastSyncedAt!.getTime()).toBeGreaterThan(0);
    const names = (JSON.parse(row.schemaCache!) as { tables: { name: string }[] }).tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["customers", "orders", "products"]));
    expect(await db.auditEntry.count({ where: { action: "sync_schema", resourceId: dsId, userId: users.reader.user.id } })).toBe(1);
    const job = await db.job.findUniqueOrThrow({ where: { id: res.body.job_id } });
    expect(job.principalId).toBe(users.reader.user.id);
  });

  it("answers the queued job again instead of queueing a second sync, and a new one once it ended", async () => {
    await stopJobs(200);
    try {
      const first = await rest("POST", `/databases/${dsId}/sync-schema`, { token: users.reader.token });
      const second = await rest("POST", `/databases/${dsId}/sync-schema`, { token: users.otherReader.token });
      expect(second.body.job_id).toBe(first.body.job_id);
      // the other reader may follow the shared sync
      expect((await rest("GET", `/jobs/${first.body.job_id}`, { token: users.otherReader.token })).body.status).toBe("queued");
      await startJobs();
      expect((await pollUntilEnded(users.reader.token, first.body.job_id)).body.status).toBe("completed");
      const third = await rest("POST", `/databases/${dsId}/sync-schema`, { token: users.reader.token });
      expect(third.body.job_id).not.toBe(first.body.job_id);
      expect((await pollUntilEnded(users.reader.token, third.body.job_id)).body.status).toBe("completed");
    } finally {
      await startJobs();
    }
  });

  it("is 404 for a data source the caller may not read, or that does not exist, and queues nothing", async () => {
    const before = await db.job.count();
    for (const [token, id] of [
      [users.outsider.token, dsId],
      [users.reader.token, "no-such-database"],
      [users.admin.token, "00000000-0000-0000-0000-000000000000"],
    ] as const) {
      const res = await rest("POST", `/databases/${id}/sync-schema`, { token });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.stringContaining("not found") } });
    }
    expect(await db.job.count()).toBe(before);
    expect((await rest("POST", `/databases/${dsId}/sync-schema`)).status).toBe(401);
  });

  it("re-checks access when the job runs: a reader whose grant was removed meanwhile gets a failed job", async () => {
    const late = await signedInUser("analyst");
    const groupId = await grant(late.user.id, dsId, { canRead: true });
    await stopJobs(200);
    let jobId = "";
    try {
      jobId = (await rest("POST", `/databases/${dsId}/sync-schema`, { token: late.token })).body.job_id;
      await db.group.delete({ where: { id: groupId } });
    } finally {
      await startJobs();
    }
    const ended = await pollUntilEnded(users.admin.token, jobId);
    expect(ended.body).toMatchObject({ status: "failed", attempts: 1, error: { code: "NOT_FOUND" } });
  });
});

describe("GET /jobs/:id", () => {
  it("shows a job to its user and admins only, in InsightEngine's error format", async () => {
    const { job_id } = (await rest("POST", `/databases/${dsId}/sync-schema`, { token: users.reader.token })).body;
    await pollUntilEnded(users.reader.token, job_id);
    expect((await rest("GET", `/jobs/${job_id}`, { token: users.admin.token })).status).toBe(200);
    const stranger = await rest("GET", `/jobs/${job_id}`, { token: users.outsider.token });
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect((await rest("GET", "/jobs/does-not-exist", { token: users.reader.token })).status).toBe(404);
    expect((await rest("GET", `/jobs/${job_id}`)).status).toBe(401);
  });

  it("lists own jobs through tRPC, and everyone's for admins", async () => {
    const { createCaller } = await import("@/server/routers/_app");
    const { sessionFromBearer } = await import("@/server/services/auth/session");
    const callerFor = async (u: (typeof users)["reader"]) =>
      createCaller({ session: await sessionFromBearer(u.token), sessionError: null, meta: {}, bearerToken: u.token });
    const mine = await (await callerFor(users.reader)).jobs.list({});
    expect(mine.jobs.length).toBeGreaterThan(0);
    expect(mine.jobs.every((j) => j.principalId === users.reader.user.id)).toBe(true);
    expect((await (await callerFor(users.outsider)).jobs.list({})).jobs).toEqual([]);
    const all = await (await callerFor(users.admin)).jobs.list({ pageSize: 200 });
    expect(new Set(all.jobs.map((j) => j.principalId)).size).toBeGreaterThan(1);
  });

  it("lets only the job's user or an admin cancel it, and not once it ended", async () => {
    const { createCaller } = await import("@/server/routers/_app");
    const { sessionFromBearer } = await import("@/server/services/auth/session");
    const callerFor = async (u: (typeof users)["reader"]) =>
      createCaller({ session: await sessionFromBearer(u.token), sessionError: null, meta: {}, bearerToken: u.token });
    await stopJobs(200);
    try {
      const { job_id } = (await rest("POST", `/databases/${dsId}/sync-schema`, { token: users.reader.token })).body;
      // the other reader may see the shared sync but not cancel it; a stranger does not see it at all
      await expect((await callerFor(users.otherReader)).jobs.cancel({ id: job_id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect((await callerFor(users.outsider)).jobs.cancel({ id: job_id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      const cancelled = await (await callerFor(users.reader)).jobs.cancel({ id: job_id });
      expect(cancelled).toMatchObject({ id: job_id, status: "cancelled" });
      await expect((await callerFor(users.admin)).jobs.cancel({ id: job_id })).rejects.toMatchObject({ code: "CONFLICT" });
    } finally {
      await startJobs();
    }
  });
});
