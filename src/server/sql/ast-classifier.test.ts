import { describe, expect, it } from "vitest";
import { classifyAst, tablesFromAst } from "./ast-classifier";
import { parseStatement } from "./parser";
import type { SqlDialect } from "./types";

// The AST layer is a second opinion behind the token scan, so it is tested on its own.
function astOf(sql: string, dialect: SqlDialect) {
  const parsed = parseStatement(sql, dialect);
  if (!parsed.ok) throw new Error(`the parser should accept ${sql}: ${parsed.message}`);
  return parsed;
}

describe("classifyAst", () => {
  it.each([
    ["postgres", "SELECT a FROM t JOIN u ON u.id = t.id", "read"],
    ["mysql", "SHOW TABLES", "read"],
    ["mysql", "EXPLAIN SELECT 1", "read"],
    ["postgres", "WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT * FROM x", "write"],
    ["postgres", "SELECT * INTO newt FROM t", "ddl"],
    ["mysql", "SELECT * FROM t INTO OUTFILE '/tmp/x'", "write"],
    ["mysql", "SELECT a INTO @x FROM t", "other"],
    ["mysql", "SELECT * FROM t FOR UPDATE", "other"],
    ["mysql", "SELECT * FROM t LOCK IN SHARE MODE", "other"],
    ["mysql", "LOAD DATA INFILE 'x' INTO TABLE t", "write"],
    ["mysql", "REPLACE INTO t VALUES (1)", "write"],
    ["sqlite", "INSERT OR REPLACE INTO t VALUES (1)", "write"],
    ["postgres", "TRUNCATE t", "ddl"],
    ["mysql", "RENAME TABLE a TO b", "ddl"],
    ["postgres", "GRANT SELECT ON t TO u", "ddl"],
    ["postgres", "BEGIN", "transaction"],
    ["mysql", "START TRANSACTION", "transaction"],
    ["postgres", "LOCK TABLE t", "other"],
    ["postgres", "CALL p()", "other"],
    ["sqlite", "ATTACH DATABASE 'x' AS y", "other"],
  ] as const)("%s: %s -> %s", (dialect, sql, kind) => {
    const parsed = astOf(sql, dialect);
    const verdict = classifyAst(parsed.asts[0], dialect);
    expect(verdict.kind).toBe(kind);
    expect(verdict.reasons.length > 0).toBe(kind !== "read");
  });

  it("reads SQLite's wrapped sub-statements", () => {
    const parsed = astOf("CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u; END", "sqlite");
    expect(classifyAst(parsed.asts[0], "sqlite").kind).toBe("ddl");
  });
});

describe("tablesFromAst", () => {
  it("formats schema-qualified names and drops CTE names", () => {
    const parsed = astOf("WITH x AS (SELECT * FROM s.orders) SELECT * FROM x JOIN public.users u ON u.id = x.uid", "postgres");
    expect(tablesFromAst(parsed.asts, parsed.tableList)).toEqual(["s.orders", "public.users"]);
  });
});
