import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable, services } from "../../../test/services";
import { AppError } from "../../errors";
import type { ConnectionConfig, Connector, RunOptions } from "../types";
import { createMysqlConnector } from "./index";

const available = await serviceAvailable("mariadb");
const svc = services.mariadb;
const id = randomBytes(5).toString("hex");
// A database of its own, so fixture tables can have the plain names write attempts use.
const dbName = `quarry_conn_${id}`;
const outfile = `/tmp/quarry-conn-${id}.csv`;
const config: ConnectionConfig = {
  engine: "mysql",
  host: svc.host,
  port: svc.port,
  database: dbName,
  username: svc.user,
  password: svc.password || undefined,
};
const read = (maxRows = 100, extra: Partial<RunOptions> = {}): RunOptions => ({ maxRows, timeoutMs: 10_000, readOnly: true, ...extra });

let connector: Connector;
let direct: mysql.Connection;
let mariadb = false;

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

async function fingerprint(): Promise<unknown> {
  const [rows] = await direct.query(
    `SELECT (SELECT JSON_ARRAYAGG(JSON_OBJECT('id', id, 'name', name)) FROM items) AS items,
            (SELECT COUNT(*) FROM customers) AS customers,
            (SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?) AS tables_now`,
    [dbName],
  );
  const seq = mariadb ? ((await direct.query("SELECT next_not_cached_value AS v FROM item_seq"))[0] as { v: number }[])[0]?.v : null;
  return { ...(rows as object[])[0], seq };
}

