import { describe, expect, it } from "vitest";
import { splitStatements, statementAt } from "./sql-statements";

describe("splitStatements", () => {
  it("splits at top-level semicolons only", () => {
    const sql = "SELECT ';' AS a; -- x; y\nSELECT \"b;c\" FROM t /* ; */;\n\nSELECT $$ ; $$";
    expect(splitStatements(sql).map((s) => s.text)).toEqual([
      "SELECT ';' AS a",
      '-- x; y\nSELECT "b;c" FROM t /* ; */',
      "SELECT $$ ; $$",
    ]);
  });

  it("drops blank and comment-only pieces", () => {
    expect(splitStatements(" ; -- nothing\n ;SELECT 1;")).toEqual([{ start: 16, end: 24, text: "SELECT 1" }]);
  });
});

describe("statementAt", () => {
  const sql = "SELECT 1;\n\nSELECT 2\nFROM t;\n";

  it("finds the statement around the cursor", () => {
    expect(statementAt(sql, 3)?.text).toBe("SELECT 1");
    expect(statementAt(sql, sql.indexOf("FROM"))?.text).toBe("SELECT 2\nFROM t");
  });

  it("falls back to the statement before a blank stretch", () => {
    expect(statementAt(sql, sql.length)?.text).toBe("SELECT 2\nFROM t");
    expect(statementAt(sql, 10)?.text).toBe("SELECT 2\nFROM t");
    expect(statementAt("SELECT 1; ", 10)?.text).toBe("SELECT 1");
    expect(statementAt(sql, 9)?.text).toBe("SELECT 1");
  });

  it("keeps offsets that map back into the text", () => {
    const span = statementAt(sql, 14)!;
    expect(sql.slice(span.start, span.end)).toBe(span.text);
  });

  it("returns null for empty text", () => {
    expect(statementAt("  -- hi\n", 2)).toBeNull();
  });
});
