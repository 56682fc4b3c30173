import { describe, expect, it } from "vitest";
import { aliasHints, type CompletionAlias } from "./sql-aliases";
import type { SchemaTable } from "../types";

const table = (name: string, columns: string[]): SchemaTable =>
  ({
    name,
    type: "table",
    columns: columns.map((c) => ({ name: c, type: "TEXT", nullable: true, primaryKey: false })),
    primaryKey: [],
    foreignKeys: [],
    indexes: [],
    approxRowCount: null,
  }) as unknown as SchemaTable;

const tables = [table("customers", ["id", "full_name"]), table("Order Items", ["qty"])];

describe("aliasHints", () => {
  it("maps a table or column alias to the real, dialect-quoted name with the description", () => {
    const aliases: CompletionAlias[] = [
      { table: "customers", column: null, alias: "Clientele", kind: "alias", description: "People who bought" },
      { table: "customers", column: "full_name", alias: "buyer name", kind: "synonym", description: "" },
      { table: "Order Items", column: null, alias: "lines", kind: "alias", description: "" },
    ];
    const hints = aliasHints(aliases, tables, "mysql");
    expect(hints).toEqual([
      { filterText: "Clientele", label: "Clientele", target: "customers", insertText: "customers", detail: "Alias “Clientele” → customers — People who bought", isColumn: false },
      { filterText: "buyer name", label: "buyer name", target: "customers.full_name", insertText: "full_name", detail: "Synonym “buyer name” → customers.full_name", isColumn: true },
      { filterText: "lines", label: "lines", target: "Order Items", insertText: "`Order Items`", detail: "Alias “lines” → Order Items", isColumn: false },
    ]);
    expect(aliasHints(aliases, tables, "postgres")[2]!.insertText).toBe('"Order Items"');
  });

  it("leaves out aliases of tables or columns the schema no longer has, and duplicates", () => {
    const aliases: CompletionAlias[] = [
      { table: "gone", column: null, alias: "old", kind: "alias", description: "" },
      { table: "customers", column: "dropped_col", alias: "x", kind: "alias", description: "" },
      { table: "CUSTOMERS", column: "ID", alias: "key", kind: "alias", description: "" },
      { table: "customers", column: "id", alias: "Key", kind: "synonym", description: "" },
    ];
    expect(aliasHints(aliases, tables, "sqlite").map((h) => [h.label, h.insertText])).toEqual([["key", "id"]]);
  });
});
