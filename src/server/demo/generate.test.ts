import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TABLES, generateDemoDatabase, type DemoSummary } from "./generate";

const SMALL = 0.05;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "quarry-demo-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const open = (file: string) => new Database(file, { readonly: true, fileMustExist: true });

/** SHA-256 over every user table's rows, so "same content" ignores page layout. */
function contentHash(file: string): string {
  const db = open(file);
  try {
    const hash = createHash("sha256");
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    expect(tables).toEqual([...DEMO_TABLES].sort());
    for (const table of tables) {
      hash.update(`${table}\n`);
      for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY 1`).raw().iterate()) hash.update(`${JSON.stringify(row)}\n`);
    }
    return hash.digest("hex");
  } finally {
    db.close();
  }
}

describe("generateDemoDatabase at a small scale", () => {
  let dir: string;
  let file: string;
  let summary: DemoSummary;
  let db: Database.Database;

  beforeAll(() => {
    dir = tempDir();
    file = path.join(dir, "retail.sqlite");
    summary = generateDemoDatabase(file, { seed: 7, scale: SMALL });
    db = open(file);
  });
  afterAll(() => db?.close());

  const one = <T = number>(sql: string): T => db.prepare(sql).pluck().get() as T;

  it("fills every table and reports the real row counts", () => {
    expect(summary.file).toBe(file);
    expect(summary.seed).toBe(7);
    expect(Object.keys(summary.tables).sort()).toEqual([...DEMO_TABLES].sort());
    for (const table of DEMO_TABLES) {
      const rows = one(`SELECT COUNT(*) FROM ${table}`);
      expect(rows, table).toBeGreaterThan(0);
      expect(summary.tables[table], table).toBe(rows);
    }
    expect(one("SELECT COUNT(*) FROM monthly_revenue")).toBe(36);
    expect(one("SELECT COUNT(*) FROM customer_lifetime_value")).toBe(summary.tables.customers);
  });

  it("declares foreign keys and every one of them resolves", () => {
    for (const table of ["employees", "customers", "categories", "products", "orders", "order_items", "payments"]) {
      expect(db.pragma(`foreign_key_list(${table})`), table).not.toHaveLength(0);
    }
    expect(db.pragma("foreign_key_check")).toEqual([]);
    expect(one("SELECT COUNT(*) FROM employees WHERE manager_id IS NULL")).toBe(1);
    expect(one("SELECT COUNT(*) FROM categories WHERE parent_id IS NOT NULL")).toBeGreaterThan(0);
  });

  it("makes each order total the sum of its items, rounded to cents", () => {
    const orders = db
      .prepare(
        `SELECT o.id, o.total_amount AS total, SUM(i.quantity * i.unit_price * (1 - i.discount)) AS items
         FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.id`,
      )
      .all() as { id: number; total: number; items: number }[];
    expect(orders).toHaveLength(summary.tables.orders!);
    for (const o of orders) {
      expect(Math.abs(o.total - o.items), `order ${o.id}`).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.round(o.total * 100) / 100, `order ${o.id}`).toBe(o.total);
    }
  });

  it("pays every non-cancelled order in full and never a cancelled one", () => {
    const rows = db
      .prepare(
        `SELECT o.id, o.status, o.total_amount AS total, COALESCE(SUM(p.amount), 0) AS paid, COUNT(p.id) AS payments
         FROM orders o LEFT JOIN payments p ON p.order_id = o.id GROUP BY o.id`,
      )
      .all() as { id: number; status: string; total: number; paid: number; payments: number }[];
    for (const r of rows) {
      if (r.status === "cancelled") expect(r.payments, `order ${r.id}`).toBe(0);
      else expect(Math.round(r.paid * 100), `order ${r.id}`).toBe(Math.round(r.total * 100));
    }
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(["pending", "shipped", "delivered", "cancelled", "returned"]));
  });

  it("keeps dates in range, ISO-formatted and after the customer signed up", () => {
    expect(one<string>("SELECT MIN(order_date) FROM orders") >= "2023-01-01").toBe(true);
    expect(one<string>("SELECT MAX(order_date) FROM orders") <= "2025-12-31").toBe(true);
    expect(one("SELECT COUNT(*) FROM orders WHERE order_date NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'")).toBe(0);
    expect(one("SELECT COUNT(*) FROM customers WHERE created_at NOT GLOB '????-??-?? ??:??:??'")).toBe(0);
    expect(one("SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.order_date < date(c.created_at)")).toBe(0);
    expect(one("SELECT COUNT(*) FROM orders o JOIN employees e ON e.id = o.employee_id WHERE o.order_date < e.hire_date")).toBe(0);
  });

  it("gives customers unique emails and keeps the file self-contained", () => {
    expect(one("SELECT COUNT(DISTINCT lower(email)) FROM customers")).toBe(summary.tables.customers);
    expect(one("SELECT COUNT(*) FROM sqlite_stat1")).toBeGreaterThan(0);
    expect(db.pragma("journal_mode", { simple: true })).toBe("delete");
    expect(readdirSync(dir)).toEqual(["retail.sqlite"]);
  });
});

describe("generateDemoDatabase file handling and determinism", () => {
  it("produces identical content for the same seed and different content for another seed", () => {
    const dir = tempDir();
    const a = generateDemoDatabase(path.join(dir, "a.sqlite"), { seed: 123, scale: SMALL });
    const b = generateDemoDatabase(path.join(dir, "b.sqlite"), { seed: 123, scale: SMALL });
    const c = generateDemoDatabase(path.join(dir, "c.sqlite"), { seed: 124, scale: SMALL });
    expect(b.tables).toEqual(a.tables);
    expect(contentHash(b.file)).toBe(contentHash(a.file));
    expect(contentHash(c.file)).not.toBe(contentHash(a.file));
  });

  it("refuses to overwrite an existing file and leaves it untouched", () => {
    const dir = tempDir();
    const file = path.join(dir, "retail.sqlite");
    writeFileSync(file, "precious");
    expect(() => generateDemoDatabase(file, { scale: SMALL })).toThrow(/Refusing to overwrite .*already exists/);
    expect(readFileSync(file, "utf8")).toBe("precious");
    expect(readdirSync(dir)).toEqual(["retail.sqlite"]);
  });

  it("replaces a stale .tmp left by a crashed build and leaves no temp file behind", () => {
    const dir = tempDir();
    const file = path.join(dir, "retail.sqlite");
    writeFileSync(`${file}.tmp`, "half-written garbage");
    generateDemoDatabase(file, { scale: SMALL });
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(readdirSync(dir)).toEqual(["retail.sqlite"]);
    expect(contentHash(file)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rejects a nonsensical scale without creating anything", () => {
    const dir = tempDir();
    const file = path.join(dir, "retail.sqlite");
    expect(() => generateDemoDatabase(file, { scale: 0 })).toThrow(/scale/);
    expect(() => generateDemoDatabase(file, { scale: Number.NaN })).toThrow(/scale/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("generateDemoDatabase at the default scale", () => {
  it("builds tens of thousands of rows with a holiday peak", () => {
    const file = path.join(tempDir(), "retail.sqlite");
    const started = performance.now();
    const summary = generateDemoDatabase(file);
    const ms = Math.round(performance.now() - started);
    console.log(`demo database (default scale): ${ms} ms`, summary.tables);

    expect(summary.seed).toBe(42);
    const total = Object.values(summary.tables).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(50_000);
    expect(summary.tables.customers).toBe(2000);
    expect(summary.tables.products).toBe(300);
    expect(summary.tables.orders).toBe(20_000);
    expect(summary.tables.order_items).toBeGreaterThan(50_000);
    expect(summary.tables.payments).toBeGreaterThan(18_000);

    const db = open(file);
    try {
      const byMonth = db
        .prepare("SELECT CAST(strftime('%m', order_date) AS INTEGER) AS m, COUNT(*) AS n FROM orders GROUP BY m")
        .all() as { m: number; n: number }[];
      const avg = (rows: { n: number }[]) => rows.reduce((s, r) => s + r.n, 0) / rows.length;
      expect(avg(byMonth.filter((r) => r.m >= 11))).toBeGreaterThan(1.3 * avg(byMonth.filter((r) => r.m < 11)));
      expect(db.pragma("foreign_key_check")).toEqual([]);
    } finally {
      db.close();
    }
  });
});
