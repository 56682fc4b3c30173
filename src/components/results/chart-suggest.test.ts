import { describe, expect, it } from "vitest";
import { pieData, suggestChart } from "./chart-suggest";
import type { ResultColumn } from "./types";

const col = (name: string, kind: ResultColumn["kind"]): ResultColumn => ({ name, type: "", kind });

describe("suggestChart", () => {
  it("bars categories against measures", () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ country: `C${i}`, customers: i }));
    expect(suggestChart([col("country", "string"), col("customers", "number")], rows)).toEqual({
      type: "bar",
      x: "country",
      ys: ["customers"],
    });
  });

  it("draws a line for a leading date series, even one stored as text", () => {
    const rows = [{ month: "2024-01", total: 3, n: 1 }, { month: "2024-02", total: 5, n: 2 }];
    expect(suggestChart([col("month", "string"), col("total", "number"), col("n", "number")], rows)).toEqual({
      type: "line",
      x: "month",
      ys: ["total", "n"],
    });
  });

  it("offers a pie for one measure over a few categories", () => {
    const rows = [{ status: "shipped", n: 3 }, { status: "pending", n: 1 }];
    expect(suggestChart([col("status", "string"), col("n", "number")], rows)?.type).toBe("pie");
  });

  it("does not plot keys", () => {
    const rows = [{ id: 1, name: "a", region_id: 3 }];
    expect(suggestChart([col("id", "number"), col("name", "string"), col("region_id", "number")], rows)).toBeNull();
  });

  it("has nothing to draw without numbers or rows", () => {
    expect(suggestChart([col("name", "string")], [{ name: "a" }])).toBeNull();
    expect(suggestChart([col("n", "number")], [])).toBeNull();
  });
});

describe("pieData", () => {
  it("folds the tail into Other", () => {
    const rows = Array.from({ length: 15 }, (_, i) => ({ k: `k${i}`, v: i + 1 }));
    const slices = pieData(rows, "k", "v");
    expect(slices).toHaveLength(12);
    expect(slices.at(-1)).toEqual({ name: "Other", value: 1 + 2 + 3 + 4 });
  });
});
