import "server-only";
import type { SchemaTable } from "../connectors/types";
import { isNode, walk } from "./ast-classifier";
import type { LineageOptions } from "./lineage";
import { findTable, parsedViewQuery } from "./lineage-schema";
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
  /** Views whose definition is unknown or not understood: they may show any table's data. */
  opaqueViews: string[];
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

/** Views count with the tables their queries read (recursively), so a view cannot hide a personal table. */
export function touchedTables(statement: Pick<AnalyzedStatement, "ast" | "tableList" | "tables">, options: LineageOptions): TouchedTables {
  const known = new Set<SchemaTable>();
  const unknown = new Set<string>();
  const opaqueViews = new Set<string>();
  const visit = (refs: { schema: string | null; table: string }[], depth: number) => {
    for (const { schema, table } of refs) {
      if (isCatalog(schema, table, options.dialect)) continue;
      const found = findTable(options, schema, table);
      if (!found) {
        unknown.add(schema ? `${schema}.${table}` : table);
        continue;
      }
      if (known.has(found)) continue;
      known.add(found);
      if (found.type !== "view") continue;
      const query = parsedViewQuery(found, options.dialect);
      if (!query || depth >= 8) opaqueViews.add(found.name);
      else visit(tableRefs({ ...query, tables: [] }), depth + 1);
    }
  };
  visit(tableRefs(statement), 0);
  return { known: [...known], unknown: [...unknown], opaqueViews: [...opaqueViews] };
}