describe.skipIf(!available)("mysql/mariadb connector", () => {
  beforeAll(async () => {
    const root = await mysql.createConnection({ ...svc });
    await root.query(`CREATE DATABASE ${dbName}`);
    await root.end();
    direct = await mysql.createConnection({ ...svc, database: dbName, multipleStatements: true });
    const [[{ v }]] = (await direct.query("SELECT VERSION() AS v")) as unknown as [[{ v: string }]];
    mariadb = /mariadb/i.test(v);
    await direct.query(`
      CREATE TABLE customers (
        id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, active TINYINT(1) DEFAULT 1, created_at DATETIME,
        balance DECIMAL(12,2), big BIGINT, meta JSON, photo VARBINARY(16), born DATE, score DOUBLE) ENGINE=InnoDB;
      CREATE TABLE orders (
        id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2),
        CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers(id)) ENGINE=InnoDB;
      CREATE VIEW rich AS SELECT id, name FROM customers WHERE balance > 100;
      CREATE TABLE items (id INT PRIMARY KEY, name TEXT) ENGINE=InnoDB;
      INSERT INTO customers (name, active, created_at, balance, big, meta, photo, born, score) VALUES
        ('Ann', 1, '2024-01-02 03:04:05', 1234.50, 9007199254740993, '{"tier":"gold"}', X'00FF', '1990-05-06', 2.5),
        ('Bob', 0, NULL, NULL, 42, NULL, NULL, NULL, NULL);
      INSERT INTO orders (customer_id, total)
        WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 300) SELECT 1 + n % 2, n FROM g;
      INSERT INTO items VALUES (1, 'one'), (2, 'two');
      ANALYZE TABLE customers, orders, items;
    `);
    if (mariadb) await direct.query("CREATE SEQUENCE item_seq");
    connector = createMysqlConnector(config);
  });

  afterAll(async () => {
    await connector?.close();
    await direct?.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await direct?.end();
  });

  it("tests the connection and reports the server version", async () => {
    const test = await connector.testConnection();
    expect(test.ok).toBe(true);
    expect(test.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("introspects tables, views, keys and row estimates", async () => {
    const { tables } = await connector.introspect();
    const byName = Object.fromEntries(tables.map((t) => [t.name, t]));
    expect(Object.keys(byName).filter((n) => n !== "item_seq").sort()).toEqual(["customers", "items", "orders", "rich"]);
    expect(byName.rich).toMatchObject({ type: "view", approxRowCount: null });
    expect(byName.orders).toMatchObject({
      type: "table",
      primaryKey: ["id"],
      foreignKeys: [{ columns: ["customer_id"], referencedTable: "customers", referencedColumns: ["id"] }],
    });
    expect(byName.orders!.foreignKeys[0]!.referencedSchema).toBeUndefined();
    expect(byName.orders!.approxRowCount).toBeGreaterThan(100);
    const cols = Object.fromEntries(byName.customers!.columns.map((c) => [c.name, c]));
    expect(cols.id).toMatchObject({ nullable: false, primaryKey: true });
    expect(cols.id!.type).toMatch(/^int/);
    expect(cols.name).toMatchObject({ type: "varchar(100)", nullable: false, primaryKey: false });
    expect(cols.balance).toMatchObject({ type: "decimal(12,2)", nullable: true, default: null });
    expect(cols.active!.default).toBe("1");
  });

  it("returns typed, JSON-safe results", async () => {
    const res = await connector.run(
      "SELECT id, name, active, created_at, balance, big, meta, photo, born, score, 1 AS id FROM customers ORDER BY 1",
      read(),
    );
    expect(res.columns.map((c) => `${c.name}:${c.type}:${c.kind}`)).toEqual([
      "id:INT:number", "name:VARCHAR:string", "active:TINYINT:number", "created_at:DATETIME:date", "balance:DECIMAL:number",
      "big:BIGINT:number", "meta:JSON:json", "photo:VARBINARY:binary", "born:DATE:date", "score:DOUBLE:number", "id_2:INT:number",
    ]);
    expect(res.rows[0]).toEqual({
      id: 1, name: "Ann", active: 1, created_at: "2024-01-02T03:04:05", balance: 1234.5, big: "9007199254740993",
      meta: { tier: "gold" }, photo: "AP8=", born: "1990-05-06", score: 2.5, id_2: 1,
    });
    expect(res.rows[1]).toMatchObject({ big: 42, meta: null, photo: null });
    expect(JSON.parse(JSON.stringify(res.rows))).toEqual(res.rows);
  });

  it("binds parameters as a prepared statement (a literal '?' stays a literal)", async () => {
    const res = await connector.run("SELECT ? + 1 AS x, ? AS s, '?' AS q", read(10, { params: [41, "a'b"] }));
    expect(res.rows).toEqual([{ x: 42, s: "a'b", q: "?" }]);
  });

  it("caps rows at the cursor and says when it cut, even past an explicit LIMIT", async () => {
    const capped = await connector.run("SELECT id FROM orders ORDER BY id", read(100));
    expect(capped).toMatchObject({ rowCount: 100, truncated: true });
    expect(capped.rows.at(-1)).toEqual({ id: 100 });
    const exact = await connector.run("SELECT id FROM orders", read(300));
    expect(exact).toMatchObject({ rowCount: 300, truncated: false });
    // An explicit LIMIT overrides sql_select_limit; the cursor still stops at the cap.
    const big = await connector.run("SELECT a.id FROM orders a CROSS JOIN orders b LIMIT 90000", read(50));
    expect(big).toMatchObject({ rowCount: 50, truncated: true });
    expect((await connector.run("SELECT 1 AS one", read())).rows).toEqual([{ one: 1 }]);
  });

  it("refuses writes on the read path and changes nothing", async () => {
    const before = await fingerprint();
    const attempts = [
      "INSERT INTO items VALUES (3, 'three')",
      "UPDATE items SET name = 'x'",
      "DELETE FROM items",
      "REPLACE INTO items VALUES (1, 'r')",
      "CREATE TABLE evil (x INT)",
      "CREATE TEMPORARY TABLE evil_tmp (x INT)",
      "ALTER TABLE items ADD COLUMN x INT",
      "DROP TABLE items",
      "TRUNCATE items",
      "RENAME TABLE items TO items_gone",
      `SELECT * FROM items INTO OUTFILE '${outfile}'`,
      `SELECT name FROM items LIMIT 1 INTO DUMPFILE '${outfile}'`,
      `SELECT 1 /*! INTO OUTFILE '${outfile}' */`,
      `LOAD DATA INFILE '/etc/hostname' INTO TABLE items`,
      ...(mariadb ? ["SELECT NEXTVAL(item_seq)", "SELECT NEXT VALUE FOR item_seq"] : []),
    ];
    const allowed: string[] = [];
    for (const sql of attempts) {
      const outcome = await connector.run(sql, read()).then(() => null, (e: unknown) => e);
      if (!(outcome instanceof AppError && outcome.code === "QUERY_FAILED")) allowed.push(sql);
    }
    expect(allowed).toEqual([]);
    expect(await fingerprint()).toEqual(before);
    expect(existsSync(outfile)).toBe(false);
  });

  it("leaves no session state behind on pooled connections", async () => {
    const single = createMysqlConnector({ ...config, options: { poolMax: 1 } });
    try {
      await single.run("SELECT GET_LOCK('quarry_conn_lock', 0) AS got", read());
      await single.run("SELECT @leak := 7 AS v", read());
      const [[free]] = (await direct.query("SELECT IS_FREE_LOCK('quarry_conn_lock') AS f")) as unknown as [[{ f: number }]];
      expect(free.f).toBe(1);
      const res = await single.run("SELECT @leak AS v, @@session.sql_select_limit = @@global.sql_select_limit AS limit_reset", {
        ...read(),
        readOnly: false,
      });
      expect(res.rows).toEqual([{ v: null, limit_reset: 1 }]);
    } finally {
      await single.close();
    }
  });

  it("rejects multi-statement input on both paths", async () => {
    for (const readOnly of [true, false]) {
      const err = await failure(connector.run("SELECT 1; DELETE FROM items", { ...read(), readOnly }));
      expect(err.code).toBe("QUERY_FAILED");
    }
    expect((await connector.run("SELECT COUNT(*) AS n FROM items", read())).rows).toEqual([{ n: 2 }]);
  });

  it("reports SQL errors with the engine message", async () => {
    const err = await failure(connector.run("SELECT nope FROM items", read()));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.message).toMatch(/Unknown column 'nope'/);
    expect(err.details).toMatchObject({ errno: 1054 });
  });

  it("stops a statement at the timeout, and the connector keeps working", async () => {
    for (const readOnly of [true, false]) {
      const started = Date.now();
      const err = await failure(connector.run("SELECT SLEEP(5)", { ...read(10, { timeoutMs: 500 }), readOnly }));
      expect(err.code).toBe("QUERY_FAILED");
      expect(err.message).toBe("Query exceeded the 500 ms timeout");
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await connector.run("SELECT 1 AS one", read())).rows).toEqual([{ one: 1 }]);
    }
  });

  it("cancels a running query from outside, by tag and by AbortSignal", async () => {
    const started = Date.now();
    const running = connector.run("SELECT SLEEP(10)", read(10, { queryTag: "my-sleep-1" }));
    await new Promise((r) => setTimeout(r, 300));
    expect(await connector.cancel("my-sleep-1")).toBe(true);
    expect((await failure(running)).message).toBe("Query was cancelled");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await connector.cancel("my-sleep-1")).toBe(false);

    const controller = new AbortController();
    const aborted = connector.run("SELECT SLEEP(10)", read(10, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 300);
    expect((await failure(aborted)).message).toBe("Query was cancelled");
    expect((await connector.run("SELECT 2 AS two", read())).rows).toEqual([{ two: 2 }]);
  });

  it("reports a wrong password as CONNECTION_FAILED without the password", async () => {
    const password = "sup3r-secret-pw-9876";
    const bad = createMysqlConnector({ ...config, password });
    try {
      const err = await failure(bad.run("SELECT 1", read()));
      expect(err.code).toBe("CONNECTION_FAILED");
      expect(err.message).toMatch(/Access denied/);
      expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain(password);
      const test = await bad.testConnection();
      expect(test.ok).toBe(false);
      expect(test.message).not.toContain(password);
      expect((await failure(bad.introspect())).code).toBe("CONNECTION_FAILED");
    } finally {
      await bad.close();
    }
  });

  it("reports an unreachable server as CONNECTION_FAILED", async () => {
    const gone = createMysqlConnector({ ...config, port: 1, options: { connectTimeoutMs: 2_000 } });
    try {
      const err = await failure(gone.run("SELECT 1", read()));
      expect(err.code).toBe("CONNECTION_FAILED");
      expect(err.message).toMatch(/127\.0\.0\.1:1\//);
      expect((await gone.testConnection()).ok).toBe(false);
    } finally {
      await gone.close();
    }
  });

  it("streams 50,000 rows in batches and ends the query when stopped early", async () => {
    // MariaDB caps recursion at 1000 iterations by default, so the rows come from a cross join.
    const sql = "SELECT a.id * 1000 + b.id AS n, MD5(a.id * 1000 + b.id) AS h FROM orders a CROSS JOIN orders b LIMIT 50000";
    const single = createMysqlConnector({ ...config, options: { poolMax: 1 } });
    try {
      let total = 0;
      let batches = 0;
      let columns: string[] = [];
      for await (const chunk of single.stream(sql, { readOnly: true, timeoutMs: 30_000 })) {
        if ("columns" in chunk) columns = chunk.columns.map((c) => `${c.name}:${c.kind}`);
        else {
          batches++;
          total += chunk.rows.length;
          expect(chunk.rows.length).toBeLessThanOrEqual(1000);
        }
      }
      expect(columns).toEqual(["n:number", "h:string"]);
      expect(total).toBe(50_000);
      expect(batches).toBe(50);

      for await (const chunk of single.stream("SELECT a.id FROM orders a CROSS JOIN orders b", { readOnly: true, timeoutMs: 30_000 })) {
        if ("rows" in chunk) break;
      }
      // With one pooled connection, this only works if the abandoned one was given back or replaced.
      expect((await single.run("SELECT 3 AS three", read())).rows).toEqual([{ three: 3 }]);
    } finally {
      await single.close();
    }
  });

  it("estimates rows with EXPLAIN", async () => {
    const estimate = await connector.explainEstimate("SELECT * FROM orders");
    expect(estimate).toBeGreaterThan(100);
    expect(await connector.explainEstimate("DELETE FROM orders WHERE total > 0")).toBeGreaterThan(100);
    // EXPLAIN ANALYZE would execute the statement; it is never attempted outside the read-only session.
    expect((await failure(connector.explainEstimate("ANALYZE DELETE FROM orders"))).code).toBe("QUERY_FAILED");
    expect((await connector.run("SELECT COUNT(*) AS n FROM orders", read())).rows).toEqual([{ n: 300 }]);
  });

  it("writes on the write path and runs transactions that roll back or commit", async () => {
    const inserted = await connector.run("INSERT INTO items VALUES (?, ?)", { ...read(), readOnly: false, params: [10, "ten"] });
    expect(inserted.affectedRows).toBe(1);
    const dry = await connector.transaction(
      async (tx) => (await tx.run("DELETE FROM orders WHERE customer_id = 2", { maxRows: 5, timeoutMs: 5_000 })).affectedRows,
      { rollback: true },
    );
    expect(dry).toBe(150);
    await connector.transaction(async (tx) => {
      await tx.run("UPDATE items SET name = 'TEN' WHERE id = 10", { maxRows: 1, timeoutMs: 5_000 });
    });
    await expect(
      connector.transaction(async (tx) => {
        await tx.run("DELETE FROM items", { maxRows: 1, timeoutMs: 5_000 });
        throw new Error("abandon");
      }),
    ).rejects.toThrow("abandon");
    const [rows] = await direct.query("SELECT (SELECT COUNT(*) FROM orders) AS orders, (SELECT name FROM items WHERE id = 10) AS ten");
    expect((rows as object[])[0]).toEqual({ orders: 300, ten: "TEN" });
  });
});
