import "server-only";
import type { SchemaTable } from "../connectors/types";
import { isNode, walk } from "./ast-classifier";
import { findTable, type LineageOptions } from "./lineage";
import type { AnalyzedStatement } from "./types";

/**
 * The tables a statement reads, split into those the data source's schema knows and
 * those it does not. CTE names are not tables; engine catalogues hold no user data.
 * When lineage cannot be resolved, these decide whether the statement may run.
 */
export interface TouchedTables {
  known: SchemaTable[];
  /** Not in the schema (new since the last sync, another database, a typo): may hold anything. */
  unknown: string[];
}

const CATALOG_SCHEMAS = new Set(["pg_catalog", "information_schema", "mysql", "performance_schema", "sys"]);
const isCatalog = (schema: string | null, table: string, dialect: LineageOptions["dialect"]): boolean => {
  const t = table.toLowerCase();
  if (schema && CATALOG_SCHEMAS.has(schema.toLowerCase())) return true;
  if (dialect === "postgres" && !schema && t.startsWith("pg_")) return true;
  if (dialect === "sqlite" && /^(sqlite_(master|schema|temp_master|temp_schema|sequence|stat\d)|pragma_\w+)$/.test(t)) return true;
  return false;
};

function cteNames(ast: unknown): Set<string> {
  const names = new Set<string>();
  walk(ast, (node) => {
    if (!Array.isArray(node.with)) return;
    for (const cte of node.with) {
      if (!isNode(cte)) continue;
      const name = isNode(cte.name) ? cte.name.value : cte.name;
      if (typeof name === "string") names.add(name.toLowerCase());
    }
  });
  return names;
}

function tableRefs(statement: Pick<AnalyzedStatement, "ast" | "tableList" | "tables">): { schema: string | null; table: string }[] {
  if (statement.ast !== undefined && statement.tableList) {
    const ctes = cteNames(statement.ast);
    return statement.tableList.flatMap((entry) => {
      const [, db, table] = entry.split("::");
      if (!table) return [];
      const schema = db && db !== "null" ? db : null;
      if (!schema && ctes.has(table.toLowerCase())) return [];
      return [{ schema, table }];
    });
  }
  // Keyword-fallback statements carry only `tables` ("name" or "schema.name").
  return statement.tables.map((name) => {
    const parts = name.split(".").map((p) => p.replace(/^["`[]|["`\]]$/g, ""));
    return parts.length > 1 ? { schema: parts[parts.length - 2]!, table: parts[parts.length - 1]! } : { schema: null, table: parts[0]! };
  });
}

export function touchedTables(statement: Pick<AnalyzedStatement, "ast" | "tableList" | "tables">, options: LineageOptions): TouchedTables {
  const known = new Map<SchemaTable, true>();
  const unknown = new Set<string>();
  for (const { schema, table } of tableRefs(statement)) {
    if (isCatalog(schema, table, options.dialect)) continue;
    const found = findTable(options, schema, table);
    if (found) known.set(found, true);
    else unknown.add(schema ? `${schema}.${table}` : table);
  }
  return { known: [...known.keys()], unknown: [...unknown] };
}
