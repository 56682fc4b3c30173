import { beforeAll, describe, expect, it } from "vitest";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * QueryBase's real frontend (its `api-client.ts`, written against QueryBase's own
 * backend), replayed call by call as Quarry fixtures. Each call is checked twice: the
 * way the real client reads the answer, and the way the QueryBase document promises it.
 */
let admin: Awaited<ReturnType<typeof signedInUser>>;
let analyst: Awaited<ReturnType<typeof signedInUser>>;
let dsId: string;

beforeAll(async () => {
  admin = await signedInUser("admin");
  analyst = await signedInUser("analyst");
  const created = await rest("POST", "/datasources", {
    token: admin.token,
    body: { name: `qb-contract-${Date.now()}`, type: "sqlite", database_name: demoDatabaseFile() },
  });
  expect(created.status).toBe(201);
  dsId = created.body.id;
  await grant(analyst.user.id, dsId, { canRead: true, canWrite: true });
});

describe("QueryBase lists: `data` and the real client's key side by side", () => {
  it("GET /datasources answers data and data_sources", async () => {
    const res = await rest("GET", "/datasources", { token: analyst.token });
    expect(res.status).toBe(200);
    // Real client: response.data.data_sources
    expect(res.body.data_sources.map((d: { id: string }) => d.id)).toContain(dsId);
    // Document: data
    expect(res.body.data).toEqual(res.body.data_sources);
  });

  it("GET /groups answers data and groups", async () => {
    const res = await rest("GET", "/groups", { token: admin.token });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.groups)).toBe(true);
    expect(res.body.groups.length).toBeGreaterThan(0);
    expect(res.body.data).toEqual(res.body.groups);
  });

  it("GET /approvals answers data and approvals, each with requester_id and requester_name", async () => {
    const write = await rest("POST", "/queries", {
      token: analyst.token,
      body: { data_source_id: dsId, query_text: "UPDATE products SET stock = stock + 1 WHERE id = 1" },
    });
    expect(write.status).toBe(202);
    const res = await rest("GET", "/approvals?status=pending&page=1", { token: analyst.token });
    expect(res.status).toBe(200);
    const mine = res.body.approvals.find((a: { id: string }) => a.id === write.body.approval_id);
    expect(mine).toMatchObject({ requester_id: analyst.user.id, requester_name: "Test analyst", data_source_id: dsId, status: "pending" });
    expect(res.body.data).toEqual(res.body.approvals);
    expect(res.body.pagination).toMatchObject({ page: 1 });
    expect(mine.requested_by).toMatchObject({ id: analyst.user.id });
  });
});

