import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { userPrincipal, type Principal } from "@/server/services/principal";
import { createSavedQuery } from "@/server/services/saved-queries";
import { grant } from "@/test/fixtures";
import { search, titleBoost } from "./index";
import { tsQueryExpression } from "./index-store";

/**
 * Search as a service, on whichever app database the project runs (this file is in the
 * app-state suites: SQLite FTS5 and PostgreSQL full-text search answer the same).
 */
const schema = (tables: { name: string; columns: string[] }[]) =>
  JSON.stringify({ tables: tables.map((t) => ({ name: t.name, type: "table", columns: t.columns.map((c) => ({ name: c, type: "TEXT", nullable: true, primaryKey: false })), primaryKey: [], foreignKeys: [], approxRowCount: 1 })) });

const stamp = Date.now().toString(36);
let reader: Principal;
let other: Principal;
let visible = "";
let hidden = "";

async function person(): Promise<Principal> {
  const u = await createUser({ email: `search-${Math.random().toString(36).slice(2)}@example.test`, password: "correct-horse-9", role: "analyst" });
  return userPrincipal(toSessionUser(u));
}
const idOf = (p: Principal) => (p as { user: { id: string } }).user.id;

beforeAll(async () => {
  reader = await person();
  other = await person();
  const now = new Date();
  visible = (await db.dataSource.create({ data: { name: `search-svc-a-${stamp}`, engine: "sqlite", database: "/tmp/search-a.sqlite", lastSyncedAt: now,
    schemaCache: schema([
      { name: "invoices", columns: ["invoice_id", "invoice_date", "invoices"] },
      { name: "invoice_lines", columns: ["invoice_id", "line_no", "amount"] },
      { name: "vendors", columns: ["id", "vendor_name"] },
    ]) } })).id;
  hidden = (await db.dataSource.create({ data: { name: `search-svc-b-${stamp}`, engine: "sqlite", database: "/tmp/search-b.sqlite", lastSyncedAt: now,
    schemaCache: schema([{ name: "invoices_secret", columns: ["invoice_id"] }]) } })).id;
  await grant(idOf(reader), visible, { canRead: true });
});

describe("search", () => {
  it("finds tables and columns by prefix, the named table first, only on readable sources", async () => {
    const results = await search(reader, { q: "invoices", types: ["tables", "columns"] });
    const mine = results.filter((r) => r.dataSourceId === visible).map((r) => `${r.type}:${r.title}`);
    expect(mine[0]).toBe("table:invoices");
    expect(mine).toEqual(expect.arrayContaining(["column:invoice_id", "table:invoice_lines"]));
    expect(results.some((r) => r.dataSourceId === hidden)).toBe(false);
    expect(results.map((r) => r.relevance)).toEqual([...results.map((r) => r.relevance)].sort((a, b) => b - a));
    expect((await search(reader, { q: "invoice lines", types: ["tables"] }))[0]?.title).toBe("invoice_lines");
  });

  it("shows saved queries to their owner only, and sees new ones at the next search", async () => {
    const q = await createSavedQuery(reader, { title: `Quarterly vendor spend ${stamp}`, sql: "SELECT vendor_name, sum(amount) FROM invoice_lines GROUP BY 1", dataSourceId: visible });
    const found = await search(reader, { q: `vendor spend ${stamp}`, types: ["queries"] });
    expect(found.map((r) => r.id)).toContain(q.id);
    expect((await search(other, { q: `vendor spend ${stamp}`, types: ["queries"] })).map((r) => r.id)).not.toContain(q.id);
  });

  it("finds what the dictionary says of a table, and treats query syntax as words", async () => {
    await db.dictionaryEntry.create({ data: { dataSourceId: visible, tableName: "vendors", alias: `Suppliers ${stamp}`, description: "Companies we buy from" } });
    const found = await search(reader, { q: "suppliers", types: ["dictionary"] });
    expect(found.map((r) => r.id)).toContain(`${visible}:vendors`);
    // FTS5 and tsquery operators in user text are words, never syntax (no error, no match-all).
    expect(await search(reader, { q: `" OR * ) ( & | ! :* NEAR`, types: ["tables"] })).toEqual([]);
  });
});

describe("ranking helpers", () => {
  it("boosts a title that is the query over one that contains its words over one that starts with it", () => {
    expect(titleBoost("orders", ["orders"])).toBeGreaterThan(titleBoost("order items", ["order", "items"]) - 1);
    expect(titleBoost("orders", ["orders"])).toBeGreaterThan(titleBoost("orders_archive", ["orders"]));
    expect(titleBoost("orders_archive", ["orders"])).toBeGreaterThan(titleBoost("archived_orders_x", ["ord"]));
    expect(titleBoost("customer_id", ["customers"])).toBe(1);
  });

  it("builds a tsquery of prefix terms from words, splitting at underscores", () => {
    expect(tsQueryExpression(["customer_id", "total"])).toBe("(customer:* & id:*) | (total:*)");
    expect(tsQueryExpression(["___"])).toBe("");
  });
});
