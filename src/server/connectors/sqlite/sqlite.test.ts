import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import type { Connector, RunOptions } from "../types";
import { createSqliteConnector } from "./index";

const dir = mkdtempSync(path.join(tmpdir(), "quarry-sqlite-"));
const file = path.join(dir, "shop.db");
const read = (maxRows = 100, extra: Partial<RunOptions> = {}): RunOptions => ({ maxRows, timeoutMs: 5_000, readOnly: true, ...extra });
const fileHash = () => createHash("sha256").update(readFileSync(file)).digest("hex");
const RUNAWAY = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r";

let connector: Connector;

beforeAll(() => {
  const db = new Database(file);
  db.exec(`
    PRAGMA foreign_keys = ON;
    CREATE TABLE customers (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, active BOOLEAN DEFAULT 1,
      created_at DATETIME, meta JSON, photo BLOB, balance DECIMAL(10,2));
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), total REAL);
    CREATE TABLE order_lines (order_id INTEGER, line INTEGER, sku TEXT,
      PRIMARY KEY (order_id, line), FOREIGN KEY (order_id) REFERENCES orders);
    CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
  `);
  const addCustomer = db.prepare("INSERT INTO customers (name, active, created_at, meta, photo, balance) VALUES (?, ?, ?, ?, ?, ?)");
  addCustomer.run("Ann", 1, "2024-01-02 03:04:05", '{"tier":"gold"}', Buffer.from([0, 255]), 10.5);
  addCustomer.run("Bob", 0, "2024-02-03 04:05:06", null, null, null);
  const addOrder = db.prepare("INSERT INTO orders (customer_id, total) VALUES (?, ?)");
  for (let i = 0; i < 250; i++) addOrder.run((i % 2) + 1, i);
  db.prepare("INSERT INTO order_lines VALUES (1, 1, 'sku-1')").run();
  db.close();
  new Database(path.join(dir, "other.db")).close();
  connector = createSqliteConnector({ engine: "sqlite", database: file });
});

