import { describe, expect, it } from "vitest";
import { analyzeSql } from "./analyze";
import { analyzeSqlCached, checkReadPolicyCached, outsideDatabaseReasonsCached } from "./analysis-cache";
import { emptyCatalog } from "./function-catalog";
import { outsideDatabaseReasons } from "./outside-database";
import { checkReadPolicy } from "./read-policy";
import { writeAttemptCorpus } from "./write-attempts.corpus";

describe("the SQL analysis cache", () => {
  it("answers exactly what the analysis answers, for every write attempt of the corpus and a few reads", () => {
    const reads = ["SELECT 1", "SELECT * FROM t WHERE a = 'x;y'", "WITH c AS (SELECT 1) SELECT * FROM c"];
    const cases = [...writeAttemptCorpus.map((w) => [w.sql, w.dialect] as const), ...reads.map((sql) => [sql, "postgres"] as const)];
    expect(cases.length).toBeGreaterThan(20);
    for (const [sql, dialect] of cases) {
      const fresh = analyzeSql(sql, dialect);
      expect(analyzeSqlCached(sql, dialect), sql).toEqual(fresh);
      expect(analyzeSqlCached(sql, dialect), sql).toEqual(fresh); // the hit too
      expect([...outsideDatabaseReasonsCached(sql, dialect)], sql).toEqual(outsideDatabaseReasons(sql, dialect));
    }
  });

  it("keys on the dialect: the same text may read differently per engine", () => {
    const sql = "SELECT 'a\\'; DELETE FROM t; --'";
    expect(analyzeSqlCached(sql, "mysql")).toEqual(analyzeSql(sql, "mysql"));
    expect(analyzeSqlCached(sql, "postgres")).toEqual(analyzeSql(sql, "postgres"));
  });

  it("shares frozen results, so a caller that changed one would fail instead of altering the next verdict", () => {
    const analysis = analyzeSqlCached("DELETE FROM t", "postgres");
    if (!analysis.ok) throw new Error("expected an analysis");
    expect(analysis.statements[0]!.kind).not.toBe("read");
    expect(() => {
      (analysis.statements[0] as { kind: string }).kind = "read";
    }).toThrow(TypeError);
    expect(() => analysis.statements[0]!.reasons.push("x")).toThrow(TypeError);
    const again = analyzeSqlCached("DELETE FROM t", "postgres");
    expect(again.ok && again.statements[0]!.kind).not.toBe("read");
  });

  it("checks the read policy afresh against a refreshed catalogue", () => {
    const analysis = analyzeSqlCached("SELECT my_fn(1)", "postgres");
    if (!analysis.ok) throw new Error("expected an analysis");
    const statement = analysis.statements[0]!;
    const first = emptyCatalog();
    const refreshed = emptyCatalog();
    const verdict = checkReadPolicyCached(statement, "postgres", first);
    expect(verdict).toEqual(checkReadPolicy(statement, "postgres", first));
    expect(checkReadPolicyCached(statement, "postgres", first)).toBe(verdict); // cached per catalogue
    const again = checkReadPolicyCached(statement, "postgres", refreshed);
    expect(again).not.toBe(verdict); // a new catalogue object is checked afresh
    expect(again).toEqual(checkReadPolicy(statement, "postgres", refreshed));
    expect(checkReadPolicyCached(statement, "postgres", null)).toEqual(checkReadPolicy(statement, "postgres", null));
  });
});
