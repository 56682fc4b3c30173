import "server-only";
import { bindAsText, numberShape, type WriteDialect } from "../write-dialect";

const NUMBER_TYPES = { integer: "BIGINT", decimal: "DECIMAL(65,20)", double: "DOUBLE" } as const;

export const mysqlWriteDialect: WriteDialect = {
  columnType(kind, present, key) {
    const shape = numberShape(kind, present);
    if (shape) return NUMBER_TYPES[shape];
    if (kind === "boolean") return "BOOLEAN";
    if (kind === "date") return "VARCHAR(64)";
    if (kind === "json") return "JSON";
    // MySQL cannot index a TEXT column without a length: key columns get a VARCHAR.
    return key ? "VARCHAR(255)" : "LONGTEXT";
  },
  placeholder: () => "?",
  paramsPerStatement: 60_000,
  bindable: bindAsText,
  upsert(insert, names, keys, q) {
    const others = names.filter((n) => !keys.includes(n));
    return `${insert} ON DUPLICATE KEY UPDATE ${(others.length ? others : keys).map((n) => `${q(n)} = VALUES(${q(n)})`).join(", ")}`;
  },
  async tableColumns(run, table) {
    const [schema, name] = table.length === 2 ? table : [null, table[0]!];
    const result = await run(
      "SELECT column_name AS name, column_type AS type FROM information_schema.columns WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? ORDER BY ordinal_position",
      [schema, name],
    );
    return result.rows.length ? result.rows.map((r) => ({ name: String(r.name ?? r.NAME), type: String(r.type ?? r.TYPE), binaryCopy: false })) : null;
  },
};
