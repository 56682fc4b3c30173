import { describe, expect, it } from "vitest";
import { analyzeSql } from "./analyze";
import { keywordFor } from "./syntax-error";
import { sqlDialects, type SqlDialect, type SqlErrorLocation } from "./types";

/** The short reason the editor shows: the analysis error, or the one kept for the database's syntax error. */
function reason(sql: string, dialect: SqlDialect): SqlErrorLocation | undefined {
  const analysis = analyzeSql(sql, dialect);
  return analysis.ok ? analysis.statements[0]?.syntaxError : analysis.error;
}

/** A typo answers a short message with its position, not the parser's grammar. */
describe("syntax errors", () => {
  it.each(sqlDialects)("SELEC on %s names the word, where it is and what was meant", (engine) => {
    const analysis = analyzeSql("SELEC * FROM products", engine);
    expect(analysis.ok).toBe(false);
    if (analysis.ok) return;
    expect(analysis.error.message).toBe('Syntax error near "SELEC" at line 1, column 1: did you mean SELECT?');
    expect(analysis.error).toMatchObject({ line: 1, column: 1 });
    expect(analysis.error.message.length).toBeLessThan(80);
  });

  it("points into later lines", () => {
    const analysis = analyzeSql("SELECT 1;\n\nSELEC name\nFROM products", "postgres");
    expect(analysis.ok).toBe(false);
    if (analysis.ok) return;
    expect(analysis.error.message).toBe('Syntax error near "SELEC" at line 3, column 1: did you mean SELECT?');
    expect(analysis.error).toMatchObject({ line: 3, column: 1 });
  });

  // One class of typos on every dialect the analyser supports: [sql, message, line, column].
  const typos: [string, RegExp, number, number][] = [
    ["SELECT * FORM orders", /^Syntax error near "FORM" at line 1, column 10: did you mean FROM\?$/, 1, 10],
    ["SELECT *\nFROM orders\nWHRE id = 1", /^Syntax error near "WHRE" at line 3, column 1: did you mean WHERE\?$/, 3, 1],
    ["SELECT * FROM orders ORDR BY id", /^Syntax error near "ORDR" at line 1, column 22: did you mean ORDER\?$/, 1, 22],
    ["SELECT id FROM orders LIMT 5", /^Syntax error near "LIMT" at line 1, column 23: did you mean LIMIT\?$/, 1, 23],
    ["SELECT 'abc FROM orders", /^Unclosed quote: the string at line 1, column 8 never ends$/, 1, 8],
    ["SELECT id FROM orders\nWHERE name = 'it''s", /^Unclosed quote: the string at line 2, column 14 never ends$/, 2, 14],
    ["SELECT (1 + 2 FROM orders", /^Unclosed parenthesis: the "\(" at line 1, column 8 is never closed$/, 1, 8],
    ["SELECT count(* FROM orders", /^Unclosed parenthesis: the "\(" at line 1, column 13 is never closed$/, 1, 13],
    ["SELECT id) FROM orders", /^Unmatched "\)" at line 1, column 10$/, 1, 10],
    ["SELECT a, b, FROM orders", /^Trailing comma before "FROM" at line 1, column 14$/, 1, 14],
    ["SELECT a,\n  b,\nFROM orders", /^Trailing comma before "FROM" at line 3, column 1$/, 3, 1],
    ["SELECT id FROM orders WHERE id IN (1, 2,)", /^Trailing comma before "\)" at line 1, column 41$/, 1, 41],
  ];
  for (const dialect of sqlDialects) {
    it.each(typos)(`${dialect}: %j`, (sql, message, line, column) => {
      const found = reason(sql, dialect);
      expect(found?.message).toMatch(message);
      expect(found).toMatchObject({ line, column });
      // Short: no list of every token the grammar accepts.
      expect(found!.message.length).toBeLessThan(90);
      expect(found!.message).not.toMatch(/Expected|but .* found/);
    });
  }

  it("a quoted identifier left open is a name, not a string", () => {
    expect(reason('SELECT "total FROM orders', "postgres")?.message).toBe("Unclosed quote: the name at line 1, column 8 never ends");
    expect(reason("SELECT `total FROM orders", "mysql")?.message).toBe("Unclosed quote: the name at line 1, column 8 never ends");
  });

  it("a statement that stops short says so", () => {
    const found = reason("SELECT id FROM orders WHERE", "sqlite");
    expect(found?.message).toMatch(/^Syntax error: the statement ends too early \(line 1, column 28\)$/);
  });

  it("valid SQL keeps no syntax reason", () => {
    for (const dialect of sqlDialects) expect(reason("SELECT a, b FROM orders WHERE a IN (1, 2) ORDER BY b LIMIT 5", dialect)).toBeUndefined();
  });
});

describe("keywordFor", () => {
  it.each([
    ["FORM", "FROM"],
    ["selct", "SELECT"],
    ["WHERe", null],
    ["wher", "WHERE"],
    ["GRUOP", "GROUP"],
    ["orders", null],
    ["selected", null],
    ["limits", null],
    ["SELETC", "SELECT"],
    ["id", null],
    ["customers", null],
  ])("%s → %s", (word, keyword) => {
    expect(keywordFor(word)).toBe(keyword);
  });
});
