import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { db } from "@/server/db";
import { startJobs, stopJobs } from "@/server/jobs";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { userPrincipal, type Principal } from "@/server/services/principal";
import { createSavedQuery } from "@/server/services/saved-queries";
import { createWebhook } from "@/server/services/webhooks";
import { grant } from "@/test/fixtures";
import { loopbackReceiver } from "@/test/receiver";
import { loopbackSmtp } from "@/test/smtp";
import { cronOf } from "./cron";
import { createSchedule, deleteSchedule, getSchedule, listScheduleRuns, listSchedules, updateSchedule } from "./index";

let owner: Principal;
let ownerEmail = "";
let dataSourceId = "";
let smtp: Awaited<ReturnType<typeof loopbackSmtp>>;

beforeAll(async () => {
  smtp = await loopbackSmtp();
  process.env.QUARRY_SMTP_URL = smtp.url;
  process.env.QUARRY_WEBHOOK_ALLOW_PRIVATE = "true";
  process.env.QUARRY_SCHEDULE_MAX_FAILURES = "2";
  resetConfigForTests();
  const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-sched-")), "t.sqlite");
  const sqlite = new Database(file);
  sqlite.exec("CREATE TABLE sales (region TEXT, amount REAL); INSERT INTO sales VALUES ('north', 10), ('south', 20.5);");
  sqlite.close();
  dataSourceId = (await db.dataSource.create({ data: { name: `sched-${Date.now()}`, engine: "sqlite", database: file } })).id;
  const u = await createUser({ email: `sched-${Date.now()}@example.test`, password: "correct-horse-9", role: "analyst" });
  ownerEmail = u.email;
  await grant(u.id, dataSourceId, { canRead: true });
  owner = userPrincipal(toSessionUser(u));
  await startJobs();
});

afterAll(async () => {
  await stopJobs(500);
  await smtp.close();
  for (const k of ["QUARRY_SMTP_URL", "QUARRY_WEBHOOK_ALLOW_PRIVATE", "QUARRY_SCHEDULE_MAX_FAILURES"]) delete process.env[k];
  resetConfigForTests();
});

const user = () => (owner.kind === "user" ? owner.user : (null as never));

describe("schedule specs", () => {
  it("turns frequency/day/time into cron and refuses bad ones", () => {
    expect(cronOf({ frequency: "weekly", dayOfWeek: "monday", time: "09:00" })).toBe("0 9 * * 1");
    expect(cronOf({ frequency: "daily", time: "18:30" })).toBe("30 18 * * *");
    expect(cronOf({ frequency: "hourly", time: "00:15" })).toBe("15 * * * *");
    expect(cronOf({ frequency: "monthly", dayOfMonth: 3, time: "07:05" })).toBe("5 7 3 * *");
    expect(cronOf({ cron: "*/5 * * * *" })).toBe("*/5 * * * *");
    expect(() => cronOf({ frequency: "weekly", dayOfWeek: "someday" })).toThrow();
    expect(() => cronOf({ frequency: "daily", time: "25:00" })).toThrow();
    expect(() => cronOf({ cron: "not a cron" })).toThrow();
  });
});

describe("scheduled saved queries", () => {
  it("fire on a short cron as the owner, email the CSV to the loopback SMTP server and post a signed webhook", async () => {
    const receiver = await loopbackReceiver();
    const hook = await createWebhook(owner, { url: receiver.url, events: ["schedule.run"] });
    const saved = await createSavedQuery(userPrincipal(user()), { title: "Sales by region", sql: "SELECT region, amount FROM sales ORDER BY region", dataSourceId });
    const s = await createSchedule(owner, { savedQueryId: saved.id, cron: "* * * * * *", notifyEmails: ["team@example.test"], webhookId: hook.id });
    expect(s.nextRunAt).not.toBeNull();

    await expect.poll(() => smtp.messages.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await receiver.waitFor(1);
    await updateSchedule(owner, s.id, { active: false });

    const mail = smtp.messages[0]!;
    expect(mail.to).toEqual(["team@example.test"]);
    expect(mail.raw).toContain("Subject: Quarry: Sales by region");
    expect(mail.raw).toMatch(/filename="?sales-by-region\.csv/);
    // The attachment is base64 or plain: either way it decodes to the CSV.
    const attachment = mail.raw.slice(mail.raw.lastIndexOf("sales-by-region.csv"));
    const b64 = /\r?\n\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n--/.exec(attachment)?.[1];
    const csv = b64 ? Buffer.from(b64.replace(/\s+/g, ""), "base64").toString("utf8") : mail.raw;
    expect(csv).toContain("region,amount");
    expect(csv).toContain("south,20.5");

    const got = receiver.received[0]!;
    // The schedule's own webhook gets the run's rows, signed with the webhook's secret.
    const signed = receiver.received.find((r) => JSON.parse(r.body).data?.rows) ?? got;
    const expected = `sha256=${createHmac("sha256", hook.secret).update(`${signed.headers["x-quarry-timestamp"]}.${signed.body}`).digest("hex")}`;
    expect(signed.headers["x-quarry-signature"]).toBe(expected);
    expect(JSON.parse(signed.body)).toMatchObject({ event: "schedule.run", data: { saved_query_id: saved.id, row_count: 2, rows: [{ region: "north" }, { region: "south" }] } });

    const runs = await listScheduleRuns(owner, s.id);
    expect(runs[runs.length - 1]).toMatchObject({ status: "succeeded", rowCount: 2 });
    expect((await listSchedules(owner)).map((x) => x.id)).toContain(s.id);
    await deleteSchedule(owner, s.id);
    await receiver.close();
  });

  it("counts failures, pauses after N in a row and emails the owner", async () => {
    const before = smtp.messages.length;
    const saved = await createSavedQuery(userPrincipal(user()), { title: "Broken", sql: "SELECT * FROM no_such_table", dataSourceId });
    const s = await createSchedule(owner, { savedQueryId: saved.id, cron: "* * * * * *" });
    await expect.poll(async () => (await getSchedule(owner, s.id)).active, { timeout: 15_000 }).toBe(false);
    const paused = await getSchedule(owner, s.id);
    expect(paused.failureCount).toBe(2);
    expect(paused.pausedReason).toMatch(/Paused after 2 failed runs/);
    const runs = await listScheduleRuns(owner, s.id);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((r) => r.status === "failed" && /no_such_table|no such table/i.test(r.error ?? ""))).toBe(true);
    await expect.poll(() => smtp.messages.slice(before).some((m) => m.to.includes(ownerEmail) && m.raw.includes("a schedule was paused")), { timeout: 5000 }).toBe(true);
    // No run after the pause.
    const count = runs.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await listScheduleRuns(owner, s.id)).length).toBe(count);
    // Resuming starts the count again.
    const resumed = await updateSchedule(owner, s.id, { active: true, cron: "0 0 1 1 *" });
    expect(resumed).toMatchObject({ active: true, failureCount: 0, pausedReason: null });
    await deleteSchedule(owner, s.id);
  });

  it("refuses a saved query the owner cannot read and bad emails", async () => {
    const stranger = userPrincipal(toSessionUser(await createUser({ email: `st-${Date.now()}@example.test`, password: "correct-horse-9", role: "analyst" })));
    const saved = await createSavedQuery(userPrincipal(user()), { title: "Mine", sql: "SELECT 1", dataSourceId });
    await expect(createSchedule(stranger, { savedQueryId: saved.id, frequency: "daily" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createSchedule(owner, { savedQueryId: saved.id, frequency: "daily", notifyEmails: ["not-an-email"] })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
  });
});
