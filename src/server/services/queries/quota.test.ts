import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { db } from "@/server/db";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { dailyQuota } from "./quota";

describe("daily query quotas", () => {
  it("follow the tiers, overridable per role", () => {
    expect(dailyQuota("viewer")).toBe(100);
    expect(dailyQuota("analyst")).toBe(0);
    process.env.QUARRY_DAILY_QUERY_QUOTAS = "analyst=2";
    resetConfigForTests();
    expect(dailyQuota("analyst")).toBe(2);
  });

  it("answer 429 once the day's quota is used, in the route's format", async () => {
    process.env.QUARRY_DAILY_QUERY_QUOTAS = "analyst=2";
    resetConfigForTests();
    const analyst = await signedInUser("analyst");
    const ds = await db.dataSource.create({ data: { name: "quota", engine: "sqlite", database: demoDatabaseFile(0.01) } });
    await grant(analyst.user.id, ds.id, { canRead: true });
    const run = () => rest("POST", "/queries", { token: analyst.token, body: { data_source_id: ds.id, query_text: "SELECT 1 AS x" } });
    expect((await run()).status).toBe(200);
    expect((await run()).status).toBe(200);
    const third = await run();
    expect(third.status).toBe(429);
    expect(third.body.error).toBe("rate limit exceeded");
    expect(third.body.details).toMatch(/Daily query quota of 2/);
  });

  it("count runs written behind the response without waiting for them, and free the slot of a deleted run", async () => {
    process.env.QUARRY_DAILY_QUERY_QUOTAS = "analyst=2";
    resetConfigForTests();
    const analyst = await signedInUser("analyst");
    const ds = await db.dataSource.create({ data: { name: "quota-delete", engine: "sqlite", database: demoDatabaseFile(0.01) } });
    await grant(analyst.user.id, ds.id, { canRead: true });
    const run = () => rest("POST", "/queries", { token: analyst.token, body: { data_source_id: ds.id, query_text: "SELECT 1 AS x" } });
    const [first, second] = await Promise.all([run(), run()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await run()).status).toBe(429);
    const id = first.body.query_id ?? first.body.id;
    expect(typeof id).toBe("string");
    expect((await rest("DELETE", `/queries/${id}`, { token: analyst.token })).status).toBe(200);
    expect((await run()).status).toBe(200);
    expect((await run()).status).toBe(429);
  });
});
