import { describe, expect, it } from "vitest";
import { groupTables, rowCountLabel } from "./schema-groups";

const t = (name: string, schema?: string) => ({ name, schema });

describe("groupTables", () => {
  it("groups PostgreSQL tables by schema, public first, then by name", () => {
    const groups = groupTables([t("orders", "sales"), t("users"), t("events", "audit"), t("items", "sales"), t("plans", "public")], "postgres");
    expect(groups?.map((g) => [g.name, g.items.map((i) => i.name)])).toEqual([
      ["public", ["users", "plans"]],
      ["audit", ["events"]],
      ["sales", ["orders", "items"]],
    ]);
  });

  it("puts MySQL tables under the connected database", () => {
    expect(groupTables([t("a"), t("b")], "mysql", "shop")).toEqual([{ name: "shop", items: [t("a"), t("b")] }]);
  });

  it("leaves SQLite (and an unknown engine) flat", () => {
    expect(groupTables([t("a")], "sqlite")).toBeNull();
    expect(groupTables([t("a")], undefined)).toBeNull();
  });

  it("has no group without tables", () => {
    expect(groupTables([], "postgres")).toEqual([]);
  });
});

describe("rowCountLabel", () => {
  const compact = (n: number) => (n >= 1000 ? `${Math.round(n / 100) / 10}k` : String(n));
  it("marks the engine's estimates with ≈", () => {
    expect(rowCountLabel(1234, "postgres", compact)).toEqual({ text: "≈ 1.2k", title: "about 1,234 rows (the database's estimate)" });
    expect(rowCountLabel(7, "mysql", compact).text).toBe("≈ 7");
  });

  it("shows SQLite's count as it is", () => {
    expect(rowCountLabel(1234, "sqlite", compact)).toEqual({ text: "1.2k", title: "1,234 rows" });
  });
});
