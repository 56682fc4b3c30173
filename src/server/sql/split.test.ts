import { describe, expect, it } from "vitest";
import { splitStatements, type SqlDialect } from "./index";

function texts(sql: string, dialect: SqlDialect): string[] {
  const slices = splitStatements(sql, dialect);
  for (const s of slices) expect(sql.slice(s.start, s.end)).toBe(s.text);
  return slices.map((s) => s.text);
}

describe("splitStatements", () => {
  it("returns trimmed slices with offsets into the input", () => {
    const sql = "  SELECT 1 ;\n\nSELECT 2;";
    expect(splitStatements(sql, "postgres")).toEqual([
      { text: "SELECT 1", start: 2, end: 10 },
      { text: "SELECT 2", start: 14, end: 22 },
    ]);
  });

  it("skips empty statements and comment-only tails but keeps comments inside statements", () => {
    expect(texts(";; SELECT 1;;\n-- trailing note", "sqlite")).toEqual(["SELECT 1"]);
    expect(texts("SELECT 1; -- about the next one\nSELECT 2", "sqlite")).toEqual(["SELECT 1", "-- about the next one\nSELECT 2"]);
  });

  it.each(["postgres", "mysql", "sqlite"] as const)("ignores semicolons in strings and comments (%s)", (dialect) => {
    expect(texts("SELECT 'a;b', 'it''s;'; SELECT 2 /* ; */ -- ;\n; SELECT 3", dialect)).toEqual([
      "SELECT 'a;b', 'it''s;'",
      "SELECT 2 /* ; */ -- ;",
      "SELECT 3",
    ]);
  });

  it("respects PostgreSQL dollar quotes, quoted identifiers, E-strings and nested comments", () => {
    expect(texts("SELECT $$a;b$$; SELECT $fn$ $$; $fn$; SELECT 3", "postgres")).toEqual(["SELECT $$a;b$$", "SELECT $fn$ $$; $fn$", "SELECT 3"]);
    expect(texts('SELECT "a;""b"; SELECT 2', "postgres")).toEqual(['SELECT "a;""b"', "SELECT 2"]);
    expect(texts("SELECT E'\\';'; SELECT 2", "postgres")).toEqual(["SELECT E'\\';'", "SELECT 2"]);
    expect(texts("SELECT 1 /* a /* b */ ; */; SELECT 2", "postgres")).toEqual(["SELECT 1 /* a /* b */ ; */", "SELECT 2"]);
  });

  it("does not take $1 parameters or identifiers containing $ for dollar quotes", () => {
    expect(texts("SELECT $1; SELECT a$b$c FROM t; SELECT 3", "postgres")).toEqual(["SELECT $1", "SELECT a$b$c FROM t", "SELECT 3"]);
  });

  it("treats backslashes per dialect", () => {
    // PostgreSQL standard strings: the backslash is a character, the quote ends the string.
    expect(texts("SELECT 'a\\'; SELECT 2", "postgres")).toEqual(["SELECT 'a\\'", "SELECT 2"]);
    // MySQL: backslash escapes, so this is one string.
    expect(texts("SELECT 'a\\'; SELECT 2'", "mysql")).toEqual(["SELECT 'a\\'; SELECT 2'"]);
    expect(texts("SELECT 'a\\'; SELECT 2", "sqlite")).toEqual(["SELECT 'a\\'", "SELECT 2"]);
  });

  it("follows MySQL comment rules", () => {
    expect(texts("SELECT 1 # x;\n; SELECT 2", "mysql")).toEqual(["SELECT 1 # x;", "SELECT 2"]);
    // `--` needs whitespace after it in MySQL, so `--1;` is arithmetic followed by a semicolon.
    expect(texts("SELECT 1 --1; SELECT 2", "mysql")).toEqual(["SELECT 1 --1", "SELECT 2"]);
    expect(texts("SELECT 1 --1; SELECT 2", "postgres")).toEqual(["SELECT 1 --1; SELECT 2"]);
    // Executable comments are code to MySQL.
    expect(texts("SELECT 1 /*!50000 ; SELECT 2 */", "mysql")).toEqual(["SELECT 1 /*!50000", "SELECT 2 */"]);
    expect(texts("SELECT \"a;b\", `c;d`; SELECT 2", "mysql")).toEqual(["SELECT \"a;b\", `c;d`", "SELECT 2"]);
  });

  it("ends line comments where each server does", () => {
    expect(texts("SELECT 1 -- x\r; SELECT 2", "postgres")).toEqual(["SELECT 1 -- x", "SELECT 2"]);
    expect(texts("SELECT 1 -- x\r; SELECT 2", "sqlite")).toEqual(["SELECT 1 -- x\r; SELECT 2"]);
    // MySQL keeps a lone CR in the comment, so the quote after it is not a string.
    expect(texts("SELECT 1 -- x\r'\n; SELECT 2; -- '", "mysql")).toEqual(["SELECT 1 -- x\r'", "SELECT 2"]);
  });

  it("handles SQLite bracket identifiers", () => {
    expect(texts("SELECT [a;b] FROM t; SELECT 2", "sqlite")).toEqual(["SELECT [a;b] FROM t", "SELECT 2"]);
  });

  it("keeps routine bodies together", () => {
    const pgFunction =
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END";
    expect(texts(`${pgFunction}; SELECT 3`, "postgres")).toEqual([pgFunction, "SELECT 3"]);
    const mysqlProcedure = "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; lbl: BEGIN SELECT 2; END lbl; END";
    expect(texts(`${mysqlProcedure}; SELECT 4`, "mysql")).toEqual([mysqlProcedure, "SELECT 4"]);
  });

  it("does not keep bodies together for statements that are not routine definitions", () => {
    expect(texts("BEGIN; SELECT 1; END", "sqlite")).toEqual(["BEGIN", "SELECT 1", "END"]);
    // Column names that happen to be routine keywords must not open a body.
    expect(texts("CREATE TABLE t (trigger int, begin int); COMMIT", "mysql")).toEqual(["CREATE TABLE t (trigger int, begin int)", "COMMIT"]);
  });
});
