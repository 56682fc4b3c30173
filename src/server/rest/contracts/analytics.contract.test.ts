import { beforeAll, describe, expect, it } from "vitest";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * The Analytics Assistant's and InsightEngine's real frontends, replayed as Quarry
 * fixtures: they name the data source `connection_id` and show `detail` from errors.
 * An id that was given but does not exist is 404, never the default data source.
 */
let admin: Awaited<ReturnType<typeof signedInUser>>;
let analyst: Awaited<ReturnType<typeof signedInUser>>;
let first: string;
let second: string;

beforeAll(async () => {
  admin = await signedInUser("admin");
  analyst = await signedInUser("analyst");
  const make = async (name: string) => {
    const res = await rest("POST", "/databases", { token: admin.token, body: { name: `${name}-${Date.now()}`, type: "sqlite", database: demoDatabaseFile() } });
    expect(res.status).toBe(201);
    await grant(analyst.user.id, res.body.id, { canRead: true });
    return res.body.id as string;
  };
  first = await make("aa-first");
  second = await make("aa-second");
});

const expectNotFound = (res: { status: number; body: any }) => {
  expect(res.status).toBe(404);
  // Real client: error.response.data.detail; document: error.code / error.message.
  expect(res.body.detail).toEqual(expect.any(String));
  expect(res.body.error).toMatchObject({ code: "NOT_FOUND", message: res.body.detail });
};

describe("connection_id names the data source wherever one is chosen", () => {
  it("GET /schema*, with connection_id, answers that source", async () => {
    for (const id of [first, second]) {
      const schema = await rest("GET", `/schema?connection_id=${id}`, { token: analyst.token });
      expect(schema.status).toBe(200);
      expect(schema.body.database_id).toBe(id);
      expect(schema.body.tables.map((t: { name: string }) => t.name)).toContain("products");
      const tables = await rest("GET", `/schema/tables?connection_id=${id}`, { token: analyst.token });
      expect(tables.body.database_id).toBe(id);
      const table = await rest("GET", `/schema/tables/products?connection_id=${id}`, { token: analyst.token });
      expect(table.body).toMatchObject({ database_id: id, name: "products" });
      const rel = await rest("GET", `/schema/relationships?connection_id=${id}`, { token: analyst.token });
      expect(rel.body.database_id).toBe(id);
    }
  });

  it("an unknown connection_id is 404 on /schema*, /query and /query/validate, never the default source", async () => {
    for (const path of ["/schema", "/schema/tables", "/schema/tables/products", "/schema/relationships"]) {
      expectNotFound(await rest("GET", `${path}?connection_id=nonexistent`, { token: analyst.token }));
    }
    expectNotFound(await rest("POST", "/query", { token: analyst.token, body: { sql: "SELECT 1", connection_id: "nonexistent" } }));
    expectNotFound(await rest("POST", "/query/validate", { token: analyst.token, body: { sql: "SELECT 1", connection_id: "nonexistent" } }));
    expectNotFound(await rest("POST", "/queries/execute", { token: analyst.token, body: { sql: "SELECT 1", connection_id: "nonexistent" } }));
    expectNotFound(await rest("POST", "/queries/validate", { token: analyst.token, body: { sql: "SELECT 1", connection_id: "nonexistent" } }));
    // A source that exists but the caller may not read is the same 404.
    const hidden = await rest("POST", "/databases", { token: admin.token, body: { name: `aa-hidden-${Date.now()}`, type: "sqlite", database: demoDatabaseFile() } });
    expectNotFound(await rest("GET", `/schema?connection_id=${hidden.body.id}`, { token: analyst.token }));
  });

  it("POST /query with connection_id runs on that source", async () => {
    const res = await rest("POST", "/query", { token: analyst.token, body: { sql: "SELECT COUNT(*) AS n FROM products", connection_id: second } });
    expect(res.status).toBe(200);
    const run = await rest("GET", `/queries/${res.body.query_id}`, { token: analyst.token });
    expect(run.body.data_source_id).toBe(second);
  });

  it("two spellings naming different sources are a 422, not a guess", async () => {
    const res = await rest("GET", `/schema?database_id=${first}&connection_id=${second}`, { token: analyst.token });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual(expect.any(String));
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: "connection_id" })]);
    // The same id twice is fine.
    expect((await rest("GET", `/schema?database_id=${first}&connection_id=${first}`, { token: analyst.token })).status).toBe(200);
  });
});

describe("InsightEngine / Analytics error shape", () => {
  it("carries detail beside error.code/message on every status", async () => {
    const unauthenticated = await rest("GET", "/schema");
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body).toMatchObject({ detail: expect.any(String), error: { code: expect.any(String), message: unauthenticated.body.detail } });
    const invalid = await rest("POST", "/queries/execute", { token: analyst.token, body: { mode: "nope" } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.detail).toEqual(invalid.body.error.message);
    const missing = await rest("GET", "/schema/tables/no_such_table", { token: analyst.token });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toEqual(expect.stringContaining("no_such_table"));
  });
});
