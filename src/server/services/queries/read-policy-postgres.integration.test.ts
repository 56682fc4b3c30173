import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { serviceAvailable, services } from "@/test/services";

/**
 * A reader with only can_read, on a real PostgreSQL database, tries each way a "read"
 * can make the server run a function: calls in every clause, FROM/LATERAL, attribute
 * notation, quoted and qualified names, casts to checked domains, user-defined
 * functions and operators, views, SQL strings run by functions, dblink. Each must be
 * refused with a 4xx on every read route (run, validate, export) and leave no trace:
 * the victim session lives, the sequence has not moved, no table appeared, no setting
 * stuck to the pooled session. Ordinary analyst reads must keep working.
 */

process.env.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE = "100000";

const available = await serviceAvailable("postgres");
const suffix = randomBytes(4).toString("hex");
const pgDb = `quarry_readpol_${suffix}`;
const target = (database = pgDb) => new pg.Client({ ...services.postgres, database });
const connstr = () => `dbname=${pgDb} host=${services.postgres.host} port=${services.postgres.port} user=${services.postgres.user}`;

describe.skipIf(!available)("read policy through the REST API on PostgreSQL", () => {
  let dataSourceId = "";
  let reader: Awaited<ReturnType<typeof signedInUser>>;
  let victim: pg.Client;
  let victimPid = 0;
  let dblink = false;

  const send = (sql: string) =>
    rest("POST", "/queries", { token: reader.token, body: { data_source_id: dataSourceId, query_text: sql }, headers: { "x-quarry-client-ip": `rp-${suffix}` } });

  async function fingerprint(): Promise<string> {
    const c = target();
    await c.connect();
    try {
      const r = await c.query(`SELECT (SELECT last_value || '/' || is_called FROM item_seq) AS seq,
        (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname LIKE 'pwned%') AS pwned,
        (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory') AS advisory,
        (SELECT count(*) FROM bump_log) AS bumps`);
      return JSON.stringify(r.rows[0]);
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    const admin = target(services.postgres.database);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pgDb}`);
    await admin.end();
    const c = target();
    await c.connect();
    await c.query(`CREATE TABLE items (id int PRIMARY KEY, name text, doc jsonb, created timestamptz DEFAULT now())`);
    await c.query(`INSERT INTO items VALUES (1, 'a', '{"k": 1, "xs": [1, 2]}'), (2, 'b', '{"k": 2, "xs": []}'), (3, 'c', '{}')`);
    await c.query(`CREATE SEQUENCE item_seq`);
    await c.query(`CREATE TABLE bump_log (at timestamptz DEFAULT now())`);
    dblink = await c.query(`CREATE EXTENSION IF NOT EXISTS dblink`).then(
      () => true,
      () => false,
    );
    // Each helper leaves a mark no rollback removes (a row written over dblink, on its own
    // connection), so "it did not run" is observable after the fact.
    const mark = dblink ? `PERFORM dblink_exec('${connstr()}', 'INSERT INTO bump_log DEFAULT VALUES')` : "PERFORM pg_advisory_lock(777)";
    for (const [fn, args, body] of [
      ["bump", "int", "RETURN $1 + 1"],
      ["bump_eq", "int, int", "RETURN $1 = $2"],
      ["positive", "int", "RETURN $1 > 0"],
    ]) {
      await c.query(`CREATE FUNCTION ${fn}(${args}) RETURNS ${fn === "bump" ? "int" : "boolean"} VOLATILE LANGUAGE plpgsql AS $$ BEGIN ${mark}; ${body}; END $$`);
    }
    await c.query(`CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = bump_eq)`);
    await c.query(`CREATE DOMAIN checked_int AS int CHECK (positive(VALUE))`);
    await c.query(`CREATE VIEW bumped AS SELECT bump(id) AS b FROM items`);
    // Marked STABLE, which PostgreSQL takes on trust: only its body says what it does.
    await c.query(`CREATE FUNCTION sneaky(int) RETURNS boolean STABLE LANGUAGE sql AS $$ SELECT pg_terminate_backend($1) $$`);
    await c.query(`CREATE FUNCTION shout(text) RETURNS text STABLE LANGUAGE sql AS $$ SELECT upper($1) || '!' $$`);
    await c.query(`CREATE VIEW shouted AS SELECT id, shout(name) AS loud FROM items`);
    await c.end();
    victim = target();
    await victim.connect();
    victimPid = (await victim.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    const { host, port, user } = services.postgres;
    dataSourceId = (await db.dataSource.create({ data: { name: `readpol-${suffix}`, engine: "postgres", host, port, database: pgDb, username: user } })).id;
    reader = await signedInUser("analyst");
    await grant(reader.user.id, dataSourceId, { canRead: true });
  }, 60_000);

  afterAll(async () => {
    await victim?.end().catch(() => {});
    const admin = target(services.postgres.database);
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`);
    await admin.end();
  }, 60_000);

  const attacks = (): Record<string, string[]> => ({
    "function in the select list": [
      `SELECT pg_terminate_backend(${victimPid})`,
      `SELECT pg_cancel_backend(${victimPid})`,
      "SELECT pg_sleep(5)",
      "SELECT set_config('application_name', 'pwned', false)",
      "SELECT nextval('item_seq')",
      "SELECT pg_advisory_lock(1)",
      "SELECT pg_read_file('/etc/hostname')",
    ],
    "FROM and LATERAL": [
      "SELECT * FROM pg_ls_dir('.')",
      "SELECT * FROM items, LATERAL pg_read_file('/etc/hostname') f",
      `SELECT * FROM pg_stat_activity a, LATERAL pg_terminate_backend(${victimPid}) t`,
      "SELECT * FROM items CROSS JOIN LATERAL (SELECT pg_advisory_lock(2)) l",
    ],
    "attribute notation": [
      `SELECT (pid).pg_terminate_backend FROM pg_stat_activity WHERE pid = ${victimPid}`,
      "SELECT ('/etc/hostname'::text).pg_read_file",
      "SELECT (t.x).pg_advisory_lock FROM (SELECT 3::bigint AS x) t",
      "SELECT ('application_name'::text).current_setting, (1).bump",
      `SELECT (${victimPid}).pg_cancel_backend`,
    ],
    "quoted and qualified names": [
      'SELECT "pg_catalog"."pg_sleep"(5)',
      `SELECT pg_catalog.pg_terminate_backend(${victimPid})`,
      "SELECT public.bump(1)",
      'SELECT "bump"(1)',
    ],
    casts: ["SELECT 5::checked_int", "SELECT CAST(5 AS public.checked_int)", "SELECT checked_int '5'", "SELECT bump(1)::text"],
    "user-defined function, operator and view": [
      `SELECT sneaky(${victimPid})`,
      `SELECT (${victimPid}).sneaky`,
      "SELECT bump(id) FROM items", "SELECT id FROM items WHERE id === 1", "SELECT * FROM bumped"],
    "functions that run SQL strings": [
      `SELECT query_to_xml('select pg_terminate_backend(${victimPid})', true, true, '')`,
      "SELECT ts_stat('select pg_advisory_lock(4)::text::tsvector')",
      "SELECT ts_rewrite('a'::tsquery, 'select ''a''::tsquery, pg_advisory_lock(5)::text::tsquery')",
      "SELECT table_to_xml('items', true, true, '')",
      "SELECT database_to_xml(true, true, '')",
    ],
    dblink: [
      `SELECT dblink_exec('${connstr()}', 'CREATE TABLE pwned1 ()')`,
      `SELECT * FROM dblink('${connstr()}', 'CREATE TABLE pwned2 () ; SELECT 1') AS t(x int)`,
      `SELECT ('${connstr()}'::text).dblink_connect`,
      "SELECT ('CREATE TABLE pwned3 ()'::text).dblink_exec",
    ],
  });

  it("refuses every class with a 4xx and no effect", async () => {
    const before = await fingerprint();
    const ran: string[] = [];
    const cancelled = victim.query("SELECT pg_sleep(1.5) AS slept"); // pg_cancel_backend would fail this
    for (const [kind, statements] of Object.entries(attacks())) {
      for (const sql of statements) {
        const started = Date.now();
        const res = await send(sql);
        if (res.status < 400 || res.status >= 500) ran.push(`${kind}: ${sql} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        expect(Date.now() - started, sql).toBeLessThan(4_000);
      }
    }
    expect(ran).toEqual([]);
    await expect(cancelled).resolves.toBeTruthy();
    expect((await victim.query("SELECT 1 AS alive")).rows[0]).toEqual({ alive: 1 });
    expect(await fingerprint()).toBe(before);
    // A setting or dblink connection left on the pooled session would show up in the next read.
    const next = await send("SELECT current_setting('application_name') AS app");
    expect(next.status).toBe(200);
    expect(JSON.stringify(next.body)).not.toContain("pwned");
  }, 120_000);

  it("answers with the reasons", async () => {
    const res = await send(`SELECT (pid).pg_terminate_backend FROM pg_stat_activity WHERE pid = ${victimPid}`);
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toMatch(/attribute notation/);
    const unknown = await send("SELECT no_such_function(1)");
    expect(unknown.status).toBe(403);
    expect(JSON.stringify(unknown.body)).toMatch(/cannot verify that no_such_function\(\) is read-only/);
    // Without dblink on the server its names are refused as unknown functions instead (still a 403 above).
    if (!dblink) console.warn("dblink is not installable on this PostgreSQL: its calls were refused by name only");
  });

  it("never EXPLAINs a refused read on validate", async () => {
    const before = await fingerprint();
    for (const sql of ["EXPLAIN ANALYZE SELECT (1).bump", "SELECT * FROM bumped", "SELECT 5::checked_int", "SELECT (3::bigint).pg_advisory_lock"]) {
      const res = await rest("POST", "/queries/validate", { token: reader.token, body: { sql, database_id: dataSourceId } });
      expect(res.status, sql).toBeLessThan(500);
      expect(JSON.stringify(res.body), sql).toMatch(/Refused on the read path/);
      expect(res.body.is_valid, sql).toBe(false);
    }
    expect(await fingerprint()).toBe(before);
  });

  it("checks a stored statement again at export time", async () => {
    // A run recorded before this policy existed (or through a path that skipped it).
    const run = await db.queryRun.create({
      data: { userId: reader.user.id, dataSourceId, sql: "SELECT (9::bigint).pg_advisory_lock, id FROM items", kind: "read", operation: "SELECT", status: "completed", source: "editor", finishedAt: new Date() },
    });
    const before = await fingerprint();
    for (const format of ["csv", "json"]) {
      const res = await rest("POST", `/queries/${run.id}/export`, { token: reader.token, body: { format } });
      expect(res.status, format).toBe(403);
    }
    expect(await fingerprint()).toBe(before);
  });

  it("keeps ordinary analyst reads working", async () => {
    const reads = [
      "SELECT i.id, j.name FROM items i JOIN items j ON j.id = i.id ORDER BY i.id",
      "WITH big AS (SELECT * FROM items WHERE id > 1) SELECT count(*) AS n FROM big",
      "SELECT id, row_number() OVER (ORDER BY id DESC) AS rn, sum(id) OVER () AS total FROM items",
      "SELECT date_trunc('day', created) AS d, to_char(created, 'YYYY-MM-DD') AS s, extract(year FROM created) AS y FROM items",
      "SELECT doc->>'k' AS k, doc->'xs'->0 AS first, doc #>> '{k}' AS k2, doc ? 'k' AS has_k, doc @> '{\"k\": 1}' AS one FROM items",
      "SELECT lower(name), upper(name) || '!', length(name), substring(name FROM 1 FOR 1), trim(name), position('a' IN name) FROM items",
      "SELECT n, n * 2 AS twice FROM generate_series(1, 5) AS g(n)",
      "SELECT count(*) FILTER (WHERE id > 1) AS later, avg(id) AS mean, string_agg(name, ',' ORDER BY name) AS names FROM items",
      "SELECT CAST(id AS numeric(10, 2)) AS n, id::text AS t, created::date AS d, '2024-01-01'::date + 1 AS next FROM items",
      "SELECT coalesce(nullif(name, 'a'), '-') AS n, greatest(id, 2) AS g, CASE WHEN id > 1 THEN 'x' ELSE 'y' END AS c FROM items",
      "SELECT * FROM items WHERE id IN (SELECT id FROM items WHERE EXISTS (SELECT 1)) AND id = ANY (ARRAY[1, 2, 3])",
      "SELECT jsonb_array_elements(doc->'xs') AS x, jsonb_build_object('id', id) AS o, now() > created AS past, random() < 2 AS r FROM items",
      "SELECT pg_size_pretty(pg_total_relation_size('items')) AS size",
      "SELECT s.loud, shout('x') AS x FROM shouted s",
    ];
    for (const sql of reads) {
      const res = await send(sql);
      expect(res.status, `${sql} → ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
    }
  }, 60_000);
});
