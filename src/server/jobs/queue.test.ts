import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { subscribe } from "@/server/events/bus";
import { defineJob } from "./definition";
import { echoJob, gate, jobUser, sleep, stopTestQueues, testQueue } from "@/test/jobs";

afterEach(stopTestQueues);

const payload = z.object({ id: z.string() });

describe("enqueue and idempotency", () => {
  it("answers the existing job for the same key, per definition, also when callers race", async () => {
    const user = await jobUser();
    const queue = testQueue([echoJob]);
    const first = await queue.enqueue(echoJob, { value: "a" }, { principal: user, idempotencyKey: "k1" });
    const again = await queue.enqueue(echoJob, { value: "b" }, { principal: user, idempotencyKey: "k1" });
    expect(first.existing).toBe(false);
    expect(again).toMatchObject({ id: first.id, existing: true, payload: { value: "a" } });

    const other = defineJob({ name: "test-other", payloadSchema: echoJob.payloadSchema, run: async () => null });
    const sameKeyOtherDefinition = await queue.enqueue(other, { value: "a" }, { principal: user, idempotencyKey: "k1" });
    expect(sameKeyOtherDefinition.id).not.toBe(first.id);

    const raced = await Promise.all(
      Array.from({ length: 6 }, () => queue.enqueue(echoJob, { value: "r" }, { principal: user, idempotencyKey: "race" })),
    );
    expect(new Set(raced.map((j) => j.id)).size).toBe(1);
    expect(await db.job.count({ where: { idempotencyKey: "race" } })).toBe(1);
  });

  it("keeps a forever key after the job ended, and releases an active-only key", async () => {
    const user = await jobUser();
    const queue = testQueue([echoJob]);
    await queue.start();
    const forever = await queue.enqueue(echoJob, { value: "f" }, { principal: user, idempotencyKey: "tick" });
    await queue.waitUntilFinished(forever.id, 5000);
    expect((await queue.enqueue(echoJob, { value: "f" }, { principal: user, idempotencyKey: "tick" })).id).toBe(forever.id);

    const active = await queue.enqueue(echoJob, { value: "s" }, { principal: user, idempotencyKey: "sync", keyScope: "active" });
    await queue.waitUntilFinished(active.id, 5000);
    const next = await queue.enqueue(echoJob, { value: "s" }, { principal: user, idempotencyKey: "sync", keyScope: "active" });
    expect(next.id).not.toBe(active.id);
    expect(next.existing).toBe(false);
    expect((await queue.get(active.id))?.status).toBe("completed");
  });

  it("refuses a payload its definition does not accept", async () => {
    const user = await jobUser();
    const queue = testQueue([echoJob]);
    for (const bad of [{}, { value: 7 }, null, "text"]) {
      await expect(queue.enqueue(echoJob, bad as never, { principal: user })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    }
    await expect(queue.enqueue(echoJob, { value: "x" }, { principal: user, maxAttempts: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("running", () => {
  it("runs as its principal, stores the result and reports progress on the bus", async () => {
    const user = await jobUser();
    const queue = testQueue([echoJob]);
    const job = await queue.enqueue(echoJob, { value: "hello" }, { principal: user });
    const events: unknown[] = [];
    const finished: unknown[] = [];
    const offProgress = subscribe("job.progress", job.id, (e) => events.push(e));
    const offFinished = subscribe("job.finished", job.id, (e) => finished.push(e));
    const off = () => (offProgress(), offFinished());
    await queue.start();
    const done = await queue.waitUntilFinished(job.id, 5000);
    off();
    expect(done).toMatchObject({ status: "completed", progress: 100, attempts: 1, result: { value: "hello", ranAs: user.id, attempt: 1 } });
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    expect(events).toContainEqual(expect.objectContaining({ jobId: job.id, status: "running", progress: 50, message: "half way" }));
    expect(events.at(-1)).toMatchObject({ status: "completed" });
    expect(finished).toEqual([expect.objectContaining({ jobId: job.id, status: "completed", progress: 100 })]);
  });

  it("keeps progress and message on the record while the job runs", async () => {
    const user = await jobUser();
    const hold = gate();
    const slow = defineJob({
      name: "test-slow-progress",
      payloadSchema: payload,
      async run(_p, ctx) {
        await ctx.progress(42.4, "reading tables");
        await hold.promise;
        await ctx.progress(150);
        return "ok";
      },
    });
    const queue = testQueue([slow]);
    await queue.start();
    const job = await queue.enqueue(slow, { id: "p" }, { principal: user });
    await expect.poll(async () => (await queue.get(job.id))?.progress, { timeout: 3000 }).toBe(42);
    expect(await queue.get(job.id)).toMatchObject({ status: "running", message: "reading tables" });
    hold.open();
    expect(await queue.waitUntilFinished(job.id, 5000)).toMatchObject({ status: "completed", progress: 100 });
  });

  it("never runs more jobs at once than its concurrency", async () => {
    const user = await jobUser();
    let now = 0;
    let peak = 0;
    const busy = defineJob({
      name: "test-busy",
      payloadSchema: payload,
      async run() {
        now += 1;
        peak = Math.max(peak, now);
        await sleep(40);
        now -= 1;
        return null;
      },
    });
    const queue = testQueue([busy], 2);
    await queue.start();
    const jobs = await Promise.all(Array.from({ length: 7 }, (_, i) => queue.enqueue(busy, { id: String(i) }, { principal: user })));
    const done = await Promise.all(jobs.map((j) => queue.waitUntilFinished(j.id, 10_000)));
    expect(done.every((j) => j.status === "completed")).toBe(true);
    expect(peak).toBe(2);

    const one = testQueue([busy], 1);
    await queue.stop();
    peak = 0;
    await one.start();
    const more = await Promise.all(Array.from({ length: 3 }, (_, i) => one.enqueue(busy, { id: `o${i}` }, { principal: user })));
    await Promise.all(more.map((j) => one.waitUntilFinished(j.id, 10_000)));
    expect(peak).toBe(1);
  });

  it("waits for runAt without being woken again", async () => {
    const user = await jobUser();
    const queue = testQueue([echoJob]);
    await queue.start();
    const runAt = new Date(Date.now() + 300);
    const job = await queue.enqueue(echoJob, { value: "later" }, { principal: user, runAt });
    await sleep(100);
    expect((await queue.get(job.id))?.status).toBe("queued");
    const done = await queue.waitUntilFinished(job.id, 5000);
    expect(done.status).toBe("completed");
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
  });
});

describe("retries and failures", () => {
  it("retries with exponential backoff until it succeeds", async () => {
    const user = await jobUser();
    const starts: number[] = [];
    const flaky = defineJob({
      name: "test-flaky",
      payloadSchema: payload,
      async run(_p, ctx) {
        starts.push(Date.now());
        if (ctx.attempt < 3) throw new AppError("CONNECTION_FAILED", `attempt ${ctx.attempt}: database unreachable`);
        return { attempt: ctx.attempt };
      },
    });
    const queue = testQueue([flaky]);
    await queue.start();
    const job = await queue.enqueue(flaky, { id: "f" }, { principal: user, maxAttempts: 3, backoff: { type: "exponential", delayMs: 60 } });
    const done = await queue.waitUntilFinished(job.id, 5000);
    expect(done).toMatchObject({ status: "completed", attempts: 3, result: { attempt: 3 } });
    expect(starts).toHaveLength(3);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(55);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(115);
  });

  it("records the failure once attempts run out, and does not retry what will fail the same way", async () => {
    const user = await jobUser();
    const runs = new Map<string, number>();
    const failing = defineJob({
      name: "test-failing",
      payloadSchema: z.object({ kind: z.enum(["environment", "user", "bug"]) }),
      async run({ kind }) {
        runs.set(kind, (runs.get(kind) ?? 0) + 1);
        if (kind === "environment") throw new AppError("CONNECTION_FAILED", "database unreachable");
        if (kind === "user") throw new AppError("NOT_FOUND", "Data source x was not found");
        throw new Error("ENOENT: no such file /srv/quarry/secret/path.db");
      },
    });
    const queue = testQueue([failing]);
    await queue.start();
    const opts = { principal: user, maxAttempts: 3, backoff: { type: "fixed" as const, delayMs: 10 } };
    const env = await queue.enqueue(failing, { kind: "environment" }, opts);
    const usr = await queue.enqueue(failing, { kind: "user" }, opts);
    const bug = await queue.enqueue(failing, { kind: "bug" }, opts);
    const [e, u, b] = await Promise.all([env, usr, bug].map((j) => queue.waitUntilFinished(j.id, 5000)));
    expect(e).toMatchObject({ status: "failed", attempts: 3, error: { code: "CONNECTION_FAILED", message: "database unreachable" } });
    expect(u).toMatchObject({ status: "failed", attempts: 1, error: { code: "NOT_FOUND" } });
    expect(b).toMatchObject({ status: "failed", attempts: 3, error: { code: "INTERNAL", message: "The job failed unexpectedly" } });
    expect(JSON.stringify(b)).not.toContain("/srv/quarry");
    expect(runs).toEqual(new Map([["environment", 3], ["user", 1], ["bug", 3]]));
  });

  it("fails without running when its user is gone or deactivated", async () => {
    const user = await jobUser();
    let ran = 0;
    const counted = defineJob({ name: "test-counted", payloadSchema: payload, run: async () => ++ran });
    const queue = testQueue([counted]);
    const deactivated = await queue.enqueue(counted, { id: "d" }, { principal: user, maxAttempts: 3 });
    const ghost = await queue.enqueue(counted, { id: "g" }, { principal: { id: "no-such-user" }, maxAttempts: 3 });
    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    await queue.start();
    for (const j of [deactivated, ghost]) {
      expect(await queue.waitUntilFinished(j.id, 5000)).toMatchObject({ status: "failed", attempts: 1, error: { code: "FORBIDDEN" } });
    }
    expect(ran).toBe(0);
  });
});

describe("cancel", () => {
  it("cancels a queued job before it ever runs", async () => {
    const user = await jobUser();
    let ran = 0;
    const counted = defineJob({ name: "test-cancel-queued", payloadSchema: payload, run: async () => ++ran });
    const queue = testQueue([counted]);
    const jobs = await Promise.all(["a", "b"].map((id) => queue.enqueue(counted, { id }, { principal: user })));
    expect(await queue.cancel(jobs[0]!.id)).toMatchObject({ status: "cancelled", cancelRequested: true });
    await queue.start();
    expect((await queue.waitUntilFinished(jobs[1]!.id, 5000)).status).toBe("completed");
    expect((await queue.get(jobs[0]!.id))?.status).toBe("cancelled");
    expect(ran).toBe(1);
    // cancelling an ended job changes nothing
    expect(await queue.cancel(jobs[1]!.id)).toMatchObject({ status: "completed" });
    expect(await queue.cancel("missing")).toBeNull();
  });

  it("aborts a running job's signal and records it cancelled", async () => {
    const user = await jobUser();
    const entered = gate();
    let sawAbort = false;
    const cooperative = defineJob({
      name: "test-cooperative",
      payloadSchema: payload,
      async run(_p, ctx) {
        entered.open();
        await new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(ctx.signal.reason);
          }),
        );
      },
    });
    const queue = testQueue([cooperative]);
    await queue.start();
    const job = await queue.enqueue(cooperative, { id: "c" }, { principal: user, maxAttempts: 3 });
    await entered.promise;
    expect((await queue.cancel(job.id))?.cancelRequested).toBe(true);
    const done = await queue.waitUntilFinished(job.id, 5000);
    expect(done).toMatchObject({ status: "cancelled", attempts: 1, error: null });
    expect(sawAbort).toBe(true);
  });

  it("reaches a job running in another queue instance at its next progress report", async () => {
    const user = await jobUser();
    const entered = gate();
    const proceed = gate();
    const stepper = defineJob({
      name: "test-stepper",
      payloadSchema: payload,
      async run(_p, ctx) {
        entered.open();
        await proceed.promise;
        await ctx.progress(50, "step 2");
        ctx.signal.throwIfAborted();
        return "not cancelled";
      },
    });
    const worker = testQueue([stepper]);
    const api = testQueue([]);
    await worker.start();
    const job = await api.enqueue(stepper, { id: "s" }, { principal: user });
    await entered.promise;
    // Only the database says so: as if the cancel came from another process.
    await db.job.update({ where: { id: job.id }, data: { cancelRequestedAt: new Date() } });
    proceed.open();
    expect((await worker.waitUntilFinished(job.id, 5000)).status).toBe("cancelled");
  });
});
