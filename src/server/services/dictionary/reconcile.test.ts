import { describe, expect, it } from "vitest";
import type { SchemaSnapshot } from "@/server/connectors/types";
import { reconcilePlan, type EntryState } from "./reconcile";

const table = (name: string, columns: string[]): SchemaSnapshot["tables"][number] => ({
  name, type: "table", primaryKey: [], foreignKeys: [], approxRowCount: 0,
  columns: columns.map((c) => ({ name: c, type: "TEXT", nullable: true, primaryKey: false })),
});
const entry = (tableName: string, columnName: string, state = "present", renamedTo: string | null = null): EntryState => ({ id: `${tableName}.${columnName}`, tableSchema: "", tableName, columnName, state, renamedTo });

describe("reconcilePlan", () => {
  it("creates entries for new tables and columns and nothing for known ones", () => {
    const plan = reconcilePlan({ tables: [table("a", ["x", "y"])] }, [entry("a", ""), entry("a", "x")]);
    expect(plan.create).toEqual([{ tableSchema: "", tableName: "a", columnName: "y" }]);
    expect(plan.update).toEqual([]);
  });
  it("marks a single swapped column as renamed and keeps the rename on the next pass", () => {
    const schema = { tables: [table("a", ["x", "z"])] };
    const first = reconcilePlan(schema, [entry("a", ""), entry("a", "x"), entry("a", "y")]);
    expect(first.update).toEqual([{ id: "a.y", state: "renamed", renamedTo: "z" }]);
    const second = reconcilePlan(schema, [entry("a", ""), entry("a", "x"), entry("a", "y", "renamed", "z"), entry("a", "z")]);
    expect(second.update).toEqual([]);
  });
  it("marks columns and tables that disappeared as dropped, and revives ones that came back", () => {
    const plan = reconcilePlan({ tables: [table("a", ["x"])] }, [entry("a", ""), entry("a", "x", "dropped"), entry("a", "gone"), entry("b", ""), entry("b", "q")]);
    expect(plan.update).toEqual(expect.arrayContaining([
      { id: "a.x", state: "present", renamedTo: null },
      { id: "a.gone", state: "dropped", renamedTo: null },
      { id: "b.", state: "dropped", renamedTo: null },
      { id: "b.q", state: "dropped", renamedTo: null },
    ]));
  });
});
