import { describe, expect, it } from "vitest";
import { compareValues, displayValue, nextSort, sortedOrder, toTsv } from "./grid-format";
import type { ResultColumn } from "./types";

const columns: ResultColumn[] = [
  { name: "name", type: "TEXT", kind: "string" },
  { name: "n", type: "INTEGER", kind: "number" },
];

describe("grid values", () => {
  it("shows NULL, JSON and flattened newlines", () => {
    expect(displayValue(null)).toBe("NULL");
    expect(displayValue({ a: 1 })).toBe('{"a":1}');
    expect(displayValue("a\nb")).toBe("a ↵ b");
  });

  it("writes TSV with empty NULLs and no stray tabs", () => {
    const rows = [{ name: "a\tb", n: 1 }, { name: null, n: 2 }];
    expect(toTsv(columns, rows, true)).toBe("name\tn\na b\t1\n\t2");
  });
});

describe("sorting", () => {
  const rows = [{ name: "b10", n: 3 }, { name: null, n: null }, { name: "b9", n: 10 }, { name: "a", n: 2 }];

  it("sorts numbers numerically and text naturally, NULLs last both ways", () => {
    expect(sortedOrder(rows, columns, { column: 1, direction: "asc" })).toEqual([3, 0, 2, 1]);
    expect(sortedOrder(rows, columns, { column: 1, direction: "desc" })).toEqual([2, 0, 3, 1]);
    expect(sortedOrder(rows, columns, { column: 0, direction: "asc" })).toEqual([3, 2, 0, 1]);
  });

  it("cycles asc, desc, none", () => {
    expect(nextSort(null, 1)).toEqual({ column: 1, direction: "asc" });
    expect(nextSort({ column: 1, direction: "asc" }, 1)).toEqual({ column: 1, direction: "desc" });
    expect(nextSort({ column: 1, direction: "desc" }, 1)).toBeNull();
  });

  it("compares numeric strings as numbers", () => {
    expect(compareValues("10", "9")).toBeGreaterThan(0);
  });
});
