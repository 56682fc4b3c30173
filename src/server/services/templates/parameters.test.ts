import { describe, expect, it } from "vitest";
import { findParameterMarkers, parameterNames } from "@/lib/sql-parameters";
import { isAppError } from "@/server/errors";
import { bindParameters } from "./parameters";

describe("parameter markers", () => {
  it("finds {{name}} and :name in order, once per name", () => {
    expect(parameterNames("SELECT * FROM t WHERE a = {{ start }} AND b = :limit_x AND c = {{start}}")).toEqual(["start", "limit_x"]);
  });

  it("ignores markers in strings, identifiers, comments, dollar quotes and :: casts", () => {
    const sql = `SELECT ':nope', "{{nope}}", \`:nope\`, $$ :nope $$, $t$ {{nope}} $t$, x::int, '{{it''s}}' -- :nope
      /* {{nope}} */ FROM t WHERE y = :yes AND ts = '10:30'`;
    expect(parameterNames(sql)).toEqual(["yes"]);
  });

  it("keeps positions so the text around each marker is untouched", () => {
    const [m] = findParameterMarkers("a = {{x}};");
    expect(m).toEqual({ name: "x", start: 4, end: 9 });
  });
});

describe("binding", () => {
  it("numbers PostgreSQL placeholders and reuses one for a repeated name", () => {
    const b = bindParameters("SELECT {{a}}, :b, {{a}}", "dollar", { a: 1, b: "x" });
    expect(b).toEqual({ sql: "SELECT $1, $2, $1", params: [1, "x"] });
  });

  it("repeats the value per ? placeholder", () => {
    const b = bindParameters("SELECT {{a}}, :b, {{a}}", "question", { a: 1, b: "x" });
    expect(b).toEqual({ sql: "SELECT ?, ?, ?", params: [1, "x", 1] });
  });

  it("never splices a value into the text", () => {
    const evil = "x' OR '1'='1";
    const b = bindParameters("SELECT * FROM t WHERE name = {{n}}", "question", { n: evil });
    expect(b.sql).toBe("SELECT * FROM t WHERE name = ?");
    expect(b.sql).not.toContain(evil);
    expect(b.params).toEqual([evil]);
  });

  it("coerces declared types, applies defaults and rejects bad values with the field named", () => {
    const declared = [
      { name: "n", type: "integer" as const, default: 5 },
      { name: "d", type: "date" as const },
      { name: "f", type: "boolean" as const },
    ];
    expect(bindParameters(":n :d :f", "question", { d: "2024-02-29", f: "true" }, declared).params).toEqual([5, "2024-02-29", true]);
    expect(bindParameters(":n :d :f", "question", { n: "7", d: "2024-01-01", f: false }, declared).params).toEqual([7, "2024-01-01", false]);
    try {
      bindParameters(":n :d :f", "question", { n: "1.5", d: "2023-02-30" }, declared);
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.code).toBe("VALIDATION_ERROR");
      const fields = (error as { fields?: { field: string }[] }).fields!.map((f) => f.field);
      expect(fields).toEqual(["parameters.n", "parameters.d", "parameters.f"]);
    }
  });

  it("leaves SQL without markers alone", () => {
    expect(bindParameters("SELECT 1", "dollar", {})).toEqual({ sql: "SELECT 1", params: [] });
  });
});
