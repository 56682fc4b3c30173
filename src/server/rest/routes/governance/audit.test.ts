import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { rest, signedInUser } from "@/test/rest-client";

let admin: Awaited<ReturnType<typeof signedInUser>>;
let other: Awaited<ReturnType<typeof signedInUser>>;

const entry = (action: string, createdAt: Date, extra: { userId?: string; resourceType?: string; outcome?: string } = {}) =>
  db.auditEntry.create({
    data: {
      action,
      createdAt,
      userId: extra.userId ?? null,
      resourceType: extra.resourceType ?? "test",
      outcome: extra.outcome ?? "success",
      details: JSON.stringify({ at: createdAt.toISOString() }),
    },
  });

beforeAll(async () => {
  admin = await signedInUser("admin");
  other = await signedInUser("analyst");
  await entry("dated_event", new Date("2024-01-10T12:00:00Z"), { userId: other.user.id });
  await entry("dated_event", new Date("2024-01-15T10:30:00Z"), { userId: other.user.id, resourceType: "query" });
  await entry("dated_event", new Date("2024-01-15T23:59:00Z"), { userId: admin.user.id, outcome: "failure" });
  await entry("dated_event", new Date("2024-01-20T08:00:00Z"), { userId: admin.user.id });
  for (let i = 0; i < 5; i++) await entry("paged_event", new Date(Date.UTC(2024, 5, 1, 0, i)));
});

const timestamps = (body: { logs: { timestamp: string }[] }) => body.logs.map((l) => l.timestamp);

describe("GET /audit-logs (InsightEngine)", () => {
  it("answers the documented shape, newest first", async () => {
    await rest("POST", "/groups", { token: admin.token, body: { name: "Audited" } });
    const res = await rest("GET", "/audit-logs?action=create_group", { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, page: 1 });
    expect(res.body.logs[0]).toMatchObject({
      user_id: admin.user.id,
      actor: admin.email,
      action: "create_group",
      resource_type: "group",
      outcome: "success",
      details: { name: "Audited" },
    });
    expect(res.body.logs[0].id).toBeTruthy();
    expect(Date.parse(res.body.logs[0].timestamp)).not.toBeNaN();

    const all = await rest("GET", "/audit-logs?action=dated_event", { token: admin.token });
    expect(timestamps(all.body)).toEqual([
      "2024-01-20T08:00:00.000Z",
      "2024-01-15T23:59:00.000Z",
      "2024-01-15T10:30:00.000Z",
      "2024-01-10T12:00:00.000Z",
    ]);
  });

  it("filters by user, resource type and outcome", async () => {
    const byUser = await rest("GET", `/audit-logs?action=dated_event&user_id=${other.user.id}`, { token: admin.token });
    expect(byUser.body.total).toBe(2);
    expect(byUser.body.logs.every((l: { user_id: string }) => l.user_id === other.user.id)).toBe(true);
    const logins = await rest("GET", `/audit-logs?user_id=${other.user.id}&action=login`, { token: admin.token });
    expect(logins.body.total).toBe(1);
    const byType = await rest("GET", "/audit-logs?action=dated_event&resource_type=query", { token: admin.token });
    expect(timestamps(byType.body)).toEqual(["2024-01-15T10:30:00.000Z"]);
    const failures = await rest("GET", "/audit-logs?action=dated_event&outcome=failure", { token: admin.token });
    expect(timestamps(failures.body)).toEqual(["2024-01-15T23:59:00.000Z"]);
  });

  it("filters by date range: bare dates cover the whole day, date-times are exact", async () => {
    const day = await rest("GET", "/audit-logs?action=dated_event&date_from=2024-01-15&date_to=2024-01-15", { token: admin.token });
    expect(timestamps(day.body)).toEqual(["2024-01-15T23:59:00.000Z", "2024-01-15T10:30:00.000Z"]);
    const from = await rest("GET", "/audit-logs?action=dated_event&date_from=2024-01-12", { token: admin.token });
    expect(from.body.total).toBe(3);
    const to = await rest("GET", "/audit-logs?action=dated_event&date_to=2024-01-15T12:00:00Z", { token: admin.token });
    expect(timestamps(to.body)).toEqual(["2024-01-15T10:30:00.000Z", "2024-01-10T12:00:00.000Z"]);
    const bad = await rest("GET", "/audit-logs?date_from=yesterday", { token: admin.token });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: "date_from" })]);
    expect((await rest("GET", "/audit-logs?outcome=maybe", { token: admin.token })).status).toBe(422);
  });

  it("paginates with page + limit or page_size and sends the paging headers", async () => {
    const page2 = await rest("GET", "/audit-logs?action=paged_event&page=2&limit=2", { token: admin.token });
    expect(page2.body).toMatchObject({ total: 5, page: 2, limit: 2 });
    expect(timestamps(page2.body)).toEqual(["2024-06-01T00:02:00.000Z", "2024-06-01T00:01:00.000Z"]);
    expect(page2.headers.get("x-total-count")).toBe("5");
    expect(page2.headers.get("x-page")).toBe("2");
    expect(page2.headers.get("x-page-size")).toBe("2");
    expect(page2.headers.get("x-total-pages")).toBe("3");
    const last = await rest("GET", "/audit-logs?action=paged_event&page=3&page_size=2", { token: admin.token });
    expect(timestamps(last.body)).toEqual(["2024-06-01T00:00:00.000Z"]);
    const beyond = await rest("GET", "/audit-logs?action=paged_event&page=9&limit=2", { token: admin.token });
    expect(beyond.body.logs).toEqual([]);
    expect(beyond.body.total).toBe(5);
  });

  it("is for admins only", async () => {
    const res = await rest("GET", "/audit-logs", { token: other.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
  });
});

describe("GET /admin/logs (Analytics Assistant)", () => {
  it("is the same audit trail with the same filters", async () => {
    const res = await rest("GET", "/admin/logs?action=dated_event&date_from=2024-01-15&date_to=2024-01-16&limit=1", { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, limit: 1 });
    expect(timestamps(res.body)).toEqual(["2024-01-15T23:59:00.000Z"]);
    expect(res.headers.get("x-total-pages")).toBe("2");
  });
});
