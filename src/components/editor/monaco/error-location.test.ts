import { describe, expect, it } from "vitest";
import { errorOffset, guessOffset } from "./error-location";

describe("errorOffset", () => {
  const sql = "SELECT *\nFROM custmers\nWHERE x";

  it("uses line and column first", () => {
    expect(errorOffset(sql, { line: 2, column: 6 })).toBe(sql.indexOf("custmers"));
  });

  it("reads PostgreSQL's 1-based position", () => {
    expect(errorOffset(sql, { position: 15 })).toBe(14);
  });

  it("reads the parser's 0-based offset", () => {
    expect(errorOffset(sql, { offset: 9 })).toBe(9);
  });

  it("clamps and ignores nonsense", () => {
    expect(errorOffset(sql, { position: 999 })).toBe(sql.length);
    expect(errorOffset(sql, { line: 0 })).toBeNull();
    expect(errorOffset(sql, undefined)).toBeNull();
    expect(errorOffset(sql, { reason: "timeout" })).toBeNull();
  });
});

describe("guessOffset", () => {
  it("finds SQLite's near token", () => {
    expect(guessOffset("SELECT a,\nFROM t", 'near "FROM": syntax error')).toBe(10);
  });

  it("finds MySQL's near snippet on its line", () => {
    const sql = "SELECT 1\nFROM t WHERE";
    expect(guessOffset(sql, "You have an error in your SQL syntax; ... near 'WHERE' at line 2")).toBe(sql.indexOf("WHERE"));
  });

  it("reads Quarry's own line and column from the message", () => {
    const sql = "SELECT 'abc\nFROM t";
    expect(guessOffset("SELECT a,\n  b,\nFROM t", 'Trailing comma before "FROM" at line 3, column 1')).toBe(15);
    expect(guessOffset(sql, "Unclosed quote: the string at line 1, column 8 never ends")).toBe(7);
  });

  it("gives up on anything else", () => {
    expect(guessOffset("SELECT 1", "no such table: x")).toBeNull();
  });
});
