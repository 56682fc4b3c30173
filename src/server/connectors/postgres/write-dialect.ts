import "server-only";
import { bindAsText, numberShape, onConflictUpsert, type WriteDialect } from "../write-dialect";

const NUMBER_TYPES = { integer: "BIGINT", decimal: "NUMERIC", double: "DOUBLE PRECISION" } as const;

export const postgresWriteDialect: WriteDialect = {
  columnType(kind, present) {
    const shape = numberShape(kind, present);
    if (shape) return NUMBER_TYPES[shape];
    return kind === "boolean" ? "BOOLEAN" : kind === "date" ? "TIMESTAMPTZ" : kind === "json" ? "JSONB" : "TEXT";
  },
  placeholder: (index) => `$${index + 1}`,
  paramsPerStatement: 60_000,
  bindable: bindAsText,
  upsert: onConflictUpsert,
  // The table as the load's statements will find it (search_path), with its types for a binary COPY.
  async tableColumns(run, _table, quoted) {
    const result = await run(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, (t.typsend::oid <> 0 AND t.typreceive::oid <> 0) AS binary
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
          AND (SELECT relkind FROM pg_class WHERE oid = a.attrelid) IN ('r', 'p', 'f', 'v')
        ORDER BY a.attnum`,
      [quoted],
    );
    return result.rows.length ? result.rows.map((r) => ({ name: String(r.name), type: String(r.type), binaryCopy: r.binary === true })) : null;
  },
};
