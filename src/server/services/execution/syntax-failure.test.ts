import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { explainSyntaxFailure, isDatabaseSyntaxError } from "./syntax-failure";

const failed = (message: string, details: Record<string, unknown>) => new AppError("QUERY_FAILED", message, { details });
const statement = (text: string, start = 0) => ({ text, start });

describe("explainSyntaxFailure", () => {
  it("PostgreSQL: its 1-based position becomes line and column in the whole input", () => {
    const sql = "-- monthly\nSELECT id\nFROM orders WHERE";
    const out = explainSyntaxFailure(failed('syntax error at or near "WHERE"', { code: "42601", position: 23 }), "postgres", sql, statement(sql.slice(11), 11));
    expect(out).toMatchObject({ message: 'Syntax error near "WHERE" at line 3, column 13', details: { line: 3, column: 13, code: "42601" } });
    expect((out as AppError).details).not.toHaveProperty("position");
  });

  it("PostgreSQL: a statement that stops short", () => {
    const out = explainSyntaxFailure(failed("syntax error at end of input", { code: "42601", position: 25 }), "postgres", "SELECT id FROM orders WHERE", statement("SELECT id FROM orders WHERE"));
    expect(out).toMatchObject({ message: "Syntax error: the statement ends too early (line 1, column 28)", details: { line: 1, column: 28 } });
  });

  it("MySQL: the long manual sentence becomes near-what-and-where", () => {
    const sql = "SELECT id\nFROM orders\nWHERE id = = 1";
    const message = "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '= 1' at line 3";
    const out = explainSyntaxFailure(failed(message, { errno: 1064, code: "ER_PARSE_ERROR" }), "mysql", sql, statement(sql));
    expect(out).toMatchObject({ message: 'Syntax error near "=" at line 3, column 12', details: { line: 3, column: 12, databaseMessage: message } });
  });

  it("SQLite: near \"…\" is found in the statement", () => {
    const sql = "SELECT id FROM orders GROUP id";
    const out = explainSyntaxFailure(failed('near "id": syntax error', { code: "SQLITE_ERROR" }), "sqlite", sql, statement(sql));
    expect(out).toMatchObject({ message: 'Syntax error near "id" at line 1, column 8' });
  });

  it("the analyser's own reason wins when it has one", () => {
    const sql = "SELECT * FORM orders";
    const syntaxError = { message: 'Syntax error near "FORM" at line 1, column 10: did you mean FROM?', line: 1, column: 10, offset: 9 };
    const out = explainSyntaxFailure(failed('near "FORM": syntax error', { code: "SQLITE_ERROR" }), "sqlite", sql, { ...statement(sql), syntaxError });
    expect(out).toMatchObject({ message: syntaxError.message, details: { line: 1, column: 10, offset: 9 } });
  });

  it("other failures pass through unchanged", () => {
    const missing = failed("no such table: nope", { code: "SQLITE_ERROR" });
    expect(explainSyntaxFailure(missing, "sqlite", "SELECT * FROM nope", statement("SELECT * FROM nope"))).toBe(missing);
    const pgMissing = failed('relation "nope" does not exist', { code: "42P01", position: 15 });
    expect(explainSyntaxFailure(pgMissing, "postgres", "SELECT * FROM nope", statement("SELECT * FROM nope"))).toBe(pgMissing);
    const timeout = new AppError("QUERY_FAILED", "Query exceeded the 1000 ms timeout", { details: { reason: "timeout" } });
    expect(explainSyntaxFailure(timeout, "mysql", "SELECT 1", statement("SELECT 1"))).toBe(timeout);
    const plain = new Error("boom");
    expect(explainSyntaxFailure(plain, "postgres", "SELECT 1", statement("SELECT 1"))).toBe(plain);
  });

  it("recognises each engine's syntax errors only", () => {
    expect(isDatabaseSyntaxError("postgres", "x", { code: "42601" })).toBe(true);
    expect(isDatabaseSyntaxError("postgres", "syntax error", { code: "42P01" })).toBe(false);
    expect(isDatabaseSyntaxError("mysql", "x", { errno: 1064 })).toBe(true);
    expect(isDatabaseSyntaxError("mysql", "x", { errno: 1146 })).toBe(false);
    expect(isDatabaseSyntaxError("sqlite", "incomplete input", {})).toBe(true);
    expect(isDatabaseSyntaxError("sqlite", 'unrecognized token: "\'abc"', {})).toBe(true);
    expect(isDatabaseSyntaxError("sqlite", "no such column: x", {})).toBe(false);
  });
});
