import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

let admin: Awaited<ReturnType<typeof signedInUser>>;
let analyst: Awaited<ReturnType<typeof signedInUser>>;
let outsider: Awaited<ReturnType<typeof signedInUser>>;
let dsId: string;

beforeAll(async () => {
  admin = await signedInUser("admin");
  analyst = await signedInUser("analyst");
  outsider = await signedInUser("analyst");
  const created = await rest("POST", "/datasources", {
    token: admin.token,
    body: { name: "Retail", type: "sqlite", database_name: demoDatabaseFile() },
  });
  expect(created.status).toBe(201);
  dsId = created.body.id;
  await grant(analyst.user.id, dsId, { canRead: true });
});

describe("data sources under three names", () => {
  it("are one entity in /datasources, /databases and /connections", async () => {
    const qb = await rest("GET", `/datasources/${dsId}`, { token: admin.token });
    expect(qb.body).toMatchObject({ id: dsId, name: "Retail", type: "sqlite" });
    const ie = await rest("GET", `/databases/${dsId}`, { token: admin.token });
    expect(ie.body).toMatchObject({ id: dsId, name: "Retail", type: "sqlite" });
    const etl = await rest("GET", `/connections/${dsId}`, { token: admin.token });
    expect(etl.body).toMatchObject({ id: dsId, name: "Retail", type: "sqlite", status: "active" });
  });

  it("accept every documented type spelling and never return the password", async () => {
    for (const [path, body] of [
      ["/datasources", { name: "pg-a", type: "postgresql", host: "127.0.0.1", database_name: "test", username: "u", password: "hunter2-secret" }],
      ["/databases", { name: "pg-b", type: "postgres", host: "127.0.0.1", database: "test", username: "u", password: "hunter2-secret" }],
      ["/connections", { name: "my-c", type: "mariadb", config: { host: "127.0.0.1", database: "test", username: "u", password: "hunter2-secret" } }],
    ] as const) {
      const res = await rest("POST", path, { token: admin.token, body });
      expect(res.status).toBe(201);
      expect(JSON.stringify(res.body)).not.toContain("hunter2");
      const again = await rest("GET", `/datasources/${res.body.id}`, { token: admin.token });
      expect(JSON.stringify(again.body)).not.toContain("hunter2");
      const row = await db.dataSource.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(row.encryptedSecret).toBeTruthy();
      expect(row.encryptedSecret).not.toContain("hunter2");
    }
  });

  it("are created by admins only, with 422 for bad input and 409 for a taken name", async () => {
    const body = { name: "x", type: "sqlite", database_name: "/nope.sqlite" };
    expect((await rest("POST", "/datasources", { token: analyst.token, body })).status).toBe(403);
    const bad = await rest("POST", "/datasources", { token: admin.token, body: { name: "x", type: "oracle", database_name: "d" } });
    expect(bad.status).toBe(422);
    expect(bad.body.details.field).toBe("type");
    const missing = await rest("POST", "/datasources", { token: admin.token, body });
    expect(missing.status).toBe(422);
    const dup = await rest("POST", "/datasources", { token: admin.token, body: { name: "Retail", type: "sqlite", database_name: (await db.dataSource.findUniqueOrThrow({ where: { id: dsId } })).database } });
    expect(dup.status).toBe(409);
  });

  it("are listed only where a group grants access", async () => {
    const mine = await rest("GET", "/datasources", { token: analyst.token });
    expect(mine.body.data.map((d: { id: string }) => d.id)).toEqual([dsId]);
    expect(mine.body.data[0].permissions).toEqual({ can_read: true, can_write: false, can_approve: false });
    expect((await rest("GET", "/datasources", { token: outsider.token })).body.data).toEqual([]);
    expect((await rest("GET", `/datasources/${dsId}`, { token: outsider.token })).status).toBe(404);
    expect((await rest("GET", "/connections", { token: outsider.token })).body).toEqual([]);
  });

  it("test their connection and report health", async () => {
    const test = await rest("POST", `/datasources/${dsId}/test`, { token: analyst.token });
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ success: true });
    expect(test.body.latency_ms).toBeGreaterThanOrEqual(0);
    const etl = await rest("POST", `/connections/${dsId}/test`, { token: analyst.token });
    expect(etl.body).toMatchObject({ status: "success", details: { version: expect.stringMatching(/\d/) } });
    const health = await rest("GET", `/datasources/${dsId}/health`, { token: analyst.token });
    expect(health.body).toMatchObject({ data_source_id: dsId, status: "healthy", error: null });
  });

  it("report a failed connection as 400 with the reason, not a 500", async () => {
    const created = await rest("POST", "/datasources", {
      token: admin.token,
      body: { name: "dead", type: "postgresql", host: "127.0.0.1", port: 1, database_name: "x", username: "u", password: "p" },
    });
    const res = await rest("POST", `/datasources/${created.body.id}/test`, { token: admin.token });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    const insight = await rest("POST", `/databases/${created.body.id}/test-connection`, { token: admin.token });
    expect(insight.body.success).toBe(false);
  });

  it("introspect the schema with keys and relationships", async () => {
    const schema = await rest("GET", `/datasources/${dsId}/schema`, { token: analyst.token });
    expect(schema.status).toBe(200);
    const orders = schema.body.schema.find((t: { table_name: string }) => t.table_name === "orders");
    expect(orders.columns.find((c: { name: string }) => c.name === "id").primary_key).toBe(true);
    expect(schema.body.last_synced).toBeTruthy();
    const rel = await rest("GET", `/schema/relationships?database_id=${dsId}`, { token: analyst.token });
    expect(rel.body.relationships).toContainEqual(expect.objectContaining({ from_table: "orders", to_table: "customers" }));
    const table = await rest("GET", `/schema/tables/customers?database_id=${dsId}`, { token: analyst.token });
    expect(table.body.columns.map((c: { name: string }) => c.name)).toContain("email");
    expect((await rest("GET", `/schema/tables/nope?database_id=${dsId}`, { token: analyst.token })).status).toBe(404);
    expect((await rest("GET", `/schema?database_id=${dsId}`, { token: outsider.token })).status).toBe(404);
  });
});

