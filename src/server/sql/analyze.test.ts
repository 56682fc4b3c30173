import { describe, expect, it } from "vitest";
import { analyzeSql, PARSED_WITH_FALLBACK, parserDatabase, type SqlAnalysis, type SqlDialect } from "./index";

function analyzed(sql: string, dialect: SqlDialect): Extract<SqlAnalysis, { ok: true }> {
  const result = analyzeSql(sql, dialect);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error.message}`);
  return result;
}

const plainReads: [SqlDialect, string][] = [
  ["postgres", "SELECT u.id, o.total FROM users u JOIN orders o ON o.user_id = u.id WHERE o.total > 10 LIMIT 10"],
  ["postgres", "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 5)"],
  ["postgres", "SELECT id, row_number() OVER (PARTITION BY team ORDER BY score DESC) AS rank FROM players"],
  ["postgres", "WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '1 day') SELECT count(*) FROM recent"],
  ["postgres", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n"],
  ["postgres", "SELECT id FROM a UNION SELECT id FROM b ORDER BY id"],
  ["postgres", "SELECT 'DROP TABLE x' AS sql_text"],
  ["postgres", "SELECT update_count, deleted_at, created_by, insert_ts FROM stats"],
  ["postgres", "SELECT $$; DROP TABLE users; $$ AS body"],
  ["postgres", "SELECT E'it\\'s; DELETE FROM t' AS s"],
  ["postgres", "SELECT replace(name, 'a', 'b') FROM users"],
  ["postgres", "SELECT count(*) FILTER (WHERE active) FROM users"],
  ["postgres", "SELECT * FROM users WHERE name ILIKE '%update%' -- ; DROP TABLE users"],
  ["postgres", "SELECT i FROM generate_series(1, 10) AS g(i)"],
  ["postgres", "SELECT t.update FROM t"],
  ["postgres", "SELECT \"delete\" FROM t"],
  ["postgres", "EXPLAIN SELECT * FROM users"],
  ["postgres", "EXPLAIN (FORMAT JSON) SELECT id FROM users"],
  ["postgres", "SHOW search_path"],
  ["postgres", "TABLE users"],
  ["postgres", "VALUES (1, 'a'), (2, 'b')"],
  ["mysql", "SELECT u.id, COUNT(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id LIMIT 5"],
  ["mysql", "SELECT INSERT('Quadratic', 3, 4, 'What')"],
  ["mysql", "SELECT REPLACE(name, 'a', 'b') FROM users LIMIT 1"],
  ["mysql", "SELECT name FROM users WHERE id = 1 /* FOR UPDATE */"],
  ["mysql", "SELECT id, RANK() OVER (ORDER BY score) FROM players"],
  ["mysql", "WITH t AS (SELECT 1 AS x) SELECT x FROM t"],
  ["mysql", "SELECT id FROM a UNION ALL SELECT id FROM b"],
  ["mysql", "SELECT CAST(name AS CHAR CHARACTER SET utf8mb4) FROM users"],
  ["mysql", "SELECT * FROM users WHERE note = 'LOCK TABLES x WRITE; DROP TABLE users'"],
  ["mysql", "SELECT `update`, update_count FROM t"],
  ["mysql", "SELECT 1 - -1"],
  ["mysql", "SELECT TRUNCATE(price, 2) AS p FROM items LIMIT 1"],
  ["postgres", "SELECT lock, mode FROM locks_report"],
  ["mysql", "SHOW TABLES"],
  ["mysql", "SHOW CREATE TABLE users"],
  ["mysql", "DESCRIBE users"],
  ["mysql", "EXPLAIN SELECT * FROM users"],
  ["sqlite", "SELECT * FROM users u JOIN orders o ON o.user_id = u.id LIMIT 10"],
  ["sqlite", "SELECT name FROM sqlite_master WHERE type = 'table'"],
  ["sqlite", "SELECT * FROM (SELECT id FROM users WHERE id > 3) s"],
  ["sqlite", "WITH x AS (SELECT 1 AS a) SELECT a FROM x"],
  ["sqlite", "SELECT a FROM t UNION ALL SELECT b FROM u"],
  ["sqlite", "SELECT id, sum(n) OVER (ORDER BY id) FROM t"],
  ["sqlite", "SELECT [update_count] FROM stats"],
  ["sqlite", "SELECT group_concat(name, ';') FROM users"],
  ["sqlite", "SELECT * FROM pragma_table_info('users')"],
  ["sqlite", "PRAGMA table_info(users)"],
  ["sqlite", "PRAGMA main.index_list('users')"],
  ["sqlite", "PRAGMA user_version"],
  ["sqlite", "EXPLAIN QUERY PLAN SELECT * FROM users"],
];

describe("plain reads", () => {
  it.each(plainReads)("%s: %s", (dialect, sql) => {
    const result = analyzed(sql, dialect);
    expect(result.kind).toBe("read");
    expect(result.statements).toHaveLength(1);
    expect(result.statements[0]!.reasons.filter((r) => r !== PARSED_WITH_FALLBACK)).toEqual([]);
  });

  it.each([
    ["postgres", "SELECT id FROM users WHERE id = 1"],
    ["mysql", "SELECT id FROM users WHERE id = 1"],
    ["sqlite", "SELECT id FROM users WHERE id = 1"],
  ] as const)("uses the real parser for %s (no fallback)", (dialect, sql) => {
    expect(analyzed(sql, dialect).statements[0]!.reasons).toEqual([]);
  });

  it("maps dialects to node-sql-parser databases", () => {
    expect([parserDatabase("postgres"), parserDatabase("mysql"), parserDatabase("sqlite")]).toEqual(["PostgresQL", "MySQL", "Sqlite"]);
  });
});

describe("statement kinds and operations", () => {
  it.each([
    ["postgres", "INSERT INTO t (a) VALUES (1)", "write", "INSERT"],
    ["postgres", "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2", "write", "INSERT"],
    ["postgres", "UPDATE t SET a = 1 WHERE id = 2 RETURNING *", "write", "UPDATE"],
    ["postgres", "DELETE FROM t WHERE id = 1", "write", "DELETE"],
    ["postgres", "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "write", "MERGE"],
    ["postgres", "WITH x AS (SELECT 1) DELETE FROM t", "write", "DELETE"],
    ["mysql", "INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = 2", "write", "INSERT"],
    ["mysql", "REPLACE INTO t (a) VALUES (1)", "write", "REPLACE"],
    ["mysql", "SELECT * FROM t INTO OUTFILE '/tmp/t.csv'", "write", "SELECT"],
    ["sqlite", "INSERT OR IGNORE INTO t (a) VALUES (1)", "write", "INSERT"],
    ["postgres", "EXPLAIN ANALYZE DELETE FROM t", "write", "EXPLAIN"],
    ["postgres", "EXPLAIN ANALYZE EXECUTE prepared_stmt", "other", "EXPLAIN"],
    ["postgres", "CREATE TABLE x (id int)", "ddl", "CREATE_TABLE"],
    ["postgres", "CREATE UNIQUE INDEX i ON x (y)", "ddl", "CREATE_INDEX"],
    ["postgres", "CREATE OR REPLACE VIEW v AS SELECT 1", "ddl", "CREATE_VIEW"],
    ["postgres", "CREATE MATERIALIZED VIEW v AS SELECT 1", "ddl", "CREATE_MATERIALIZED_VIEW"],
    ["postgres", "CREATE TABLE x AS SELECT * FROM y", "ddl", "CREATE_TABLE"],
    ["postgres", "ALTER TABLE x ADD COLUMN y int", "ddl", "ALTER"],
    ["postgres", "DROP TABLE IF EXISTS x", "ddl", "DROP"],
    ["postgres", "TRUNCATE x", "ddl", "TRUNCATE"],
    ["postgres", "COMMENT ON TABLE x IS 'y'", "ddl", "COMMENT"],
    ["postgres", "SELECT * INTO y FROM x", "ddl", "SELECT"],
    ["mysql", "RENAME TABLE a TO b", "ddl", "RENAME"],
    ["sqlite", "CREATE TEMP TABLE x (id INTEGER)", "ddl", "CREATE_TABLE"],
    ["postgres", "BEGIN", "transaction", "BEGIN"],
    ["postgres", "COMMIT", "transaction", "COMMIT"],
    ["postgres", "ROLLBACK TO SAVEPOINT a", "transaction", "ROLLBACK"],
    ["postgres", "SAVEPOINT a", "transaction", "SAVEPOINT"],
    ["postgres", "RELEASE SAVEPOINT a", "transaction", "RELEASE"],
    ["postgres", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "transaction", "SET_TRANSACTION"],
    ["postgres", "END", "transaction", "END"],
    ["mysql", "START TRANSACTION READ WRITE", "transaction", "START_TRANSACTION"],
    ["mysql", "SET SESSION TRANSACTION READ WRITE", "transaction", "SET_TRANSACTION"],
    ["sqlite", "BEGIN TRANSACTION", "transaction", "BEGIN"],
    ["sqlite", "END TRANSACTION", "transaction", "END"],
    ["postgres", "SELECT * FROM t FOR UPDATE", "other", "SELECT"],
    ["mysql", "SELECT * FROM t LOCK IN SHARE MODE", "other", "SELECT"],
    ["postgres", "SET statement_timeout = 0", "other", "SET"],
    ["postgres", "COPY t TO STDOUT", "other", "COPY"],
    ["postgres", "COPY t FROM STDIN", "write", "COPY"],
    ["postgres", "ANALYZE t", "other", "ANALYZE"],
    ["postgres", "REINDEX TABLE t", "other", "REINDEX"],
    ["postgres", "CLUSTER t", "other", "CLUSTER"],
    ["postgres", "REVOKE ALL ON t FROM PUBLIC", "ddl", "REVOKE"],
    ["mysql", "USE other_db", "other", "USE"],
    ["sqlite", "PRAGMA foreign_keys = OFF", "other", "PRAGMA"],
  ] as const)("%s: %s -> %s %s", (dialect, sql, kind, operation) => {
    const result = analyzed(sql, dialect);
    expect(result.kind).toBe(kind);
    expect(result.statements[0]!.operation).toBe(operation);
    expect(result.statements[0]!.reasons.length).toBeGreaterThan(0);
  });

  it("takes the most dangerous kind across statements", () => {
    expect(analyzed("SELECT 1; UPDATE t SET a = 1", "postgres").kind).toBe("write");
    expect(analyzed("SELECT 1; UPDATE t SET a = 1; CREATE TABLE x (a int)", "postgres").kind).toBe("ddl");
    expect(analyzed("DROP TABLE x; COMMIT", "postgres").kind).toBe("transaction");
    expect(analyzed("SELECT nextval('s'); SELECT 1", "postgres").kind).toBe("other");
    expect(analyzed("SELECT nextval('s'); DELETE FROM t", "postgres").kind).toBe("write");
  });

  it("names the side-effecting function in the reason", () => {
    const result = analyzed("SELECT id FROM t WHERE x IN (SELECT pg_catalog.PG_ADVISORY_XACT_LOCK(7))", "postgres");
    expect(result.kind).toBe("other");
    expect(result.statements[0]!.reasons.join(" ")).toContain("pg_advisory_xact_lock");
  });

  it("only flags functions of the statement's dialect", () => {
    expect(analyzed("SELECT sleep(1)", "mysql").kind).toBe("other");
    expect(analyzed("SELECT sleep(1)", "sqlite").kind).toBe("read");
  });

  it("explains why EXPLAIN ANALYZE of a write is a write", () => {
    const reasons = analyzed("EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", "postgres").statements[0]!.reasons;
    expect(reasons).toContain("EXPLAIN ANALYZE executes the UPDATE");
  });

  it("keeps each statement's own source slice and offsets", () => {
    const sql = "SELECT 1 /* ; */;\n  DELETE FROM t ;";
    const result = analyzed(sql, "postgres");
    expect(result.statements.map((s) => s.text)).toEqual(["SELECT 1 /* ; */", "DELETE FROM t"]);
    for (const s of result.statements) expect(sql.slice(s.start, s.end)).toBe(s.text);
  });

  it("treats a CREATE TRIGGER body as one DDL statement", () => {
    const result = analyzed("CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u; END; SELECT 1", "sqlite");
    expect(result.statements.map((s) => [s.operation, s.kind])).toEqual([
      ["CREATE_TRIGGER", "ddl"],
      ["SELECT", "read"],
    ]);
  });
});

describe("unparseable input", () => {
  it("finds the main statement after CTEs even when it is parenthesized", () => {
    expect(analyzed("WITH x AS (SELECT 1 AS a) (SELECT a FROM x)", "postgres").kind).toBe("read");
    expect(analyzed("WITH x AS (SELECT 1 AS a) (SELECT a FROM x) UNION (SELECT nextval('s'))", "postgres").kind).toBe("other");
  });

  it("survives input nested too deeply for the parser", () => {
    const deep = `SELECT ${"(".repeat(3000)}1${")".repeat(3000)}`;
    expect(analyzeSql(deep, "postgres")).toMatchObject({ ok: true, kind: "read" });
    expect(analyzeSql(`${deep}; DELETE FROM t`, "mysql")).toMatchObject({ ok: true, kind: "write" });
  });

  it("falls back to keywords for reads the parser does not know", () => {
    const result = analyzed("SELECT id FROM users FETCH FIRST 5 ROWS ONLY", "postgres");
    expect(result.kind).toBe("read");
    expect(result.statements[0]!.reasons).toEqual([PARSED_WITH_FALLBACK]);
    expect(result.statements[0]!.reasons[0]).toMatch(/parsed with fallback/i);
    expect(result.statements[0]!.tables).toEqual(["users"]);
  });

  it("keeps dangerous tokens dangerous when the parser gives up", () => {
    const result = analyzed("SELECT * FROM t FOR KEY SHARE SKIP LOCKED", "postgres");
    expect(result.kind).toBe("other");
    expect(result.statements[0]!.reasons).toContain(PARSED_WITH_FALLBACK);
  });

  it("reports a syntax error with line and column", () => {
    const result = analyzeSql("SELEC 1", "postgres");
    // The unknown first word is where the error is, in a short message (not the grammar's list).
    expect(result).toMatchObject({ ok: false, error: { line: 1, column: 1, offset: 0 } });
    if (!result.ok) expect(result.error.message).toBe('Syntax error near "SELEC" at line 1, column 1: did you mean SELECT?');
  });

  it("locates errors in later statements relative to the whole input", () => {
    const result = analyzeSql("SELECT 1;\n\n  FROBNICATE users", "mysql");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.line).toBe(3);
      expect(result.error.column).toBeGreaterThanOrEqual(3);
      expect(result.error.offset).toBeGreaterThanOrEqual(13);
    }
  });

  it.each(["", "   \n ", "-- nothing here\n/* at all */", ";;"])("rejects input with no statement: %j", (sql) => {
    const result = analyzeSql(sql, "sqlite");
    expect(result.ok).toBe(false);
  });
});

describe("tables", () => {
  it("lists joined and schema-qualified tables once", () => {
    const result = analyzed(
      "SELECT u.id FROM public.users u JOIN analytics.events e ON e.user_id = u.id LEFT JOIN public.users m ON m.id = u.manager_id",
      "postgres",
    );
    expect(result.tables).toEqual(["public.users", "analytics.events"]);
  });

  it("leaves CTE names out", () => {
    const result = analyzed("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN users ON users.id = recent.user_id", "postgres");
    expect(result.tables.sort()).toEqual(["orders", "users"]);
  });

  it("handles MySQL databases and SQLite schemas", () => {
    expect(analyzed("SELECT * FROM shop.orders o JOIN shop.items i ON i.order_id = o.id", "mysql").tables).toEqual(["shop.orders", "shop.items"]);
    expect(analyzed("SELECT * FROM main.users", "sqlite").tables).toEqual(["main.users"]);
  });

  it("collects tables across statements and from writes", () => {
    const result = analyzed("UPDATE public.users SET a = 1; DELETE FROM logs; SELECT 1 FROM public.users", "postgres");
    expect(result.statements.map((s) => s.tables)).toEqual([["public.users"], ["logs"], ["public.users"]]);
    expect(result.tables).toEqual(["public.users", "logs"]);
  });

  it("falls back to tokens for unparseable statements", () => {
    const result = analyzed('SELECT * FROM "Sales".orders o, customers c WHERE o.cid = c.id FOR UPDATE', "postgres");
    expect(result.tables).toEqual(["Sales.orders", "customers"]);
  });
});
