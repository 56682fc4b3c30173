import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable, services } from "@/test/services";
import { createPostgresConnector } from "../connectors/postgres";
import type { Connector } from "../connectors/types";
import { analyzeSql } from "./analyze";
import type { FunctionCatalog } from "./function-catalog";
import { checkReadPolicy } from "./read-policy";

/**
 * The read policy against the catalogue of a real PostgreSQL database holding the
 * kinds of objects that make a "read" run code: a volatile user function, an operator
 * and a cast-checked domain backed by it, a view calling it, dblink. Statements are
 * judged here without running; read-policy-postgres.integration.test.ts (services)
 * sends the same classes through the REST API and checks they had no effect.
 */
const available = await serviceAvailable("postgres");
const dbName = `quarry_policy_${randomBytes(5).toString("hex")}`;
let connector: Connector;
let catalog: FunctionCatalog;
let dblink = false;

function verdict(sql: string) {
  const analysis = analyzeSql(sql, "postgres");
  if (!analysis.ok) throw new Error(`does not analyze: ${sql}`);
  return checkReadPolicy(analysis.statements[0]!, "postgres", catalog);
}

describe.skipIf(!available)("read policy on a real PostgreSQL catalogue", () => {
  beforeAll(async () => {
    const admin = new pg.Client(services.postgres);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const c = new pg.Client({ ...services.postgres, database: dbName });
    await c.connect();
    await c.query(`
      CREATE TABLE items (id int PRIMARY KEY, name text, doc jsonb, created timestamptz DEFAULT now());
      CREATE FUNCTION bump(int) RETURNS int VOLATILE LANGUAGE sql AS 'SELECT $1 + 1';
      CREATE FUNCTION looks_stable(text) RETURNS text STABLE LANGUAGE plpgsql AS 'BEGIN RETURN $1; END';
      CREATE FUNCTION item_label(items) RETURNS text VOLATILE LANGUAGE sql AS 'SELECT $1.name';
    `);
    await c.query(`CREATE FUNCTION bump_eq(int, int) RETURNS boolean VOLATILE LANGUAGE sql AS 'SELECT $1 = $2'`);
    await c.query(`CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = bump_eq)`);
    await c.query(`CREATE FUNCTION positive(int) RETURNS boolean VOLATILE LANGUAGE sql AS 'SELECT $1 > 0'`);
    await c.query(`CREATE DOMAIN checked_int AS int CHECK (positive(VALUE))`);
    await c.query(`CREATE DOMAIN plain_int AS int CHECK (VALUE > 0)`);
    await c.query(`CREATE TYPE mood AS ENUM ('ok', 'sad')`);
    await c.query(`CREATE VIEW bumped AS SELECT bump(id) AS b FROM items`);
    await c.query(`CREATE VIEW over_bumped AS SELECT * FROM bumped`);
    await c.query(`CREATE VIEW plain_view AS SELECT id, lower(name) AS name FROM items`);
    await c.query(`CREATE FUNCTION shout(text) RETURNS text STABLE LANGUAGE sql AS $$ SELECT upper($1) || '!' $$`);
    await c.query(`CREATE FUNCTION shout_twice(text) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT shout(shout($1)) $$`);
    await c.query(`CREATE FUNCTION sneaky(int) RETURNS boolean STABLE LANGUAGE sql AS $$ SELECT pg_terminate_backend($1) $$`);
    await c.query(`CREATE FUNCTION sneakier(int) RETURNS boolean STABLE LANGUAGE sql AS $$ SELECT sneaky($1) $$`);
    await c.query(`CREATE VIEW shouted AS SELECT shout_twice(name) AS loud FROM items`);
    await c.query(`CREATE TABLE guarded (id int)`);
    await c.query(`ALTER TABLE guarded ENABLE ROW LEVEL SECURITY`);
    await c.query(`CREATE POLICY p ON guarded USING (bump(id) > 0)`);
    dblink = await c.query(`CREATE EXTENSION IF NOT EXISTS dblink`).then(
      () => true,
      () => false,
    );
    await c.end();
    connector = createPostgresConnector({ engine: "postgres", host: services.postgres.host, port: services.postgres.port, database: dbName, username: services.postgres.user });
    catalog = await connector.functionCatalog!();
  });

  afterAll(async () => {
    await connector?.close();
    const admin = new pg.Client(services.postgres);
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  });

  const refused: Record<string, string[]> = {
    "select list": [
      "SELECT pg_terminate_backend(12345)",
      "SELECT pg_cancel_backend(pid) FROM pg_stat_activity",
      "SELECT pg_sleep(1)",
      "SELECT set_config('search_path', 'x', false)",
      "SELECT nextval('s')",
      "SELECT pg_advisory_lock(1)",
      "SELECT pg_try_advisory_xact_lock(1)",
      "SELECT pg_read_file('/etc/passwd')",
      "SELECT lo_import('/etc/passwd')",
      "SELECT txid_current()",
      "SELECT pg_notify('c', 'x')",
    ],
    "FROM and LATERAL": [
      "SELECT * FROM pg_ls_dir('.')",
      "SELECT * FROM pg_ls_dir('.') AS f(n)",
      "SELECT * FROM items, LATERAL pg_read_file(items.name) r",
      "SELECT * FROM items CROSS JOIN LATERAL (SELECT pg_sleep(0.1)) s",
      "SELECT * FROM ROWS FROM (pg_ls_dir('.')) AS x",
      "SELECT * FROM (SELECT 1) s WHERE EXISTS (SELECT pg_sleep(1))",
      "WITH x AS (SELECT pg_advisory_lock(42)) SELECT * FROM x",
    ],
    "attribute notation": [
      "SELECT (pid).pg_terminate_backend FROM pg_stat_activity",
      "SELECT ('/etc/passwd'::text).pg_read_file",
      "SELECT (t.x).pg_read_file FROM (SELECT '/etc/passwd'::text AS x) t",
      "SELECT (x).pg_advisory_lock FROM (SELECT 1::bigint AS x) s",
      "SELECT (1).bump",
      "SELECT i.item_label FROM items i",
      'SELECT (pid)."pg_cancel_backend" FROM pg_stat_activity',
    ],
    "quoted and qualified names": [
      'SELECT "pg_catalog"."pg_sleep"(1)',
      "SELECT pg_catalog.pg_terminate_backend(1)",
      'SELECT "pg_sleep"(1)',
      "SELECT PG_CATALOG.PG_SLEEP(1)",
      "SELECT public.bump(1)",
      'SELECT U&"pg_sl\\0065ep"(1)',
      "SELECT pg_catalog . pg_sleep (1)",
    ],
    casts: [
      "SELECT CAST(pg_sleep(1) AS text)",
      "SELECT pg_sleep(1)::text",
      "SELECT 5::checked_int",
      "SELECT CAST(5 AS checked_int)",
      "SELECT checked_int '5'",
      "SELECT '5'::public.checked_int",
    ],
    "user-defined functions": [
      "SELECT bump(1)",
      "SELECT looks_stable('x')",
      "SELECT id FROM items WHERE bump(id) > 0",
      "SELECT count(*) FILTER (WHERE bump(id) > 1) FROM items",
      "SELECT no_such_function(1)",
      "SELECT sneaky(1)",
      "SELECT sneakier(1)",
      "SELECT (1).sneaky",
    ],
    operators: ["SELECT 1 === 1", "SELECT id FROM items WHERE id===1", "SELECT 1 OPERATOR(public.===) 1"],
    "views and row security policies": ["SELECT * FROM bumped", "SELECT * FROM over_bumped", "SELECT b FROM public.bumped", "SELECT count(*) FROM guarded"],
    "SQL strings run by functions": [
      "SELECT query_to_xml('select pg_terminate_backend(1)', true, true, '')",
      "SELECT query_to_xml_and_xmlschema('select 1', true, true, '')",
      "SELECT ts_stat('select pg_sleep(10)::text::tsvector')",
      "SELECT ts_rewrite('a'::tsquery, 'select ''a''::tsquery, pg_sleep(1)::text::tsquery')",
      "SELECT table_to_xml('items', true, true, '')",
      "SELECT cursor_to_xml('c', 1, true, true, '')",
      "SELECT database_to_xml(true, true, '')",
      "SELECT schema_to_xml('public', true, true, '')",
    ],
    dblink: [
      "SELECT dblink_exec('dbname=test', 'create table x()')",
      "SELECT * FROM dblink('dbname=test', 'select 1') AS t(x int)",
      "SELECT dblink_connect('c', 'dbname=test')",
      "SELECT public.dblink_disconnect()",
    ],
  };

  for (const [kind, statements] of Object.entries(refused)) {
    it(`refuses ${kind}`, () => {
      for (const sql of statements) {
        const v = verdict(sql);
        expect(v.ok, sql).toBe(false);
        if (!v.ok) expect(v.reasons.join(" "), sql).toMatch(/\w/);
      }
    });
  }

  it("says why, in words a reader can act on", () => {
    const unknown = verdict("SELECT no_such_function(1)");
    expect(unknown).toMatchObject({ ok: false, catalogMiss: true });
    expect(!unknown.ok && unknown.reasons[0]).toMatch(/cannot verify that no_such_function\(\) is read-only/);
    const attribute = verdict("SELECT (pid).pg_terminate_backend FROM pg_stat_activity");
    expect(!attribute.ok && attribute.reasons[0]).toMatch(/attribute notation.*signals/);
    const user = verdict("SELECT looks_stable('x')");
    expect(!user.ok && user.reasons[0]).toMatch(/cannot verify that public\.looks_stable\(\) is read-only: it is a user-defined function \(plpgsql\)/);
    const volatile = verdict("SELECT bump(1)");
    expect(!volatile.ok && volatile.reasons[0]).toMatch(/public\.bump\(\) is VOLATILE/);
  });

  it("knows whether dblink was installable here", () => {
    // Either way the dblink names above are refused: by the extension deny-list when it is
    // installed, as unknown functions when it is not.
    expect(typeof dblink).toBe("boolean");
    if (dblink) expect(catalog.functionsByName.get("dblink_exec")?.[0]?.extension).toBe("dblink");
  });

  const allowed = [
    "SELECT i.id, i.name, j.id FROM items i JOIN items j ON j.id = i.id LEFT JOIN items k USING (id)",
    "WITH recent AS (SELECT * FROM items WHERE created > now() - interval '7 days') SELECT count(*) FROM recent",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
    "SELECT id, row_number() OVER (PARTITION BY name ORDER BY id), sum(id) OVER w FROM items WINDOW w AS (ORDER BY id)",
    "SELECT date_trunc('month', created), to_char(created, 'YYYY-MM'), extract(year FROM created), age(created) FROM items",
    "SELECT doc->>'a', doc->'b'->0, doc #>> '{a,b}', doc @> '{\"a\":1}', doc ? 'a', jsonb_array_elements(doc->'xs') FROM items",
    "SELECT lower(name), upper(name), length(name), substring(name FROM 2 FOR 3), position('a' IN name), trim(both ' ' FROM name), overlay(name placing 'x' from 1 for 1), name || '!', split_part(name, ',', 1), regexp_replace(name, 'a', 'b') FROM items",
    "SELECT n FROM generate_series(1, 10) AS g(n)",
    "SELECT n FROM generate_series(1, 10) g(n)",
    "SELECT d::date FROM generate_series(now(), now() + interval '3 days', interval '1 day') AS d",
    "SELECT count(*) FILTER (WHERE id > 1), avg(id), percentile_cont(0.5) WITHIN GROUP (ORDER BY id), string_agg(name, ',' ORDER BY name), array_agg(DISTINCT id) FROM items",
    "SELECT CAST(id AS numeric(10, 2)), id::text, name::varchar(20), '5'::plain_int, 'ok'::mood, created::date, '1'::int4[], CAST('1' AS double precision) FROM items",
    "SELECT coalesce(name, 'x'), nullif(name, ''), greatest(1, 2), least(1, 2), CASE WHEN id > 1 THEN 'a' ELSE 'b' END FROM items",
    "SELECT * FROM items WHERE id IN (1, 2) AND id = ANY (ARRAY[1, 2]) AND id <> ALL ('{3}') AND EXISTS (SELECT 1) AND name LIKE 'a%'",
    "SELECT ROW(1, 2), ARRAY(SELECT id FROM items), current_date, current_timestamp, localtimestamp, now(), random(), gen_random_uuid(), clock_timestamp()",
    "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(id, name)",
    "SELECT * FROM items i, LATERAL (SELECT count(*) FROM items j WHERE j.id < i.id) c",
    "SELECT i.name, i.id FROM public.items i ORDER BY i.id DESC NULLS LAST LIMIT 10 OFFSET 1",
    "SELECT * FROM plain_view",
    "SELECT shout(name), shout_twice(name), (name).shout FROM items",
    "SELECT * FROM shouted",
    "SELECT s.system, s.type, s.status FROM (SELECT 1 AS system, 2 AS type, 3 AS status) s",
    "SELECT pg_size_pretty(pg_total_relation_size('items')), current_setting('TimeZone'), version(), pg_typeof(1)",
    "SELECT json_build_object('a', 1), to_jsonb(i), row_to_json(i) FROM items i",
    "SELECT id FROM items GROUP BY ROLLUP (id), CUBE (name)",
    "SELECT * FROM items TABLESAMPLE SYSTEM (50) REPEATABLE (1)",
    "SELECT date '2024-01-01', timestamp '2024-01-01 10:00', interval '1 hour'",
    "EXPLAIN SELECT * FROM items",
  ];

  it("lets ordinary analyst reads through", () => {
    const failures = allowed.map((sql) => ({ sql, verdict: verdict(sql) })).filter((r) => !r.verdict.ok);
    expect(failures).toEqual([]);
  });

  it("shares one catalogue load between concurrent callers and caches it", async () => {
    const [a, b] = await Promise.all([connector.functionCatalog!(), connector.functionCatalog!()]);
    expect(a).toBe(b);
    expect(await connector.functionCatalog!()).toBe(a);
  });
});
