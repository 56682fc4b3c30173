import { beforeAll, describe, expect, it } from "vitest";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * ETL Builder's real frontend, replayed as Quarry fixtures: it lists connections as a
 * bare array (paging in the X-Total-* headers) and reads `success` from a connection
 * test; the document's fields stay beside them.
 */
let admin: Awaited<ReturnType<typeof signedInUser>>;
let engineer: Awaited<ReturnType<typeof signedInUser>>;
const ids: string[] = [];

beforeAll(async () => {
  admin = await signedInUser("admin");
  engineer = await signedInUser("developer");
  for (const name of ["etl-a", "etl-b", "etl-c"]) {
    const created = await rest("POST", "/connections", {
      token: admin.token,
      body: { name: `${name}-${Date.now()}`, type: "sqlite", description: "contract", config: { database: demoDatabaseFile() } },
    });
    expect(created.status).toBe(201);
    // Document: the created connection's id, name, type, status, last_tested_at.
    expect(created.body).toMatchObject({ type: "sqlite", status: "active", last_tested_at: null });
    ids.push(created.body.id);
    await grant(engineer.user.id, created.body.id, { canRead: true });
  }
});

describe("ETL Builder connections", () => {
  it("GET /connections is a bare array, paged by the X-Total-* headers", async () => {
    const res = await rest("GET", "/connections?page=1&page_size=2", { token: engineer.token });
    expect(res.status).toBe(200);
    // Real client: response.data.map(...)
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(2);
    expect(res.body[0]).toMatchObject({ id: expect.any(String), name: expect.any(String), type: "sqlite", config: { database: expect.any(String) } });
    // Paging: headers, for both readings.
    expect(res.headers.get("x-total-count")).toBe("3");
    expect(res.headers.get("x-page")).toBe("1");
    expect(res.headers.get("x-page-size")).toBe("2");
    expect(res.headers.get("x-total-pages")).toBe("2");
    const second = await rest("GET", "/connections?page=2&page_size=2", { token: engineer.token });
    expect(second.body).toHaveLength(1);
    expect(new Set([...res.body, ...second.body].map((c: { id: string }) => c.id))).toEqual(new Set(ids));
  });

  it("a connection test answers success beside the document's status", async () => {
    const ok = await rest("POST", `/connections/${ids[0]}/test`, { token: engineer.token });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, status: "success", message: "Connection successful", details: { latency_ms: expect.any(Number) } });
    // A server that is not there fails the test: success false, status failed.
    const broken = await rest("POST", "/connections", {
      token: admin.token,
      body: { name: `etl-broken-${Date.now()}`, type: "postgres", config: { host: "127.0.0.1", port: 1, database: "test", username: "postgres" } },
    });
    expect(broken.status).toBe(201);
    const failed = await rest("POST", `/connections/${broken.body.id}/test`, { token: admin.token });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ success: false, status: "failed", message: expect.any(String) });
  });

  it("an unknown connection is a 404 in ETL's error format", async () => {
    const res = await rest("GET", "/connections/nonexistent", { token: engineer.token });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ detail: expect.any(String), error_code: "NOT_FOUND", timestamp: expect.any(String) });
  });
});
