import { createHash } from "node:crypto";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable, services } from "../../../test/services";
import { AppError } from "../../errors";
import type { ConnectionConfig, Connector, RunOptions } from "../types";
import { createPostgresConnector } from "./index";

const available = await serviceAvailable("postgres");
const svc = services.postgres;
// A database of its own, so fixture tables can have the plain names write attempts use.
const dbName = `quarry_conn_${randomBytes(5).toString("hex")}`;
const config: ConnectionConfig = {
  engine: "postgres",
  host: svc.host,
  port: svc.port,
  database: dbName,
  username: svc.user,
  password: svc.password || undefined,
};
const read = (maxRows = 100, extra: Partial<RunOptions> = {}): RunOptions => ({ maxRows, timeoutMs: 10_000, readOnly: true, ...extra });
const admin = (database: string) => new pg.Client({ ...svc, database });

let connector: Connector;
let direct: pg.Client;

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
  const res = await direct.query(`
    SELECT (SELECT json_agg(i ORDER BY id) FROM items i) AS items,
           (SELECT count(*) FROM customers) AS customers,
           (SELECT last_value FROM item_seq) AS seq,
           (SELECT array_agg(relname ORDER BY relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public') AS relations`);
  return res.rows[0];
}

describe.skipIf(!available)("postgres connector", () => {
  beforeAll(async () => {
    const root = admin(svc.database);
    await root.connect();
    await root.query(`CREATE DATABASE ${dbName}`);
    await root.end();
    direct = admin(dbName);
    await direct.connect();
    await direct.query(`
      CREATE TABLE customers (
        id serial PRIMARY KEY, name text NOT NULL, active boolean DEFAULT true, created_at timestamp,
        seen_at timestamptz, balance numeric(12,2), big bigint, meta jsonb, photo bytea, born date);
      CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), total numeric(10,2));
      CREATE VIEW rich AS SELECT id, name FROM customers WHERE balance > 100;
      CREATE TABLE items (id integer PRIMARY KEY, name text);
      CREATE SEQUENCE item_seq;
      CREATE MATERIALIZED VIEW items_mv AS SELECT * FROM items;
      INSERT INTO customers (name, active, created_at, seen_at, balance, big, meta, photo, born) VALUES
        ('Ann', true, '2024-01-02 03:04:05', '2024-01-02 03:04:05+02', 1234.50, 9007199254740993, '{"tier":"gold"}', '\\x00ff', '1990-05-06'),
        ('Bob', false, NULL, NULL, NULL, 42, NULL, NULL, NULL);
      INSERT INTO orders (customer_id, total) SELECT 1 + g % 2, g FROM generate_series(1, 300) g;
      INSERT INTO items VALUES (1, 'one'), (2, 'two');
      ANALYZE;
    `);
    connector = createPostgresConnector(config);
  });

  afterAll(async () => {
    await connector?.close();
    await direct?.end();
    const root = admin(svc.database);
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await root.end();
  });

  it("tests the connection and reports the server version", async () => {
    const test = await connector.testConnection();
    expect(test).toMatchObject({ ok: true });
    expect(test.version).toMatch(/^PostgreSQL \d+/);
    expect(test.latencyMs).toBeGreaterThan(0);
  });

  it("introspects tables, views, keys and row estimates", async () => {
    const { tables } = await connector.introspect();
    const byName = Object.fromEntries(tables.map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual(["customers", "items", "items_mv", "orders", "rich"]);
    expect(byName.rich).toMatchObject({ schema: "public", type: "view", approxRowCount: null });
    expect(byName.orders).toMatchObject({
      schema: "public",
      type: "table",
      primaryKey: ["id"],
      approxRowCount: 300,
      foreignKeys: [{ columns: ["customer_id"], referencedSchema: "public", referencedTable: "customers", referencedColumns: ["id"] }],
    });
    const cols = Object.fromEntries(byName.customers!.columns.map((c) => [c.name, c]));
    expect(cols.id).toMatchObject({ type: "integer", nullable: false, primaryKey: true });
    expect(cols.id!.default).toMatch(/nextval/);
    expect(cols.name).toMatchObject({ type: "text", nullable: false, primaryKey: false });
    expect(cols.balance).toMatchObject({ type: "numeric(12,2)", nullable: true });
    expect(cols.active).toMatchObject({ default: "true" });
  });

  it("returns typed, JSON-safe results", async () => {
    const res = await connector.run(
      `SELECT id, name, active, created_at, seen_at, balance, big, meta, photo, born,
              12345678901234567890.5::numeric AS huge, 2.5::float8 AS f, 'NaN'::float8 AS nan, ARRAY[1,2] AS arr, 1 AS id
         FROM customers ORDER BY 1`,
      read(),
    );
    expect(res.columns.map((c) => `${c.name}:${c.type}:${c.kind}`)).toEqual([
      "id:int4:number", "name:text:string", "active:bool:boolean", "created_at:timestamp:date", "seen_at:timestamptz:date",
      "balance:numeric:number", "big:int8:number", "meta:jsonb:json", "photo:bytea:binary", "born:date:date",
      "huge:numeric:number", "f:float8:number", "nan:float8:number", "arr:integer[]:json", "id_2:int4:number",
    ]);
    expect(res.rows[0]).toEqual({
      id: 1, name: "Ann", active: true, created_at: "2024-01-02T03:04:05", seen_at: "2024-01-02T01:04:05.000Z",
      balance: 1234.5, big: "9007199254740993", meta: { tier: "gold" }, photo: "AP8=", born: "1990-05-06",
      huge: "12345678901234567890.5", f: 2.5, nan: "NaN", arr: [1, 2], id_2: 1,
    });
    expect(res.rows[1]).toMatchObject({ big: 42, meta: null, created_at: null });
    expect(JSON.parse(JSON.stringify(res.rows))).toEqual(res.rows);
  });

  it("binds parameters over the extended protocol", async () => {
    const res = await connector.run("SELECT $1::int + 1 AS x, $2::text AS s", read(10, { params: [41, "a'b"] }));
    expect(res.rows).toEqual([{ x: 42, s: "a'b" }]);
  });

  it("caps rows at the cursor (an endless query still returns) and says when it cut", async () => {
    const endless = await connector.run("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r", read(100));
    expect(endless).toMatchObject({ rowCount: 100, truncated: true });
    expect(endless.rows.at(-1)).toEqual({ n: 100 });
    const exact = await connector.run("SELECT id FROM orders", read(300));
    expect(exact).toMatchObject({ rowCount: 300, truncated: false });
  });

  it("refuses writes on the read path and changes nothing", async () => {
    const before = await fingerprint();
    const attempts = [
      "INSERT INTO items VALUES (3, 'three')",
      "UPDATE items SET name = 'x'",
      "DELETE FROM items",
      "WITH gone AS (DELETE FROM items RETURNING *) SELECT * FROM gone",
      "SELECT * FROM (WITH d AS (DELETE FROM items RETURNING id) SELECT id FROM d) sub",
      "SELECT * INTO items_copy FROM items",
      "SELECT id, name INTO TEMP items_tmp FROM items",
      "SELECT nextval('item_seq')",
      "SELECT id FROM items WHERE id = setval('item_seq', 99)",
      "CREATE TABLE evil (x int)",
      "DROP TABLE items",
      "TRUNCATE items",
      "REFRESH MATERIALIZED VIEW items_mv",
      "DO $$ BEGIN DELETE FROM items; END $$",
      "COPY (SELECT 1) TO '/tmp/quarry-connector-test.txt'",
      "COPY items TO PROGRAM 'true'",
      "SELECT query_to_xml('DELETE FROM items RETURNING id', true, true, '')",
      "EXPLAIN ANALYZE DELETE FROM items",
    ];
    const allowed: string[] = [];
    for (const sql of attempts) {
      const outcome = await connector.run(sql, read()).then(() => null, (e: unknown) => e);
      if (!(outcome instanceof AppError && outcome.code === "QUERY_FAILED")) allowed.push(sql);
    }
    expect(allowed).toEqual([]);
    // Large objects slip past read-only checks, but the closing ROLLBACK still undoes them.
    await connector.run("SELECT lo_import('/etc/hostname')", read()).catch(() => undefined);
    expect((await direct.query("SELECT count(*)::int AS n FROM pg_largeobject_metadata")).rows[0].n).toBe(0);
    expect(await fingerprint()).toEqual(before);
  });

  it("leaves no session state behind on pooled connections", async () => {
    await connector.run("SELECT pg_advisory_lock(4242)", read());
    await connector.run("SELECT set_config('search_path', 'nowhere', false)", read());
    const locks = await direct.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242");
    expect(locks.rows[0].n).toBe(0);
    expect((await connector.run("SELECT count(*)::int AS n FROM items", read())).rows).toEqual([{ n: 2 }]);
  });

  it("rejects multi-statement input on both paths", async () => {
    for (const readOnly of [true, false]) {
      const err = await failure(connector.run("SELECT 1; DELETE FROM items", { ...read(), readOnly }));
      expect(err.message).toMatch(/multiple commands/);
    }
    expect((await connector.run("SELECT count(*)::int AS n FROM items", read())).rows).toEqual([{ n: 2 }]);
  });

  it("reports SQL errors with the engine message and position", async () => {
    const err = await failure(connector.run("SELECT nope FROM items", read()));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.message).toMatch(/column "nope" does not exist/);
    expect(err.details).toMatchObject({ code: "42703", position: 8 });
  });

  it("stops a statement at the timeout, and the connector keeps working", async () => {
    const started = Date.now();
    const err = await failure(connector.run("SELECT pg_sleep(5)", read(10, { timeoutMs: 500 })));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.message).toBe("Query exceeded the 500 ms timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await connector.run("SELECT 1 AS one", read())).rows).toEqual([{ one: 1 }]);
    const write = await failure(connector.run("SELECT pg_sleep(5)", { ...read(10, { timeoutMs: 500 }), readOnly: false }));
    expect(write.message).toBe("Query exceeded the 500 ms timeout");
    expect((await connector.run("SHOW statement_timeout", { ...read(10, { timeoutMs: 1234 }), readOnly: false })).rows).toEqual([
      { statement_timeout: "1234ms" },
    ]);
  });

  it("cancels a running query from outside, by tag and by AbortSignal", async () => {
    const running = connector.run("SELECT pg_sleep(10)", read(10, { queryTag: "pg-sleep-1" }));
    await new Promise((r) => setTimeout(r, 300));
    expect(await connector.cancel("pg-sleep-1")).toBe(true);
    expect((await failure(running)).message).toBe("Query was cancelled");
    expect(await connector.cancel("pg-sleep-1")).toBe(false);

    const controller = new AbortController();
    const aborted = connector.run("SELECT pg_sleep(10)", read(10, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 300);
    expect((await failure(aborted)).message).toBe("Query was cancelled");
    expect((await connector.run("SELECT 2 AS two", read())).rows).toEqual([{ two: 2 }]);
  });

  it("reports bad credentials as CONNECTION_FAILED without the password", async () => {
    const password = "sup3r-secret-pw-9876";
    // The test server trusts local connections, so an unknown role is the credential it refuses.
    const bad = createPostgresConnector({ ...config, username: "quarry_no_such_role", password });
    try {
      const err = await failure(bad.run("SELECT 1", read()));
      expect(err.code).toBe("CONNECTION_FAILED");
      expect(err.message).toMatch(/quarry_no_such_role/);
      expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain(password);
      const test = await bad.testConnection();
      expect(test.ok).toBe(false);
      expect(test.message).not.toContain(password);
    } finally {
      await bad.close();
    }
  });

  it("reports an unreachable server as CONNECTION_FAILED", async () => {
    const gone = createPostgresConnector({ ...config, port: 1, options: { connectTimeoutMs: 2_000 } });
    try {
      const err = await failure(gone.run("SELECT 1", read()));
      expect(err.code).toBe("CONNECTION_FAILED");
      expect(err.message).toMatch(/127\.0\.0\.1:1\//);
      expect((await gone.testConnection()).ok).toBe(false);
    } finally {
      await gone.close();
    }
  });

  it("streams 50,000 rows in batches and releases the connection when stopped early", async () => {
    let total = 0;
    let batches = 0;
    let columns: string[] = [];
    for await (const chunk of connector.stream("SELECT g AS n, md5(g::text) AS h FROM generate_series(1, 50000) g", {
      readOnly: true,
      timeoutMs: 30_000,
    })) {
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

    for await (const chunk of connector.stream("SELECT g FROM generate_series(1, 50000) g", { readOnly: true, timeoutMs: 30_000 })) {
      if ("rows" in chunk) break;
    }
    const open = await direct.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'",
      [dbName],
    );
    expect(open.rows[0].n).toBe(0);
  });

  it("exports CSV through COPY and refuses to be smuggled a second statement", async () => {
    let csv = "";
    for await (const chunk of connector.copyOut!("SELECT id, name FROM items ORDER BY id;", { readOnly: true, timeoutMs: 10_000 })) {
      csv += chunk.toString();
    }
    expect(csv).toBe("id,name\n1,one\n2,two\n");
    const smuggle = async () => {
      for await (const _ of connector.copyOut!("SELECT 1) TO STDOUT; DROP TABLE items; --", { readOnly: true, timeoutMs: 10_000 })) {
        // drain
      }
    };
    expect((await failure(smuggle())).code).toBe("QUERY_FAILED");
    expect((await connector.run("SELECT count(*)::int AS n FROM items", read())).rows).toEqual([{ n: 2 }]);

    let bytes = 0;
    for await (const chunk of connector.copyOut!("SELECT g, md5(g::text) FROM generate_series(1, 500000) g", {
      readOnly: true,
      timeoutMs: 30_000,
    })) {
      bytes += chunk.length;
      if (bytes > 100_000) break;
    }
    expect(bytes).toBeGreaterThan(100_000);
    expect((await connector.run("SELECT 4 AS four", read())).rows).toEqual([{ four: 4 }]);
    const copying = async () =>
      (
        await direct.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'COPY (SELECT g%' AND state = 'active'",
          [dbName],
        )
      ).rows[0].n as number;
    await expect.poll(copying, { timeout: 2_000 }).toBe(0);
  });

  it("exports every byte of a large result intact while the consumer lags", async () => {
    // A slow reader makes pg's parser reuse its buffer under queued rows: a regression
    // once silently corrupted exports that way.
    const hash = createHash("sha256");
    let lines = 0;
    let n = 0;
    for await (const chunk of connector.copyOut!("SELECT g, md5(g::text) AS h FROM generate_series(1, 200000) g ORDER BY g", {
      readOnly: true,
      timeoutMs: 60_000,
    })) {
      hash.update(chunk);
      for (const byte of chunk) if (byte === 10) lines++;
      if (++n % 3 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const expected = (
      await direct.query(
        "SELECT encode(sha256(convert_to('g,h' || chr(10) || string_agg(g || ',' || md5(g::text), chr(10) ORDER BY g) || chr(10), 'UTF8')), 'hex') AS h FROM generate_series(1, 200000) g",
      )
    ).rows[0].h as string;
    expect(lines).toBe(200_001);
    expect(hash.digest("hex")).toBe(expected);
  });

  it("estimates rows with EXPLAIN", async () => {
    const estimate = await connector.explainEstimate("SELECT * FROM orders WHERE customer_id = $1", { params: [1] });
    expect(estimate).toBeGreaterThan(50);
    expect(estimate).toBeLessThan(300);
    expect(await connector.explainEstimate("DELETE FROM orders")).toBe(300);
    expect((await connector.run("SELECT count(*)::int AS n FROM orders", read())).rows).toEqual([{ n: 300 }]);
  });

  it("writes on the write path and runs transactions that roll back or commit", async () => {
    const inserted = await connector.run("INSERT INTO items VALUES ($1, $2)", { ...read(), readOnly: false, params: [10, "ten"] });
    expect(inserted.affectedRows).toBe(1);
    const returning = await connector.run("UPDATE items SET name = upper(name) WHERE id >= 2 RETURNING id", { ...read(), readOnly: false });
    expect(returning).toMatchObject({ affectedRows: 2, rowCount: 2 });

    const dry = await connector.transaction(
      async (tx) => (await tx.run("DELETE FROM orders WHERE customer_id = 2", { maxRows: 5, timeoutMs: 5_000 })).affectedRows,
      { rollback: true },
    );
    expect(dry).toBe(150);
    await connector.transaction(async (tx) => {
      await tx.run("CREATE TABLE made_in_tx (x int)", { maxRows: 1, timeoutMs: 5_000 });
      await tx.run("INSERT INTO made_in_tx VALUES (1)", { maxRows: 1, timeoutMs: 5_000 });
    });
    await expect(
      connector.transaction(async (tx) => {
        await tx.run("INSERT INTO made_in_tx VALUES (2)", { maxRows: 1, timeoutMs: 5_000 });
        throw new Error("abandon");
      }),
    ).rejects.toThrow("abandon");
    const after = await direct.query("SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM made_in_tx) AS made");
    expect(after.rows[0]).toEqual({ orders: 300, made: 1 });
  });
});
