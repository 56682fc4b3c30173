import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { startJobs, stopJobs } from "@/server/jobs";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { trpcAs } from "@/test/approval-safety";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * The data dictionary over REST (InsightEngine's /metadata routes) on a real demo
 * database: reading, editing, permissions, auto-guess as a job, schema changes, and
 * PII tags feeding masking.
 */
let dsId = "";
let file = "";
const u = {} as Record<"admin" | "writer" | "reader" | "outsider", Awaited<ReturnType<typeof signedInUser>>>;

async function poll(token: string, jobId: string) {
  for (let i = 0; i < 300; i++) {
    const res = await rest("GET", `/metadata/auto-guess/${jobId}`, { token });
    if (res.status !== 200 || ["completed", "failed", "cancelled"].includes(res.body.status)) return res;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("auto-guess did not end");
}

beforeAll(async () => {
  file = demoDatabaseFile(0.01);
  dsId = (await db.dataSource.create({ data: { name: `dict-${Math.random().toString(36).slice(2)}`, engine: "sqlite", database: file } })).id;
  u.admin = await signedInUser("admin");
  u.writer = await signedInUser("analyst");
  u.reader = await signedInUser("analyst");
  u.outsider = await signedInUser("analyst");
  await grant(u.writer.user.id, dsId, { canRead: true, canWrite: true });
  await grant(u.reader.user.id, dsId, { canRead: true });
  await startJobs();
});
afterAll(() => stopJobs(500));

describe("GET /metadata/tables", () => {
  it("lists every table of the named source with column and row counts", async () => {
    const res = await rest("GET", `/metadata/tables?database_id=${dsId}`, { token: u.reader.token });
    expect(res.status).toBe(200);
    const orders = res.body.tables.find((t: { name: string }) => t.name === "orders");
    expect(orders).toMatchObject({ name: "orders", columns_count: 8, state: "present" });
    expect(orders.row_count).toBeGreaterThan(0);
    expect(res.body.database_id).toBe(dsId);
  });

  it("answers 404 for an unknown or unreadable source (never a fallback)", async () => {
    expect((await rest("GET", "/metadata/tables?database_id=nope", { token: u.reader.token })).status).toBe(404);
    expect((await rest("GET", `/metadata/tables?connection_id=${dsId}`, { token: u.outsider.token })).status).toBe(404);
    const err = await rest("GET", `/metadata/tables/no_such_table?data_source_id=${dsId}`, { token: u.reader.token });
    expect(err.status).toBe(404);
    expect(err.body.error).toMatchObject({ code: "NOT_FOUND" });
  });

  it("shows a table's columns with keys, types and relationships", async () => {
    const res = await rest("GET", `/metadata/tables/orders?database_id=${dsId}`, { token: u.reader.token });
    expect(res.status).toBe(200);
    const customer = res.body.columns.find((c: { name: string }) => c.name === "customer_id");
    expect(customer).toMatchObject({ type: "INTEGER", nullable: false, foreign_key: { table: "customers", column: "id" } });
    expect(res.body.relationships).toEqual(expect.arrayContaining([expect.objectContaining({ direction: "incoming", table: "order_items" })]));
  });
});

describe("editing", () => {
  it("lets a writer set a column's alias, tags and synonyms, recording who and when", async () => {
    const res = await rest("PUT", `/metadata/columns/orders/total_amount?database_id=${dsId}`, {
      token: u.writer.token,
      body: { alias: "Order value", description: "What the customer paid", tags: ["measure"], synonyms: ["turnover"] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ alias: "Order value", tags: ["measure"], synonyms: ["turnover"], updated_by: u.writer.email, edited_fields: expect.arrayContaining(["alias", "tags"]) });
    const table = await rest("PUT", `/metadata/tables/orders?database_id=${dsId}`, { token: u.writer.token, body: { alias: "Sales orders", description: "One row per order" } });
    expect(table.body).toMatchObject({ alias: "Sales orders", description: "One row per order" });
  });

  it("refuses readers (403), unknown tags (422) and unknown columns (404)", async () => {
    const reader = await rest("PUT", `/metadata/columns/orders/status?database_id=${dsId}`, { token: u.reader.token, body: { alias: "x" } });
    expect(reader.status).toBe(403);
    const bad = await rest("PUT", `/metadata/columns/orders/status?database_id=${dsId}`, { token: u.writer.token, body: { tags: ["SECRET"] } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain("tags");
    expect((await rest("PUT", `/metadata/columns/orders/nope?database_id=${dsId}`, { token: u.writer.token, body: { alias: "x" } })).status).toBe(404);
  });
});

describe("dictionary.aliases (the editor's completion hints)", () => {
  it("lists the aliases and synonyms set above for readers, and hides the source from outsiders", async () => {
    const reader = await trpcAs(u.reader);
    const res = await reader.dictionary.aliases({ dataSourceId: dsId });
    expect(res.dataSourceId).toBe(dsId);
    expect(res.aliases).toEqual(expect.arrayContaining([
      { table: "orders", column: "total_amount", alias: "Order value", kind: "alias", description: "What the customer paid" },
      { table: "orders", column: "total_amount", alias: "turnover", kind: "synonym", description: "What the customer paid" },
      { table: "orders", column: null, alias: "Sales orders", kind: "alias", description: "One row per order" },
    ]));
    // only entries someone named: no empty aliases
    expect(res.aliases.every((a) => a.alias.trim() !== "")).toBe(true);
    const outsider = await trpcAs(u.outsider);
    await expect(outsider.dictionary.aliases({ dataSourceId: dsId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("auto-guess", () => {
  it("runs as a job with progress, tags PII from sampled values, and never overwrites a person's edit", async () => {
    const started = await rest("POST", "/metadata/auto-guess", { token: u.writer.token, body: { database_id: dsId, table_names: ["customers", "orders"] } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ job_id: expect.any(String), status: "processing" });
    const done = await poll(u.writer.token, started.body.job_id);
    expect(done.body.status).toBe("completed");
    expect(done.body.progress).toBe(100);
    const customers = done.body.results.tables.find((t: { name: string }) => t.name === "customers");
    expect(customers.piiColumns).toEqual(expect.arrayContaining(["email", "phone", "first_name", "last_name"]));
    expect(customers.piiColumns).not.toContain("segment");

    const detail = await rest("GET", `/metadata/tables/customers?database_id=${dsId}`, { token: u.reader.token });
    const email = detail.body.columns.find((c: { name: string }) => c.name === "email");
    expect(email.tags).toContain("PII");
    expect(email.proposals.find((p: { field: string }) => p.field === "tags").confidence).toBeGreaterThan(0.8);
    // samples of personal columns are stored masked
    expect(email.sample_values.length).toBeGreaterThan(0);
    for (const v of email.sample_values) expect(v).toMatch(/\*\*\*/);
    const segment = detail.body.columns.find((c: { name: string }) => c.name === "segment");
    expect(segment.sample_values.sort()).toEqual(["consumer", "corporate", "small_business"]);

    const orders = await rest("GET", `/metadata/tables/orders?database_id=${dsId}`, { token: u.reader.token });
    const total = orders.body.columns.find((c: { name: string }) => c.name === "total_amount");
    expect(total.alias).toBe("Order value"); // the person's alias stays
    expect(orders.body.alias).toBe("Sales orders");
  });

  it("is refused to readers and for unknown tables", async () => {
    expect((await rest("POST", "/metadata/auto-guess", { token: u.reader.token, body: { database_id: dsId } })).status).toBe(403);
    const bad = await rest("POST", "/metadata/auto-guess", { token: u.writer.token, body: { database_id: dsId, table_names: ["ghosts"] } });
    expect(bad.status).toBe(422);
  });
});

describe("PII tags feed masking", () => {
  it("masks a column for readers once the dictionary tags it PII", async () => {
    const sql = "SELECT city FROM customers ORDER BY id LIMIT 3";
    const before = await rest("POST", "/queries", { token: u.reader.token, body: { data_source_id: dsId, query_text: sql } });
    expect(before.status).toBe(200);
    expect(before.body.data[0].city).not.toMatch(/\*/);
    await rest("PUT", `/metadata/columns/customers/city?database_id=${dsId}`, { token: u.writer.token, body: { tags: ["PII"] } });
    const after = await rest("POST", "/queries", { token: u.reader.token, body: { data_source_id: dsId, query_text: sql } });
    expect(after.body.data[0].city).toMatch(/\*\*\*/);
    const writer = await rest("POST", "/queries", { token: u.writer.token, body: { data_source_id: dsId, query_text: sql } });
    expect(writer.body.data[0].city).toBe(before.body.data[0].city);
  });
});

describe("schema changes", () => {
  it("flags a renamed column and a dropped one, keeping what people wrote", async () => {
    await rest("PUT", `/metadata/columns/products/stock?database_id=${dsId}`, { token: u.writer.token, body: { description: "Units on hand" } });
    await rest("PUT", `/metadata/columns/payments/method?database_id=${dsId}`, { token: u.writer.token, body: { description: "How they paid" } });
    const raw = new Database(file);
    raw.exec("ALTER TABLE products RENAME COLUMN stock TO units_in_stock");
    raw.exec("DROP INDEX IF EXISTS payments_method_idx; ALTER TABLE payments DROP COLUMN method; ALTER TABLE payments ADD COLUMN channel TEXT; ALTER TABLE payments ADD COLUMN note TEXT");
    raw.close();
    // the next read finds no cached schema and syncs (the same path a schema sync takes)
    await db.dataSource.update({ where: { id: dsId }, data: { schemaCache: null, lastSyncedAt: null } });
    const products = await rest("GET", `/metadata/tables/products?database_id=${dsId}`, { token: u.reader.token });
    const stock = products.body.columns.find((c: { name: string }) => c.name === "stock");
    expect(stock).toMatchObject({ state: "renamed", renamed_to: "units_in_stock", description: "Units on hand" });
    expect(products.body.columns.find((c: { name: string }) => c.name === "units_in_stock")).toMatchObject({ state: "present" });
    const payments = await rest("GET", `/metadata/tables/payments?database_id=${dsId}`, { token: u.reader.token });
    expect(payments.body.columns.find((c: { name: string }) => c.name === "method")).toMatchObject({ state: "dropped", renamed_to: null, description: "How they paid" });
  });
});
