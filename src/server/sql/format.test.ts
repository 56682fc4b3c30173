import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { formatSql, formatterLanguage } from "./index";

describe("formatSql", () => {
  it.each(["postgres", "mysql", "sqlite"] as const)("formats %s", (dialect) => {
    expect(formatSql("select a,b from t where x=1", dialect)).toBe("SELECT\n  a,\n  b\nFROM\n  t\nWHERE\n  x = 1");
  });

  it("uses dialect syntax", () => {
    expect(formatSql("select $$a;b$$::text as x", "postgres")).toBe("SELECT\n  $$a;b$$::text AS x");
    expect(formatSql("select `a b` from t # note", "mysql")).toBe("SELECT\n  `a b`\nFROM\n  t # note");
    expect(formatSql("select [a b] from t", "sqlite")).toBe("SELECT\n  [a b]\nFROM\n  t");
  });

  it("maps dialects to sql-formatter languages", () => {
    expect([formatterLanguage("postgres"), formatterLanguage("mysql"), formatterLanguage("sqlite")]).toEqual(["postgresql", "mysql", "sqlite"]);
  });

  it("reports input it cannot tokenize as a BAD_REQUEST", () => {
    let caught: unknown;
    try {
      formatSql("select 'unterminated", "sqlite");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe("BAD_REQUEST");
    expect((caught as AppError).message).toMatch(/^Could not format the SQL: Parse error/);
  });
});
