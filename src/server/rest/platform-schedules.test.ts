import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startJobs, stopJobs } from "@/server/jobs";
import { rest, signedInUser } from "@/test/rest-client";

beforeAll(() => startJobs());
afterAll(() => stopJobs(200));

describe("REST /schedules", () => {
  it("creates from the document's frequency/day/time, lists, pauses, shows runs and deletes; strangers get 404", async () => {
    const u = await signedInUser("analyst");
    const other = await signedInUser("analyst");
    const saved = await rest("POST", "/saved-queries", { token: u.token, body: { title: "Weekly", sql: "SELECT 1 AS one" } });
    expect(saved.status).toBe(201);

    const bad = await rest("POST", "/schedules", { token: u.token, body: { query_id: saved.body.id, frequency: "weekly", day_of_week: "funday", time: "09:00" } });
    expect(bad.status).toBe(422);
    expect((await rest("POST", "/schedules", { token: u.token, body: { query_id: saved.body.id } })).status).toBe(422);

    const created = await rest("POST", "/schedules", {
      token: u.token,
      body: { query_id: saved.body.id, frequency: "weekly", day_of_week: "monday", time: "09:00", notify_emails: ["user@example.com"], timezone: "Europe/Berlin" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ cron: "0 9 * * 1", frequency: "weekly", day_of_week: "monday", time: "09:00", active: true, notify_emails: ["user@example.com"] });
    expect(new Date(created.body.next_run_at).getTime()).toBeGreaterThan(Date.now());
    const id = created.body.id as string;

    expect((await rest("GET", "/schedules", { token: u.token })).body.schedules.map((s: { id: string }) => s.id)).toContain(id);
    expect((await rest("GET", "/schedules", { token: other.token })).body.schedules).toEqual([]);
    expect((await rest("POST", "/schedules", { token: other.token, body: { query_id: saved.body.id, frequency: "daily" } })).status).toBe(404);

    const paused = await rest("PUT", `/schedules/${id}`, { token: u.token, body: { active: false } });
    expect(paused.body).toMatchObject({ active: false, next_run_at: null });
    expect((await rest("PUT", `/schedules/${id}`, { token: other.token, body: { active: true } })).status).toBe(404);
    expect((await rest("GET", `/schedules/${id}/runs`, { token: u.token })).body.runs).toEqual([]);
    expect((await rest("DELETE", `/schedules/${id}`, { token: u.token })).status).toBe(200);
    expect((await rest("DELETE", `/schedules/${id}`, { token: u.token })).status).toBe(404);
  });
});
