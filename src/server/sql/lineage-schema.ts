import "server-only";
import type { SchemaTable } from "../connectors/types";
import type { LineageOptions } from "./lineage";
import { parseStatement } from "./parser";
import type { SqlDialect } from "./types";

// How lineage finds tables and views in a data source's schema snapshot.

const lower = (s: string) => s.toLowerCase();

/** SQLite reports a view as its CREATE VIEW text; the others as the bare query. */
const CREATE_VIEW_PREFIX = /^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:(?:"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[\w$]+)\s*\.\s*)?(?:"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[\w$]+)\s*(?:\([^)]*\)\s*)?AS\s+/i;

/** A view's defining query, parsed; null when the definition is unknown or not understood. */
export function parsedViewQuery(view: SchemaTable, dialect: SqlDialect): { ast: unknown; tableList: string[] } | null {
  if (view.type !== "view" || !view.definition) return null;
  const text = view.definition.replace(CREATE_VIEW_PREFIX, "").replace(/;\s*$/, "");
  try {
    const parsed = parseStatement(text, dialect);
    if (!parsed.ok || parsed.asts.length !== 1) return null;
    return { ast: parsed.asts[0], tableList: parsed.tableList };
  } catch {
    return null;
  }
}

/** The schema table a FROM name means; unknown, ambiguous or other-database names give null. */
export function findTable(options: LineageOptions, schemaName: string | null, table: string): SchemaTable | null {
  const { schema, dialect, defaultSchema } = options;
  const named = schema.tables.filter((t) => lower(t.name) === lower(table));
  const exact = named.filter((t) => t.name === table);
  const pool = exact.length ? exact : named;
  if (schemaName) {
    const s = lower(schemaName);
    if (dialect === "sqlite") return s === "main" && pool.length === 1 ? pool[0]! : null;
    if (dialect === "mysql") return defaultSchema && s === lower(defaultSchema) && pool.length === 1 ? pool[0]! : null;
    const inSchema = pool.filter((t) => lower(t.schema ?? "") === s);
    return inSchema.length === 1 ? inSchema[0]! : null;
  }
  if (pool.length === 1) return pool[0]!;
  // PostgreSQL's default search_path puts public first.
  const inDefault = pool.filter((t) => lower(t.schema ?? "") === lower(defaultSchema ?? "public"));
  return inDefault.length === 1 ? inDefault[0]! : null;
}