afterAll(async () => {
  await connector.close();
  rmSync(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("sqlite connector", () => {
  it("tests the connection and reports the SQLite version", async () => {
    const test = await connector.testConnection();
    expect(test.ok).toBe(true);
    expect(test.version).toMatch(/^SQLite 3\.\d+/);
  });

  it("introspects tables, views, primary and foreign keys and row counts", async () => {
    const { tables } = await connector.introspect();
    expect(tables.map((t) => t.name)).toEqual(["big_orders", "customers", "order_lines", "orders"]);
    const byName = Object.fromEntries(tables.map((t) => [t.name, t]));
    expect(byName.big_orders).toMatchObject({ type: "view", approxRowCount: null });
    expect(byName.customers).toMatchObject({ type: "table", primaryKey: ["id"], approxRowCount: 2 });
    expect(byName.customers!.columns.find((c) => c.name === "name")).toMatchObject({ type: "TEXT", nullable: false, primaryKey: false });
    expect(byName.customers!.columns.find((c) => c.name === "active")).toMatchObject({ default: "1", nullable: true });
    expect(byName.orders).toMatchObject({
      approxRowCount: 250,
      foreignKeys: [{ columns: ["customer_id"], referencedTable: "customers", referencedColumns: ["id"] }],
    });
    expect(byName.order_lines).toMatchObject({
      primaryKey: ["order_id", "line"],
      // REFERENCES without columns resolves to the parent's primary key.
      foreignKeys: [{ columns: ["order_id"], referencedTable: "orders", referencedColumns: ["id"] }],
    });
  });

  it("returns typed, JSON-safe results", async () => {
    const res = await connector.run("SELECT id, name, active, created_at, meta, photo, balance FROM customers ORDER BY id", read());
    expect(res.columns).toEqual([
      { name: "id", type: "INTEGER", kind: "number" },
      { name: "name", type: "TEXT", kind: "string" },
      { name: "active", type: "BOOLEAN", kind: "boolean" },
      { name: "created_at", type: "DATETIME", kind: "date" },
      { name: "meta", type: "JSON", kind: "json" },
      { name: "photo", type: "BLOB", kind: "binary" },
      { name: "balance", type: "DECIMAL(10,2)", kind: "number" },
    ]);
    expect(res.rows[0]).toEqual({
      id: 1, name: "Ann", active: true, created_at: "2024-01-02 03:04:05", meta: { tier: "gold" }, photo: "AP8=", balance: 10.5,
    });
    expect(res.rows[1]).toMatchObject({ active: false, meta: null, photo: null });
    expect(res.executionTimeMs).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(JSON.stringify(res.rows))).toEqual(res.rows);
  });

  it("types expression columns from their values and keeps unsafe integers exact", async () => {
    const res = await connector.run("SELECT 9007199254740993 AS huge, 42 AS small, 1.5 AS r, 'x' AS t, x'00ff' AS b, NULL AS z, 1 AS t", read());
    expect(res.columns.map((c) => [c.name, c.type, c.kind])).toEqual([
      ["huge", "INTEGER", "number"],
      ["small", "INTEGER", "number"],
      ["r", "REAL", "number"],
      ["t", "TEXT", "string"],
      ["b", "BLOB", "binary"],
      ["z", "", "unknown"],
      ["t_2", "INTEGER", "number"],
    ]);
    expect(res.rows[0]).toEqual({ huge: "9007199254740993", small: 42, r: 1.5, t: "x", b: "AP8=", z: null, t_2: 1 });
  });

  it("binds parameters", async () => {
    const res = await connector.run("SELECT name FROM customers WHERE id = ? AND active = ?", read(10, { params: [1, true] }));
    expect(res.rows).toEqual([{ name: "Ann" }]);
  });

  it("caps rows at the cursor and says when it cut", async () => {
    const capped = await connector.run("SELECT id FROM orders ORDER BY id", read(100));
    expect(capped).toMatchObject({ rowCount: 100, truncated: true });
    expect(capped.rows.at(-1)).toEqual({ id: 100 });
    const whole = await connector.run("SELECT id FROM orders", read(250));
    expect(whole).toMatchObject({ rowCount: 250, truncated: false });
    // An endless generator still returns, because the cursor stops after maxRows + 1.
    const endless = await connector.run("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r", read(5));
    expect(endless).toMatchObject({ rowCount: 5, truncated: true });
  });

  it("refuses every write on the read path and leaves the file untouched", async () => {
    const before = fileHash();
    const attempts = [
      "INSERT INTO customers (name) VALUES ('Eve')",
      "INSERT INTO customers (name) VALUES ('Eve') RETURNING id",
      "UPDATE orders SET total = 0",
      "DELETE FROM orders",
      "CREATE TABLE evil (x)",
      "DROP TABLE orders",
      `ATTACH DATABASE '${path.join(dir, "evil.db")}' AS evil`,
      `ATTACH DATABASE '${path.join(dir, "other.db")}' AS other`,
      "DETACH DATABASE main",
      `VACUUM INTO '${path.join(dir, "copy.db")}'`,
      "PRAGMA query_only = 0",
      "PRAGMA writable_schema = 1",
      "BEGIN IMMEDIATE",
      "ANALYZE",
      "WITH x AS (SELECT 1) INSERT INTO customers (name) SELECT 'w' FROM x",
      "REPLACE INTO customers (id, name) VALUES (1, 'r')",
    ];
    for (const sql of attempts) {
      const err = await failure(connector.run(sql, read()));
      expect(err.code, sql).toBe("QUERY_FAILED");
    }
    expect(fileHash()).toBe(before);
    expect(existsSync(path.join(dir, "evil.db"))).toBe(false);
    expect(existsSync(path.join(dir, "copy.db"))).toBe(false);
    const still = await connector.run("SELECT count(*) AS n FROM orders", read());
    expect(still.rows).toEqual([{ n: 250 }]);
  });

  it("rejects multi-statement input without running any of it", async () => {
    const err = await failure(connector.run("SELECT 1; DELETE FROM orders", { ...read(), readOnly: false }));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.message).toMatch(/more than one statement/);
    const err2 = await failure(connector.run("SELECT 1; SELECT 2", read()));
    expect(err2.message).toMatch(/more than one statement/);
    expect((await connector.run("SELECT count(*) AS n FROM orders", read())).rows).toEqual([{ n: 250 }]);
  });

  it("reports SQL errors as QUERY_FAILED with the engine's message", async () => {
    const err = await failure(connector.run("SELECT nope FROM orders", read()));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.message).toMatch(/no such column: nope/);
  });

  it("stops a runaway recursive query at the timeout, and the next query works", async () => {
    const started = Date.now();
    const err = await failure(connector.run(RUNAWAY, read(10, { timeoutMs: 300 })));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.message).toBe("Query exceeded the 300 ms timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
    const next = await connector.run("SELECT 1 AS one", read());
    expect(next.rows).toEqual([{ one: 1 }]);
  });

  it("cancels a running query by tag and by AbortSignal", async () => {
    const running = connector.run(RUNAWAY, read(10, { timeoutMs: 20_000, queryTag: "runaway-1" }));
    await new Promise((r) => setTimeout(r, 300));
    expect(await connector.cancel("runaway-1")).toBe(true);
    const err = await failure(running);
    expect(err.message).toBe("Query was cancelled");
    expect(await connector.cancel("runaway-1")).toBe(false);

    const controller = new AbortController();
    const aborted = connector.run(RUNAWAY, read(10, { timeoutMs: 20_000, signal: controller.signal }));
    setTimeout(() => controller.abort(), 200);
    expect((await failure(aborted)).message).toBe("Query was cancelled");
    expect((await connector.run("SELECT 2 AS two", read())).rows).toEqual([{ two: 2 }]);
  });

  it("streams 50,000 rows in batches and can stop early", async () => {
    const sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 50000) SELECT n, 'row ' || n AS label FROM r";
    let columns: string[] = [];
    let batches = 0;
    let total = 0;
    let last: unknown;
    for await (const chunk of connector.stream(sql, { readOnly: true, timeoutMs: 20_000 })) {
      if ("columns" in chunk) columns = chunk.columns.map((c) => `${c.name}:${c.kind}`);
      else {
        batches++;
        total += chunk.rows.length;
        expect(chunk.rows.length).toBeLessThanOrEqual(1000);
        last = chunk.rows.at(-1);
      }
    }
    expect(columns).toEqual(["n:number", "label:string"]);
    expect(total).toBe(50_000);
    expect(batches).toBe(50);
    expect(last).toEqual({ n: 50_000, label: "row 50000" });

    for await (const chunk of connector.stream(sql, { readOnly: true, timeoutMs: 20_000, batchSize: 10 })) {
      if ("rows" in chunk) break;
    }
    expect((await connector.run("SELECT 3 AS three", read())).rows).toEqual([{ three: 3 }]);
  });

  it("runs writes on the write path and reports affected rows", async () => {
    const res = await connector.run("UPDATE orders SET total = total + 1 WHERE id <= ?", { ...read(), readOnly: false, params: [10] });
    expect(res.affectedRows).toBe(10);
    const sum = await connector.run("SELECT sum(total) AS s FROM orders WHERE id <= 10", read());
    expect(sum.rows).toEqual([{ s: 55 }]);
  });

  it("runs a transaction and rolls it back or commits it", async () => {
    const count = async () => (await connector.run("SELECT count(*) AS n FROM customers", read())).rows[0]!.n;
    const dry = await connector.transaction(
      async (tx) => (await tx.run("DELETE FROM orders WHERE customer_id = 2", { maxRows: 10, timeoutMs: 5_000 })).affectedRows,
      { rollback: true },
    );
    expect(dry).toBe(125);
    expect((await connector.run("SELECT count(*) AS n FROM orders", read())).rows).toEqual([{ n: 250 }]);

    await expect(
      connector.transaction(async (tx) => {
        await tx.run("INSERT INTO customers (name) VALUES ('Cy')", { maxRows: 1, timeoutMs: 5_000 });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await count()).toBe(2);

    await connector.transaction(async (tx) => {
      await tx.run("INSERT INTO customers (name) VALUES ('Dee')", { maxRows: 1, timeoutMs: 5_000 });
    });
    expect(await count()).toBe(3);
  });

  it("gives no explain estimate", async () => {
    expect(connector.capabilities.explainEstimates).toBe(false);
    expect(await connector.explainEstimate("SELECT * FROM orders")).toBeNull();
  });

  it("reports a missing file as CONNECTION_FAILED", async () => {
    const missing = createSqliteConnector({ engine: "sqlite", database: path.join(dir, "missing.db") });
    try {
      const test = await missing.testConnection();
      expect(test.ok).toBe(false);
      expect(test.message).toMatch(/missing\.db/);
      const err = await failure(missing.run("SELECT 1", read()));
      expect(err.code).toBe("CONNECTION_FAILED");
      expect(existsSync(path.join(dir, "missing.db"))).toBe(false);
    } finally {
      await missing.close();
    }
  });
});
