import { describe, expect, it } from "vitest";
import { analyzeSql } from "./analyze";
import { buildCatalog, type CatalogFunction } from "./function-catalog";
import { collectFunctionRefs, type CallRef } from "./function-refs";
import { checkReadPolicy } from "./read-policy";
import type { SqlDialect } from "./types";

function statement(sql: string, dialect: SqlDialect = "postgres") {
  const analysis = analyzeSql(sql, dialect);
  if (!analysis.ok) throw new Error(`does not analyze: ${sql}`);
  return analysis.statements[0]!;
}

const refs = (sql: string, dialect: SqlDialect = "postgres") => collectFunctionRefs(statement(sql, dialect), dialect);
const calls = (sql: string, from?: CallRef["from"]) =>
  refs(sql)
    .calls.filter((c) => !from || c.from === from)
    .map((c) => (c.schema ? `${c.schema}.${c.name}` : c.name) + `:${c.context}`);

describe("collectFunctionRefs on the parser's AST", () => {
  it("finds functions in every clause the parser understands", () => {
    const sql = `SELECT f1(a), count(*) FILTER (WHERE f2(b)), row_number() OVER (ORDER BY f3(c))
      FROM f4(1) AS x(n), t, LATERAL f5(t.a) l
      WHERE f6(a) > 0 GROUP BY f7(a) HAVING sum(f8(a)) > 0 ORDER BY f9(a)`;
    const ast = calls(sql, "ast");
    for (const name of ["f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "count", "row_number", "sum"]) {
      expect(ast, name).toContain(`${name}:call`);
    }
    expect(refs(sql).parsed).toBe(true);
  });

  it("keeps quoted names exact and folds unquoted ones, schema included", () => {
    expect(calls('SELECT "pg_catalog"."PG_Sleep"(1), PG_CATALOG.NOW()', "ast")).toEqual(expect.arrayContaining(["pg_catalog.PG_Sleep:call", "pg_catalog.now:call"]));
  });

  it("reads cast targets and FROM aliases that declare columns", () => {
    const r = refs("SELECT CAST(a AS int), b::text FROM generate_series(1, 3) g(n)");
    expect(r.parsed).toBe(true);
    expect(r.types).toEqual(expect.arrayContaining(["int", "text"]));
    expect(r.aliases).toContain("g");
    // The parser refuses user-defined type names in casts; the tokens still see them.
    const custom = refs("SELECT CAST(a AS my_domain), b::public.other_type FROM t");
    expect(custom.types).toEqual(expect.arrayContaining(["my_domain", "other_type"]));
  });

  it("marks SQL keyword constructs as syntax, not calls", () => {
    const r = calls("SELECT coalesce(a, 1), nullif(a, 2), greatest(1, 2), extract(year FROM now()), current_date, a IN (1, 2) FROM t");
    expect(r).toEqual(expect.arrayContaining(["coalesce:keyword", "nullif:keyword", "greatest:keyword", "extract:keyword", "in:keyword"]));
    expect(r).not.toContain("coalesce:call");
  });
});

describe("collectFunctionRefs token backstop", () => {
  it("sees what the parser cannot: attribute notation, OPERATOR(), typed literals", () => {
    const r = refs("SELECT (pid).pg_terminate_backend, (t.x).pg_read_file, a OPERATOR(public.===) b, my_domain '5' FROM pg_stat_activity, t");
    expect(r.parsed).toBe(false);
    expect(r.attributes).toEqual(expect.arrayContaining(["pg_terminate_backend", "pg_read_file", "x"]));
    expect(r.operators).toContain("===");
    expect(r.types).toContain("my_domain");
  });

  it("finds calls in FROM, LATERAL and qualified with spaces", () => {
    expect(calls("SELECT * FROM pg_ls_dir('.') , LATERAL pg_catalog . pg_read_file('x') r", "tokens")).toEqual(
      expect.arrayContaining(["pg_ls_dir:call", "pg_catalog.pg_read_file:call"]),
    );
  });

  it("tells aliases, type modifiers and sampling methods from calls", () => {
    const r = calls("WITH r(n) AS (SELECT 1) SELECT x::varchar(10), CAST(y AS numeric(10, 2)) FROM r, (SELECT 1) s(a) TABLESAMPLE SYSTEM (5)", "tokens");
    expect(r).toEqual(expect.arrayContaining(["r:alias", "varchar:type", "numeric:type", "s:alias", "system:tablesample"]));
  });

  it("groups adjacent operator characters into one operator", () => {
    expect(refs("SELECT a->>'k', b #>> '{a}', c <-> d, e - -1 FROM t").operators).toEqual(expect.arrayContaining(["->>", "#>>", "<->", "-", "-"]));
  });

  it("also reads strings the way a backslash-escaping server would", () => {
    // With standard_conforming_strings=off the string ends at \' and pg_sleep is code.
    const r = refs("SELECT '\\'', pg_sleep(10) -- '");
    expect(r.calls.map((c) => c.name)).toContain("pg_sleep");
  });

  it("flags names written with Unicode escapes", () => {
    expect(refs('SELECT U&"pg_sl\\0065ep"(1)').unverifiable).toHaveLength(1);
  });
});

const fn = (oid: number, name: string, extra: Partial<CatalogFunction> = {}): CatalogFunction => ({
  oid,
  name,
  schema: "pg_catalog",
  volatility: "immutable",
  language: "internal",
  bootstrapOwner: true,
  extension: null,
  minArgs: 1,
  maxArgs: 1,
  variadic: false,
  ...extra,
});

describe("checkReadPolicy on a small catalogue", () => {
  const catalog = buildCatalog({
    functions: [
      fn(1, "lower"),
      fn(2, "pg_sleep", { volatility: "volatile" }),
      fn(3, "mine", { schema: "public", bootstrapOwner: false, language: "plpgsql", volatility: "stable" }),
      fn(4, "similarity", { schema: "public", extension: "pg_trgm", language: "c" }),
      fn(5, "dblink_exec", { schema: "public", extension: "dblink", language: "c", volatility: "volatile" }),
      fn(6, "random", { volatility: "volatile", minArgs: 0, maxArgs: 0 }),
      fn(7, "query_to_xml", { volatility: "stable", minArgs: 4, maxArgs: 4 }),
      fn(8, "texteq", { minArgs: 2, maxArgs: 2 }),
      fn(9, "evil_eq", { schema: "public", bootstrapOwner: false, language: "sql", volatility: "volatile", minArgs: 2, maxArgs: 2 }),
      fn(10, "mytype_eq", { schema: "public", bootstrapOwner: false, language: "sql", minArgs: 2, maxArgs: 2 }),
      fn(11, "mytype_lt", { schema: "public", bootstrapOwner: false, language: "sql", minArgs: 2, maxArgs: 2 }),
      fn(12, "helper", { schema: "public", bootstrapOwner: false, language: "sql", volatility: "stable", body: "SELECT lower($1)" }),
      fn(13, "sleeper", { schema: "public", bootstrapOwner: false, language: "sql", volatility: "stable", body: "SELECT helper($1), pg_sleep(1)" }),
      fn(14, "loop_a", { schema: "public", bootstrapOwner: false, language: "sql", volatility: "stable", body: "SELECT loop_b($1)" }),
      fn(15, "loop_b", { schema: "public", bootstrapOwner: false, language: "sql", volatility: "stable", body: "SELECT loop_a($1)" }),
      fn(16, "writer", { schema: "public", bootstrapOwner: false, language: "sql", volatility: "stable", body: "DELETE FROM t RETURNING 1" }),
    ],
    operators: [
      { name: "=", function: 8 },
      { name: "=", function: 10 },
      { name: "@@@", function: 11 },
      { name: "===", function: 9 },
      { name: "<", function: 8 },
      { name: "<", function: 9 },
    ],
    types: [{ name: "checked", schema: "public", functions: [3] }],
    views: [
      { name: "inner_v", schema: "public", functions: [2], dependsOn: [] },
      { name: "outer_v", schema: "public", functions: [], dependsOn: ["public.inner_v"] },
    ],
  });
  const judge = (sql: string) => checkReadPolicy(statement(sql), "postgres", catalog);

  it("allows built-in and vetted extension functions", () => {
    expect(judge("SELECT lower(a), similarity(a, b), random() FROM t WHERE a = b")).toEqual({ ok: true });
  });

  it("refuses volatile, user-defined, deny-listed and dangerous-extension functions", () => {
    for (const sql of ["SELECT pg_sleep(1)", "SELECT mine(1)", "SELECT query_to_xml('select 1', true, true, '')", "SELECT dblink_exec('x')"]) {
      expect(judge(sql).ok, sql).toBe(false);
    }
  });

  it("judges a user-defined SQL function by the statements in its body", () => {
    expect(judge("SELECT helper('X')")).toEqual({ ok: true });
    for (const sql of ["SELECT sleeper('x')", "SELECT loop_a(1)", "SELECT writer(1)", "SELECT (1).sleeper"]) expect(judge(sql).ok, sql).toBe(false);
    expect(judge("SELECT sleeper('x')")).toMatchObject({ reasons: [expect.stringMatching(/public\.sleeper\(\) runs SQL that is refused: .*pg_sleep/)] });
  });

  it("refuses unknown functions and says a fresher catalogue might help", () => {
    expect(judge("SELECT nope(1)")).toMatchObject({ ok: false, catalogMiss: true });
    expect(judge("SELECT n FROM lower('x') g(n)")).toEqual({ ok: true });
  });

  it("follows attribute notation, operators, casts and nested views to the function", () => {
    expect(judge("SELECT (1).pg_sleep")).toMatchObject({ ok: false });
    expect(judge("SELECT t.lower FROM t")).toEqual({ ok: true });
    expect(judge("SELECT 1 === 1")).toMatchObject({ ok: false });
    // A user type's own (immutable) `=` does not refuse every `=`; a volatile `<` refuses `<`; an unverified-only `@@@` is refused.
    expect(judge("SELECT 1 = 1")).toEqual({ ok: true });
    expect(judge("SELECT 1 < 2")).toMatchObject({ ok: false });
    expect(judge("SELECT 1 @@@ 2")).toMatchObject({ ok: false });
    expect(judge("SELECT 1::checked")).toMatchObject({ ok: false });
    expect(judge("SELECT * FROM outer_v")).toMatchObject({ ok: false });
  });

  it("stays cheap on long statements (it runs on every read)", () => {
    const calls = `SELECT ${Array.from({ length: 4000 }, (_, i) => `lower(c${i})`).join(" || ")} FROM t`;
    const operators = `SELECT 1 ${"<".repeat(150_000)} 2`;
    for (const sql of [calls, operators]) {
      const started = performance.now();
      checkReadPolicy({ text: sql }, "postgres", catalog);
      expect(performance.now() - started, sql.slice(0, 40)).toBeLessThan(3_000);
    }
  });

  it("caches nothing across catalogues: a new catalogue is judged afresh", () => {
    const empty = buildCatalog({ functions: [], operators: [], types: [], views: [] });
    expect(checkReadPolicy(statement("SELECT lower('x')"), "postgres", empty)).toMatchObject({ ok: false, catalogMiss: true });
  });
});

describe("checkReadPolicy without a catalogue (MySQL, SQLite)", () => {
  const mysql = (sql: string) => checkReadPolicy(statement(sql, "mysql"), "mysql", null);
  const sqlite = (sql: string) => checkReadPolicy(statement(sql, "sqlite"), "sqlite", null);

  it("refuses deny-listed functions in any position and spelling", () => {
    for (const sql of ["SELECT SLEEP(1)", "SELECT * FROM t WHERE `sleep`(1) = 0", "SELECT get_lock('x', 1)", "SELECT a FROM t ORDER BY benchmark(10, md5('a'))", "SELECT load_file('/etc/passwd')"]) {
      expect(mysql(sql).ok, sql).toBe(false);
    }
    for (const sql of ["SELECT load_extension('x')", 'SELECT "readfile"(\'/etc/passwd\')', "SELECT * FROM t WHERE writefile('x', 'y')"]) {
      expect(sqlite(sql).ok, sql).toBe(false);
    }
  });

  it("lets ordinary reads through", () => {
    expect(mysql("SELECT lower(name), COUNT(*), DATE_FORMAT(NOW(), '%Y') FROM t GROUP BY 1")).toEqual({ ok: true });
    expect(sqlite("SELECT lower(name), count(*), strftime('%Y', 'now') FROM t GROUP BY 1")).toEqual({ ok: true });
  });
});
