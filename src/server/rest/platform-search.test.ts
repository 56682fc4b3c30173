import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

const schema = (tables: { name: string; columns: string[] }[]) =>
  JSON.stringify({ tables: tables.map((t) => ({ name: t.name, type: "table", columns: t.columns.map((c) => ({ name: c, type: "TEXT", nullable: true, primaryKey: false })), primaryKey: [], foreignKeys: [], approxRowCount: 1 })) });

let reader: Awaited<ReturnType<typeof signedInUser>>;
let outsider: Awaited<ReturnType<typeof signedInUser>>;
let readable = "";
let hidden = "";

beforeAll(async () => {
  reader = await signedInUser("analyst");
  outsider = await signedInUser("analyst");
  const now = new Date();
  readable = (await db.dataSource.create({ data: { name: `search-a-${Date.now()}`, engine: "sqlite", database: "/tmp/a.sqlite", schemaCache: schema([{ name: "customer_revenue", columns: ["customer_id", "revenue"] }, { name: "products", columns: ["sku"] }]), lastSyncedAt: now } })).id;
  hidden = (await db.dataSource.create({ data: { name: `search-b-${Date.now()}`, engine: "sqlite", database: "/tmp/b.sqlite", schemaCache: schema([{ name: "secret_revenue_ledger", columns: ["revenue"] }]), lastSyncedAt: now } })).id;
  await grant(reader.user.id, readable, { canRead: true });
});

describe("POST /search", () => {
  it("ranks title matches first and filters by permission and type", async () => {
    const mine = await rest("POST", "/saved-queries", { token: reader.token, body: { title: "Top customers revenue", sql: "SELECT customer_id, sum(total) FROM orders GROUP BY 1" } });
    const weak = await rest("POST", "/saved-queries", { token: reader.token, body: { title: "Misc", description: "mentions revenue once", sql: "SELECT 1" } });
    const theirs = await rest("POST", "/saved-queries", { token: outsider.token, body: { title: "Customer revenue (private)", sql: "SELECT 2" } });
    await rest("POST", "/templates", { token: outsider.token, body: { title: "Revenue by customer template", sql: "SELECT 3" } });

    const res = await rest("POST", "/search", { token: reader.token, body: { q: "customer revenue", type: ["queries", "templates", "tables"], limit: 20 } });
    expect(res.status).toBe(200);
    const results = res.body.results as { type: string; id: string; title: string; relevance: number; database_id: string | null }[];
    const ids = results.map((r) => r.id);
    expect(ids).toContain(mine.body.id);
    expect(ids).toContain(weak.body.id);
    expect(ids).not.toContain(theirs.body.id);
    expect(results.some((r) => r.type === "template" && r.title.startsWith("Revenue by customer"))).toBe(true);
    expect(results.some((r) => r.type === "table" && r.title === "customer_revenue" && r.database_id === readable)).toBe(true);
    expect(results.some((r) => r.title === "secret_revenue_ledger" || r.database_id === hidden)).toBe(false);
    expect(results.every((r) => r.relevance > 0 && r.relevance <= 1)).toBe(true);
    // The title match outranks the description-only match.
    expect(ids.indexOf(mine.body.id)).toBeLessThan(ids.indexOf(weak.body.id));
    const sorted = [...results].sort((a, b) => b.relevance - a.relevance).map((r) => r.relevance);
    expect(results.map((r) => r.relevance)).toEqual(sorted);

    const onlyColumns = await rest("POST", "/search", { token: reader.token, body: { q: "revenue", type: "columns" } });
    expect(onlyColumns.body.results.length).toBeGreaterThan(0);
    expect(onlyColumns.body.results.every((r: { type: string; database_id: string }) => r.type === "column" && r.database_id === readable)).toBe(true);
  });

  it("puts the object named by the query above objects that merely contain its words", async () => {
    const source = (await db.dataSource.create({ data: { name: `search-names-${Date.now()}`, engine: "sqlite", database: "/tmp/names.sqlite", lastSyncedAt: new Date(),
      schemaCache: schema([
        { name: "shipments", columns: ["shipment_id", "shipment_date", "shipments"] },
        { name: "shipment_lines", columns: ["shipment_id", "shipment_line_no"] },
        { name: "carriers", columns: ["id", "shipments_per_day"] },
      ]) } })).id;
    await grant(reader.user.id, source, { canRead: true });
    const top = async (q: string) => {
      const res = await rest("POST", "/search", { token: reader.token, body: { q, type: ["tables", "columns"] } });
      expect(res.status).toBe(200);
      return (res.body.results as { type: string; title: string; database_id: string }[]).filter((r) => r.database_id === source).map((r) => `${r.type}:${r.title}`);
    };
    const shipments = await top("shipments");
    expect(shipments[0]).toBe("table:shipments");
    expect(shipments.length).toBeGreaterThan(2);
    expect((await top("shipment lines"))[0]).toBe("table:shipment_lines");
    expect((await top("shipment_lines"))[0]).toBe("table:shipment_lines");
  });

  it("finds the dictionary's aliases, descriptions and synonyms, only for sources the caller may read", async () => {
    await db.dictionaryEntry.create({ data: { dataSourceId: readable, tableName: "customer_revenue", alias: "Buyer earnings", description: "Monthly earnings per buyer" } });
    await db.dictionaryEntry.create({ data: { dataSourceId: readable, tableName: "products", columnName: "sku", synonyms: JSON.stringify(["stock keeping unit", "article number"]) } });
    await db.dictionaryEntry.create({ data: { dataSourceId: hidden, tableName: "secret_revenue_ledger", alias: "Secret earnings ledger" } });
    const res = await rest("POST", "/search", { token: reader.token, body: { q: "earnings", type: "dictionary" } });
    expect(res.status).toBe(200);
    const results = res.body.results as { type: string; id: string; title: string; database_id: string }[];
    expect(results.map((r) => [r.type, r.id, r.title])).toEqual([["dictionary", `${readable}:customer_revenue`, "Buyer earnings"]]);
    const bySynonym = await rest("POST", "/search", { token: reader.token, body: { q: "article", type: "dictionary" } });
    expect(bySynonym.body.results.map((r: { id: string }) => r.id)).toEqual([`${readable}:products.sku`]);
  });

  it("sees changes made after the index was built (another process's writes included)", async () => {
    const q = await rest("POST", "/saved-queries", { token: reader.token, body: { title: "Zebra inventory", sql: "SELECT 1" } });
    expect((await rest("POST", "/search", { token: reader.token, body: { q: "zebra" } })).body.results.map((r: { id: string }) => r.id)).toEqual([q.body.id]);
    // A write straight to the app database, as another process would do it.
    await db.savedQuery.update({ where: { id: q.body.id }, data: { title: "Giraffe inventory" } });
    expect((await rest("POST", "/search", { token: reader.token, body: { q: "zebra" } })).body.results).toEqual([]);
    expect((await rest("POST", "/search", { token: reader.token, body: { q: "giraffe" } })).body.results).toHaveLength(1);
    await db.dataSource.delete({ where: { id: hidden } });
  });

  it("answers 422 without q and treats FTS syntax as words", async () => {
    expect((await rest("POST", "/search", { token: reader.token, body: {} })).status).toBe(422);
    const odd = await rest("POST", "/search", { token: reader.token, body: { q: 'revenue" OR * NEAR(' } });
    expect(odd.status).toBe(200);
    expect((await rest("POST", "/search", { body: { q: "x" } })).status).toBe(401);
  });
});
