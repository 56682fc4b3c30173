import { describe, expect, it } from "vitest";
import { writeShape } from "./write-shape";

describe("writeShape", () => {
  it("reads table, alias and WHERE of an UPDATE", () => {
    expect(writeShape(`UPDATE public."Orders" o SET status = 'x' WHERE o.id IN (SELECT 1) RETURNING *`, "postgres")).toEqual({
      operation: "UPDATE",
      table: `public."Orders"`,
      alias: "o",
      hasWhere: true,
      where: "o.id IN (SELECT 1)",
      singleTable: true,
    });
  });

  it("reads a DELETE without WHERE", () => {
    expect(writeShape("DELETE FROM customers", "sqlite")).toMatchObject({ table: "customers", hasWhere: false, where: null });
  });

  it("notices joins and ignores WHERE inside subqueries", () => {
    expect(writeShape("UPDATE t SET a = (SELECT b FROM u WHERE u.id = t.id)", "postgres")).toMatchObject({ hasWhere: false });
    expect(writeShape("UPDATE t SET a = 1 FROM u WHERE u.id = t.id", "postgres")).toMatchObject({ singleTable: false });
    expect(writeShape("DELETE FROM `t` WHERE id = 3 LIMIT 1", "mysql")).toMatchObject({ table: "`t`", where: "id = 3" });
  });

  it("returns null for other statements", () => {
    expect(writeShape("INSERT INTO t VALUES (1)", "sqlite")).toBeNull();
    expect(writeShape("SELECT 1", "sqlite")).toBeNull();
  });
});