describe("QueryBase results: columns read as names or as {name, type}", () => {
  let queryId: string;
  beforeAll(async () => {
    const run = await rest("POST", "/queries", {
      token: analyst.token,
      body: { data_source_id: dsId, query_text: "SELECT id, name, unit_price FROM products" },
    });
    expect(run.status).toBe(200);
    queryId = run.body.id;
  });

  it("POST /queries keeps the document's names, with the objects in column_types", async () => {
    const run = await rest("POST", "/queries", {
      token: analyst.token,
      body: { data_source_id: dsId, query_text: "SELECT id, name FROM products LIMIT 2" },
    });
    expect(run.body.columns).toEqual(["id", "name"]);
    expect(run.body.column_types.map((c: { name: string }) => c.name)).toEqual(["id", "name"]);
    const objects = await rest("POST", "/queries", {
      token: analyst.token,
      body: { data_source_id: dsId, query_text: "SELECT id, name FROM products LIMIT 2", column_format: "objects" },
    });
    expect(objects.body.columns.map((c: { name: string }) => c.name)).toEqual(["id", "name"]);
    expect(objects.body.columns[0]).toHaveProperty("type");
  });

  it("the real client's paging (per_page, sort_column, sort_direction) gets objects, metadata and a server-side sort", async () => {
    const res = await rest("GET", `/queries/${queryId}/results?page=1&per_page=5&sort_column=unit_price&sort_direction=desc`, { token: analyst.token });
    expect(res.status).toBe(200);
    // Real client: columns.map(c => c.name), metadata.*
    expect(res.body.columns.map((c: { name: string }) => c.name)).toEqual(["id", "name", "unit_price"]);
    expect(res.body.columns.every((c: { type: unknown }) => typeof c.type === "string")).toBe(true);
    expect(res.body.data).toHaveLength(5);
    expect(res.body.metadata).toMatchObject({ page: 1, per_page: 5, has_prev: false, sort_column: "unit_price", sort_direction: "desc" });
    expect(res.body.metadata.total_rows).toBeGreaterThan(5);
    expect(res.body.metadata.has_next).toBe(true);
    // The sort ran over every stored row: page 1 holds the true maximum.
    const all = await rest("GET", `/queries/${queryId}/results?page_size=1000`, { token: analyst.token });
    expect(all.body.data.length).toBe(res.body.metadata.total_rows);
    const max = Math.max(...all.body.data.map((r: { unit_price: number }) => r.unit_price));
    expect(res.body.data[0].unit_price).toBe(max);
    const prices = res.body.data.map((r: { unit_price: number }) => r.unit_price);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    expect(res.headers.get("x-page-size")).toBe("5");
  });

  it("the document's paging (page_size, sort_by, sort_order) gets names and pagination", async () => {
    const res = await rest("GET", `/queries/${queryId}/results?page=2&page_size=3&sort_by=id&sort_order=asc`, { token: analyst.token });
    expect(res.status).toBe(200);
    // Document reader: columns are strings, rows are keyed by them.
    expect(res.body.columns).toEqual(["id", "name", "unit_price"]);
    for (const row of res.body.data) for (const column of res.body.columns) expect(row).toHaveProperty(column);
    expect(res.body.data.map((r: { id: number }) => r.id)).toEqual([4, 5, 6]);
    expect(res.body.pagination).toMatchObject({ page: 2, page_size: 3 });
    expect(res.body.metadata).toMatchObject({ page: 2, per_page: 3, has_prev: true });
    // An explicit choice wins over the guess.
    const named = await rest("GET", `/queries/${queryId}/results?per_page=3&column_format=names`, { token: analyst.token });
    expect(named.body.columns).toEqual(["id", "name", "unit_price"]);
  });

  it("an unknown sort column is a 422 naming the field, not a silent unsorted page", async () => {
    const res = await rest("GET", `/queries/${queryId}/results?sort_column=nope`, { token: analyst.token });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("validation failed");
  });
});

describe("QueryBase schema: the document's `schema` list and the real client's `{tables}`", () => {
  it("GET /datasources/:id/schema offers both readings", async () => {
    const res = await rest("GET", `/datasources/${dsId}/schema`, { token: analyst.token });
    expect(res.status).toBe(200);
    // Document: schema[].table_name, columns[].name/type/nullable/primary_key
    const products = res.body.schema.find((t: { table_name: string }) => t.table_name === "products");
    expect(products.columns.find((c: { name: string }) => c.name === "id")).toMatchObject({ type: expect.any(String), primary_key: true, nullable: expect.any(Boolean) });
    // Real client: response.data.schema is a DatabaseSchema read as .tables[] with column_name/data_type/...
    expect(res.body.tables).toEqual(res.body.schema);
    const categoryId = products.columns.find((c: { column_name: string }) => c.column_name === "category_id");
    expect(categoryId).toMatchObject({ data_type: expect.any(String), is_nullable: false, is_primary_key: false, is_foreign_key: true });
    expect(res.body).toMatchObject({ data_source_id: dsId, database_type: "sqlite" });
  });
});

describe("QueryBase roles: an analyst is spelled `user`", () => {
  it("a user created with role user reads back as user on /auth/users, while /admin/users keeps analyst", async () => {
    const email = `qb-role-${Date.now()}@example.test`;
    const created = await rest("POST", "/auth/users", {
      token: admin.token,
      body: { email, username: `qbrole${Date.now()}`, password: "correct-horse-9", full_name: "QB Role", role: "user" },
    });
    expect(created.status).toBe(201);
    expect(created.body.role).toBe("user");
    expect((await rest("GET", `/auth/users/${created.body.id}`, { token: admin.token })).body.role).toBe("user");
    const listed = await rest("GET", `/auth/users?search=${encodeURIComponent(email)}`, { token: admin.token });
    expect(listed.body.data[0].role).toBe("user");
    const updated = await rest("PUT", `/auth/users/${created.body.id}`, { token: admin.token, body: { role: "user", full_name: "QB Role 2" } });
    expect(updated.body.role).toBe("user");
    // The other documents keep their own spelling of the same user.
    const other = await rest("GET", `/admin/users?search=${encodeURIComponent(email)}`, { token: admin.token });
    expect(other.body.users[0].role).toBe("analyst");
  });
});
