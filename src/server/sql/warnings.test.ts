import { describe, expect, it } from "vitest";
import { analyzeSql, MISSING_LIMIT, SELECT_STAR, type SqlDialect } from "./index";

function warnings(sql: string, dialect: SqlDialect = "postgres"): string[] {
  const result = analyzeSql(sql, dialect);
  if (!result.ok) throw new Error(result.error.message);
  return result.warnings;
}

const cartesian = expect.stringMatching(/cartesian join/i);

describe("read warnings", () => {
  it("uses the exact strings the UI shows", () => {
    expect(MISSING_LIMIT).toBe("Missing LIMIT clause");
    expect(SELECT_STAR).toMatch(/^SELECT \*/);
  });

  it.each(["postgres", "mysql", "sqlite"] as const)("warns about a missing LIMIT (%s)", (dialect) => {
    expect(warnings("SELECT id FROM users", dialect)).toEqual([MISSING_LIMIT]);
    expect(warnings("SELECT id FROM users LIMIT 5", dialect)).toEqual([]);
  });

  it("accepts FETCH FIRST as a limit and ignores LIMIT inside subqueries", () => {
    expect(warnings("SELECT id FROM users FETCH FIRST 5 ROWS ONLY")).toEqual([]);
    expect(warnings("SELECT id FROM users WHERE id IN (SELECT user_id FROM orders LIMIT 3)")).toEqual([MISSING_LIMIT]);
    expect(warnings("(SELECT id FROM a) UNION (SELECT id FROM b) LIMIT 5")).toEqual([]);
  });

  it("does not ask for a LIMIT on single-row queries", () => {
    expect(warnings("SELECT 1")).toEqual([]);
    expect(warnings("SELECT now()", "postgres")).toEqual([]);
    expect(warnings("SELECT count(*), max(id) FROM users")).toEqual([]);
    expect(warnings("SELECT team, count(*) FROM users GROUP BY team")).toEqual([MISSING_LIMIT]);
  });

  it("warns about SELECT *, including t.* and after DISTINCT", () => {
    expect(warnings("SELECT * FROM users LIMIT 1")).toEqual([SELECT_STAR]);
    expect(warnings("SELECT u.* FROM users u LIMIT 1")).toEqual([SELECT_STAR]);
    expect(warnings("SELECT DISTINCT * FROM users LIMIT 1", "mysql")).toEqual([SELECT_STAR]);
    expect(warnings("SELECT count(*) FROM users")).toEqual([]);
    expect(warnings("SELECT price * 2 FROM items LIMIT 1")).toEqual([]);
    expect(warnings("SELECT id FROM (SELECT * FROM users) s LIMIT 1")).toEqual([]);
  });

  it.each(["postgres", "mysql", "sqlite"] as const)("warns about comma joins without a linking condition (%s)", (dialect) => {
    expect(warnings("SELECT a.id FROM a, b LIMIT 1", dialect)).toEqual([cartesian]);
    expect(warnings("SELECT a.id FROM a, b WHERE a.x = 1 LIMIT 1", dialect)).toEqual([cartesian]);
    expect(warnings("SELECT a.id FROM a, b WHERE a.id = b.a_id LIMIT 1", dialect)).toEqual([]);
  });

  it("links tables through aliases, ON, USING and chains of conditions", () => {
    expect(warnings("SELECT 1 FROM a x, b y WHERE x.id = y.a_id LIMIT 1")).toEqual([]);
    expect(warnings("SELECT 1 FROM a JOIN b ON a.id = b.a_id LIMIT 1")).toEqual([]);
    expect(warnings("SELECT 1 FROM a JOIN b USING (id) LIMIT 1", "mysql")).toEqual([]);
    expect(warnings("SELECT 1 FROM a, b, c WHERE a.id = b.a_id AND b.id = c.b_id LIMIT 1")).toEqual([]);
    expect(warnings("SELECT 1 FROM a, b, c WHERE a.id = b.a_id LIMIT 1")).toEqual([cartesian]);
  });

  it("names the unlinked tables and flags CROSS JOIN", () => {
    expect(warnings("SELECT 1 FROM orders, customers LIMIT 1")[0]).toContain("orders, customers");
    expect(warnings("SELECT 1 FROM a CROSS JOIN b LIMIT 1", "mysql")).toEqual([cartesian]);
  });

  it("does not treat set-returning functions in FROM as unlinked tables", () => {
    expect(warnings("SELECT 1 FROM users u, unnest(u.tags) t LIMIT 1")).toEqual([]);
  });

  it("gives no read warnings for writes, DDL or non-SELECT reads", () => {
    expect(warnings("DELETE FROM users")).toEqual([]);
    expect(warnings("CREATE TABLE x AS SELECT * FROM users")).toEqual([]);
    expect(warnings("SELECT * FROM users FOR UPDATE")).toEqual([]);
    expect(warnings("SHOW TABLES", "mysql")).toEqual([]);
    expect(warnings("EXPLAIN SELECT * FROM users")).toEqual([]);
  });

  it("prefixes warnings with the statement number when there are several", () => {
    expect(warnings("SELECT id FROM a; SELECT id FROM b LIMIT 1; SELECT * FROM c LIMIT 1")).toEqual([
      `Statement 1: ${MISSING_LIMIT}`,
      `Statement 3: ${SELECT_STAR}`,
    ]);
  });

  it("sets hasLimit and selectsStar on statements", () => {
    const result = analyzeSql("SELECT * FROM a LIMIT 2; SELECT id FROM b", "sqlite");
    if (!result.ok) throw new Error(result.error.message);
    expect(result.statements.map((s) => [s.hasLimit, s.selectsStar])).toEqual([
      [true, true],
      [false, false],
    ]);
  });
});
