import { Cron } from "croner";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/server/db";
import { defineJob } from "./definition";
import { Scheduler, tickKey, tickTime } from "./schedules";
import { jobUser, sleep, stopTestQueues, testQueue } from "@/test/jobs";

const schedulers: Scheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0)) s.stop();
  await stopTestQueues();
});

const ticked = defineJob({ name: "test-ticked", payloadSchema: z.object({ report: z.string() }), run: async ({ report }) => report });

function scheduler(queue = testQueue([ticked])) {
  const s = new Scheduler(queue, [ticked]);
  schedulers.push(s);
  return s;
}

describe("schedules", () => {
  it("enqueues one job per tick even when two schedulers race", async () => {
    const user = await jobUser();
    const a = scheduler();
    const b = scheduler(testQueue([ticked]));
    const view = await a.schedule(ticked, { name: "every-second", cron: "* * * * * *", payload: { report: "r" }, principal: user });
    await a.start();
    await b.start();
    await sleep(2600);
    a.stop();
    b.stop();
    const jobs = await db.job.findMany({ where: { scheduleId: view.id } });
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    const keys = jobs.map((j) => j.idempotencyKey!);
    expect(new Set(keys).size).toBe(jobs.length);
    for (const key of keys) expect(key).toMatch(/^every-second:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(jobs.every((j) => j.principalId === user.id && j.payload === JSON.stringify({ report: "r" }))).toBe(true);
    expect((await db.jobSchedule.findUnique({ where: { id: view.id } }))?.lastTickAt).not.toBeNull();
  });

  it("makes the same tick delivered twice (or concurrently) one job", async () => {
    const user = await jobUser();
    const s = scheduler();
    const view = await s.schedule(ticked, { name: "nightly", cron: "0 3 * * *", payload: { report: "n" }, principal: user });
    const at = new Date("2026-12-01T03:00:00.000Z");
    await Promise.all([s.tick(view.id, at), s.tick(view.id, at), scheduler().tick(view.id, at)]);
    await s.tick(view.id, at);
    expect(await db.job.findMany({ where: { scheduleId: view.id } })).toHaveLength(1);
    await s.tick(view.id, new Date("2026-12-02T03:00:00.000Z"));
    expect(await db.job.count({ where: { scheduleId: view.id } })).toBe(2);
    expect(await db.job.findFirst({ where: { idempotencyKey: tickKey("nightly", at) } })).not.toBeNull();
  });

  it("reloads persisted schedules at start, and skips disabled ones", async () => {
    const user = await jobUser();
    const creator = scheduler();
    const on = await creator.schedule(ticked, { name: "persisted-on", cron: "* * * * * *", payload: { report: "on" }, principal: user });
    const off = await creator.schedule(ticked, { name: "persisted-off", cron: "* * * * * *", payload: { report: "off" }, principal: user, enabled: false });
    const queue = testQueue([ticked]);
    await queue.start();
    const booted = scheduler(queue);
    await booted.start();
    await expect.poll(async () => db.job.count({ where: { scheduleId: on.id, status: "completed" } }), { timeout: 4000 }).toBeGreaterThan(0);
    expect(await db.job.count({ where: { scheduleId: off.id } })).toBe(0);
    expect(await booted.get(on.id)).toMatchObject({ enabled: true, jobName: "test-ticked" });
    expect((await booted.get(on.id)).nextRunAt).toBeInstanceOf(Date);
  });

  it("refuses bad cron patterns, bad payloads and duplicate names", async () => {
    const user = await jobUser();
    const s = scheduler();
    for (const cron of ["", "not a cron", "* * *", "61 * * * *", "*/0 * * * *"]) {
      await expect(s.schedule(ticked, { name: `bad-${cron}`, cron, payload: { report: "x" }, principal: user })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    }
    await expect(s.schedule(ticked, { cron: "@daily", payload: { report: 1 } as never, principal: user })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await s.schedule(ticked, { name: "dup", cron: "@daily", payload: { report: "x" }, principal: user });
    await expect(s.schedule(ticked, { name: "dup", cron: "@hourly", payload: { report: "x" }, principal: user })).rejects.toMatchObject({ code: "CONFLICT" });
    const unknown = defineJob({ name: "not-registered", payloadSchema: z.object({}), run: async () => null });
    await expect(s.schedule(unknown, { cron: "@daily", payload: {}, principal: user })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db.jobSchedule.count({ where: { OR: [{ name: { startsWith: "bad-" } }, { name: "dup" }, { jobName: "not-registered" }] } })).toBe(1);
  });

  it("names a tick by its slot, not by when the timer fired", () => {
    const everyFive = new Cron("*/5 * * * * *", { paused: true });
    expect(tickTime(everyFive, new Date("2026-12-01T10:00:05.004Z")).toISOString()).toBe("2026-12-01T10:00:05.000Z");
    expect(tickTime(everyFive, new Date("2026-12-01T10:00:06.900Z")).toISOString()).toBe("2026-12-01T10:00:05.000Z");
    const hourly = new Cron("0 * * * *", { paused: true });
    expect(tickTime(hourly, new Date("2026-12-01T10:00:01.200Z")).toISOString()).toBe("2026-12-01T10:00:00.000Z");
  });
});
