import { describe, expect, it } from "vitest";
import { qualifierBefore, tableMentions } from "./sql-context";

describe("tableMentions", () => {
  it("reads tables and aliases after FROM and JOIN", () => {
    const sql = `SELECT c.country FROM customers c JOIN orders AS o ON o.customer_id = c.id LEFT JOIN "Order Items" WHERE 1`;
    expect(tableMentions(sql)).toEqual([
      { table: "customers", alias: "c" },
      { table: "orders", alias: "o" },
      { table: "order items", alias: undefined },
    ]);
  });

  it("reads comma lists and schema-qualified names, not literals", () => {
    const sql = "SELECT 'from nowhere' FROM public.a x, b WHERE x.id = b.id -- from c";
    expect(tableMentions(sql)).toEqual([
      { table: "a", alias: "x" },
      { table: "b", alias: undefined },
    ]);
  });
});

describe("qualifierBefore", () => {
  it("finds the alias before a trailing dot", () => {
    expect(qualifierBefore("SELECT c.")).toBe("c");
    expect(qualifierBefore("SELECT C.cou")).toBe("c");
    expect(qualifierBefore('SELECT "My T".')).toBe("my t");
    expect(qualifierBefore("SELECT c")).toBeNull();
  });
});