describe("running queries", () => {
  it("returns typed rows through every spelling", async () => {
    const qb = await rest("POST", "/queries", {
      token: analyst.token,
      body: { data_source_id: dsId, query_text: "SELECT id, email FROM customers ORDER BY id LIMIT 3" },
    });
    expect(qb.status).toBe(200);
    expect(qb.body).toMatchObject({ status: "completed", row_count: 3, columns: ["id", "email"] });
    expect(typeof qb.body.data[0].id).toBe("number");
    const ie = await rest("POST", "/queries/execute", {
      token: analyst.token,
      body: { mode: "sql", input: "SELECT count(*) AS n FROM orders", database_id: dsId },
    });
    expect(ie.body).toMatchObject({ status: "completed", rows_returned: 1 });
    expect(ie.body.results[0].n).toBeGreaterThan(100);
    const aa = await rest("POST", "/query", { token: analyst.token, body: { sql: "SELECT 1 AS one", database_id: dsId } });
    expect(aa.body.results).toEqual([{ one: 1 }]);
  });

  it("masks personal columns for readers, in results and exports, not for writers", async () => {
    const sql = "SELECT id, email, city FROM customers ORDER BY id LIMIT 2";
    const reader = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: dsId, query_text: sql } });
    const writer = await rest("POST", "/queries", { token: admin.token, body: { data_source_id: dsId, query_text: sql } });
    expect(writer.body.data[0].email).toMatch(/^[^*]+@/);
    expect(reader.body.data[0].email).toMatch(/^.\*\*\*@/);
    expect(reader.body.data[0].city).toBe(writer.body.data[0].city);
    const csv = await rest("POST", `/queries/${reader.body.id}/export`, { token: analyst.token, body: { format: "csv" } });
    expect(csv.body).not.toContain(writer.body.data[0].email);
    expect(csv.body).toContain("***@");
  });

  it("caps rows at the cursor and says it truncated", async () => {
    const res = await rest("POST", "/queries", {
      token: analyst.token,
      body: { data_source_id: dsId, query_text: "SELECT * FROM order_items", limit: 25 },
    });
    expect(res.body.row_count).toBe(25);
    expect(res.body.truncated).toBe(true);
  });

  it("refuses writes, transaction control and multi-statements; none changes data", async () => {
    const before = (await rest("POST", "/queries", { token: admin.token, body: { data_source_id: dsId, query_text: "SELECT count(*) AS n FROM customers" } })).body.data[0].n;
    for (const sql of [
      "DELETE FROM customers",
      "UPDATE customers SET email = 'x'",
      "BEGIN",
      "SELECT 1; DELETE FROM customers",
      "WITH d AS (DELETE FROM customers RETURNING *) SELECT * FROM d",
    ]) {
      const res = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: dsId, query_text: sql } });
      expect(res.status, sql).toBe(403);
      expect(res.body.error).toBe("forbidden");
    }
    const after = (await rest("POST", "/queries", { token: admin.token, body: { data_source_id: dsId, query_text: "SELECT count(*) AS n FROM customers" } })).body.data[0].n;
    expect(after).toBe(before);
  });

  it("answers syntax errors and missing tables with 400 and keeps working", async () => {
    const syntax = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: dsId, query_text: "SELEC id FROM customers" } });
    expect(syntax.status).toBe(400);
    const missing = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: dsId, query_text: "SELECT * FROM no_such_table" } });
    expect(missing.status).toBe(400);
    expect(missing.body.details).toMatch(/no_such_table/);
    const ok = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: dsId, query_text: "SELECT 2 AS two" } });
    expect(ok.status).toBe(200);
  });

  it("validates without running", async () => {
    const res = await rest("POST", "/queries/validate", { token: analyst.token, body: { sql: "SELECT * FROM customers", database_id: dsId } });
    expect(res.body).toMatchObject({ is_valid: true, errors: [] });
    expect(res.body.warnings).toContain("Missing LIMIT clause");
    const bad = await rest("POST", "/query/validate", { token: analyst.token, body: { sql: "SELEC 1", database_id: dsId } });
    expect(bad.body.is_valid).toBe(false);
    expect(bad.body.errors[0].message).toBeTruthy();
  });

  it("keeps history per user with paged, sorted results", async () => {
    const run = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: dsId, query_text: "SELECT id, unit_price FROM order_items LIMIT 40" } });
    const id = run.body.id;
    const page = await rest("GET", `/queries/${id}/results?page=2&page_size=10&sort_by=unit_price&sort_order=desc`, { token: analyst.token });
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(10);
    expect(page.body.pagination).toEqual({ page: 2, page_size: 10, total_pages: 4, total_rows: 40 });
    expect(page.headers.get("x-total-count")).toBe("40");
    const prices = page.body.data.map((r: { unit_price: number }) => r.unit_price);
    expect([...prices].sort((a, b) => b - a)).toEqual(prices);
    const list = await rest("GET", "/queries?page=1&page_size=5", { token: analyst.token });
    expect(list.body.data[0].id).toBe(id);
    expect((await rest("GET", `/queries/${id}`, { token: outsider.token })).status).toBe(404);
    expect((await rest("GET", "/query/history", { token: outsider.token })).body.history).toEqual([]);
    expect((await rest("DELETE", `/query/history/${id}`, { token: analyst.token })).status).toBe(200);
    expect((await rest("GET", `/queries/${id}`, { token: analyst.token })).status).toBe(404);
  });

  it("exports the full result as CSV and JSON", async () => {
    const run = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: dsId, query_text: "SELECT id, name FROM products ORDER BY id", limit: 5 } });
    const total = (await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: dsId, query_text: "SELECT count(*) AS n FROM products" } })).body.data[0].n;
    const csv = await rest("POST", `/queries/${run.body.id}/export`, { token: analyst.token, body: { format: "csv" } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (csv.body as string).trim().split("\n");
    expect(lines[0]).toBe("id,name");
    expect(lines).toHaveLength(total + 1);
    const json = await rest("POST", `/queries/${run.body.id}/export`, { token: analyst.token, body: { format: "json" } });
    expect(json.body).toHaveLength(total);
  });

  it("shares a snapshot that recipients see without access, with password and expiry", async () => {
    const run = await rest("POST", "/queries", { token: analyst.token, body: { data_source_id: dsId, query_text: "SELECT id FROM regions ORDER BY id" } });
    const link = await rest("POST", `/queries/${run.body.id}/share-link`, { token: analyst.token, body: { expiration_days: 1, password: "open-sesame" } });
    expect(link.status).toBe(201);
    expect(link.body.url).toMatch(/\/share\//);
    const { createCaller } = await import("@/server/routers/_app");
    const anonymous = createCaller({ session: null, sessionError: null, meta: { ip: "10.0.0.9" }, bearerToken: null });
    await expect(anonymous.shares.open({ id: link.body.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.shares.open({ id: link.body.id, password: "wrong-one" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const seen = await anonymous.shares.open({ id: link.body.id, password: "open-sesame" });
    expect(seen.rows).toEqual(run.body.data);
    await db.shareLink.update({ where: { id: link.body.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(anonymous.shares.open({ id: link.body.id, password: "open-sesame" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("saved queries", () => {
  it("create, search, version, diff, revert, share", async () => {
    const created = await rest("POST", "/saved-queries", {
      token: analyst.token,
      body: { title: "Top customers", description: "by revenue", sql: "SELECT 1", tags: ["Revenue", "q1"], database_id: dsId },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: "Top customers", tags: ["revenue", "q1"], version: 1 });
    const id = created.body.id;
    const updated = await rest("PUT", `/saved-queries/${id}`, { token: analyst.token, body: { sql: "SELECT 2" } });
    expect(updated.body.version).toBe(2);
    const found = await rest("GET", "/saved-queries?search=top&sort=title&page=1&limit=10", { token: analyst.token });
    expect(found.body.saved_queries.map((q: { id: string }) => q.id)).toContain(id);
    expect(found.headers.get("x-total-count")).toBeTruthy();

    const { createCaller } = await import("@/server/routers/_app");
    const { sessionFromBearer } = await import("@/server/services/auth/session");
    const caller = createCaller({ session: await sessionFromBearer(analyst.token), sessionError: null, meta: {}, bearerToken: analyst.token });
    const diff = await caller.savedQueries.diff({ id, from: 1, to: 2 });
    expect(diff.sqlDiff).toContain("-SELECT 1");
    expect(diff.sqlDiff).toContain("+SELECT 2");
    const reverted = await caller.savedQueries.revert({ id, version: 1 });
    expect(reverted).toMatchObject({ sql: "SELECT 1", version: 3 });

    expect((await rest("GET", `/saved-queries/${id}`, { token: outsider.token })).status).toBe(404);
    const shared = await rest("POST", `/saved-queries/${id}/share`, { token: analyst.token, body: { user_ids: [outsider.user.id], permission: "read" } });
    expect(shared.status).toBe(200);
    expect((await rest("GET", `/saved-queries/${id}`, { token: outsider.token })).body.permission).toBe("read");
    expect((await rest("PUT", `/saved-queries/${id}`, { token: outsider.token, body: { sql: "SELECT 3" } })).status).toBe(403);
    expect((await rest("DELETE", `/saved-queries/${id}`, { token: outsider.token })).status).toBe(403);
  });

  it("saves through QueryBase's /queries/save", async () => {
    const res = await rest("POST", "/queries/save", { token: analyst.token, body: { data_source_id: dsId, query_text: "SELECT 1", name: "One" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "One", query_text: "SELECT 1" });
  });
});
