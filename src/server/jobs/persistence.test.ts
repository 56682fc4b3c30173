import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/server/db";
import { SERVER_RESTARTED } from "./backends/in-process";
import { defineJob } from "./definition";
import { echoJob, gate, jobUser, stopTestQueues, testQueue } from "@/test/jobs";

afterEach(stopTestQueues);

/** A "restart" is a new queue instance on the same app database. */
describe("across a restart", () => {
  it("runs a job queued before the restart", async () => {
    const user = await jobUser();
    const before = testQueue([echoJob]);
    const job = await before.enqueue(echoJob, { value: "kept" }, { principal: user });
    await before.stop();
    const after = testQueue([echoJob]);
    await after.start();
    expect(await after.waitUntilFinished(job.id, 5000)).toMatchObject({ status: "completed", result: { value: "kept" } });
  });

  it("requeues a job left running while attempts remain, and fails it when none do", async () => {
    const user = await jobUser();
    const dead = testQueue([echoJob]);
    const retryable = await dead.enqueue(echoJob, { value: "again" }, { principal: user, maxAttempts: 2 });
    const spent = await dead.enqueue(echoJob, { value: "spent" }, { principal: user, maxAttempts: 1 });
    const cancelling = await dead.enqueue(echoJob, { value: "c" }, { principal: user, maxAttempts: 3 });
    // What a process killed mid-run leaves behind.
    await db.job.updateMany({ where: { id: { in: [retryable.id, spent.id] } }, data: { status: "running", attempts: 1, startedAt: new Date() } });
    await db.job.update({ where: { id: cancelling.id }, data: { status: "running", attempts: 1, cancelRequestedAt: new Date() } });

    const after = testQueue([echoJob]);
    await after.start();
    expect(await after.waitUntilFinished(retryable.id, 5000)).toMatchObject({ status: "completed", attempts: 2 });
    expect(await after.get(spent.id)).toMatchObject({ status: "failed", attempts: 1, error: { message: SERVER_RESTARTED } });
    expect((await after.get(spent.id))?.finishedAt).not.toBeNull();
    expect(await after.get(cancelling.id)).toMatchObject({ status: "cancelled" });
  });

  it("does not reconcile a job another queue in this process is running", async () => {
    const user = await jobUser();
    const hold = gate();
    const held = defineJob({ name: "test-held", payloadSchema: z.object({}), run: () => hold.promise.then(() => "done") });
    const first = testQueue([held]);
    await first.start();
    const job = await first.enqueue(held, {}, { principal: user });
    await expect.poll(async () => (await first.get(job.id))?.status, { timeout: 3000 }).toBe("running");
    const second = testQueue([held]);
    await second.start();
    expect((await second.get(job.id))?.status).toBe("running");
    hold.open();
    expect(await first.waitUntilFinished(job.id, 5000)).toMatchObject({ status: "completed", attempts: 1 });
  });

  it("puts a job still running at shutdown back in the queue without spending an attempt", async () => {
    const user = await jobUser();
    const entered = gate();
    let runs = 0;
    const longJob = defineJob({
      name: "test-long",
      payloadSchema: z.object({}),
      async run(_p, ctx) {
        runs += 1;
        if (runs > 1) return "finished after restart";
        entered.open();
        await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
      },
    });
    const before = testQueue([longJob]);
    await before.start();
    const job = await before.enqueue(longJob, {}, { principal: user, maxAttempts: 1 });
    await entered.promise;
    await before.stop(50);
    expect(await before.get(job.id)).toMatchObject({ status: "queued", attempts: 0 });
    const after = testQueue([longJob]);
    await after.start();
    expect(await after.waitUntilFinished(job.id, 5000)).toMatchObject({ status: "completed", attempts: 1, result: "finished after restart" });
  });
});
