import "server-only";
import { bindAsText, numberShape, onConflictUpsert, type WriteDialect } from "../write-dialect";

const NUMBER_TYPES = { integer: "INTEGER", decimal: "NUMERIC", double: "REAL" } as const;

export const sqliteWriteDialect: WriteDialect = {
  columnType(kind, present) {
    const shape = numberShape(kind, present);
    if (shape) return NUMBER_TYPES[shape];
    return kind === "boolean" ? "INTEGER" : "TEXT";
  },
  placeholder: () => "?",
  // SQLite's default limit on bound values is 32,766.
  paramsPerStatement: 30_000,
  // better-sqlite3 binds no booleans.
  bindable: (value) => (typeof value === "boolean" ? (value ? 1 : 0) : bindAsText(value)),
  upsert: onConflictUpsert,
  async tableColumns(run, table) {
    const result = await run("SELECT name, type FROM pragma_table_info(?)", [table.at(-1)!]);
    return result.rows.length ? result.rows.map((r) => ({ name: String(r.name), type: String(r.type ?? ""), binaryCopy: false })) : null;
  },
};
