import { quoteIdent } from "./sql-identifiers";
import type { Engine, SchemaTable } from "../types";

/** An alias or synonym from the data dictionary (dictionary.aliases). */
export interface CompletionAlias {
  table: string;
  column: string | null;
  alias: string;
  kind: "alias" | "synonym";
  description: string;
}

export interface AliasHint {
  /** What the person types: the alias. */
  filterText: string;
  label: string;
  /** Where it points, shown beside the label. */
  target: string;
  /** The real name that goes into the SQL. */
  insertText: string;
  detail: string;
  isColumn: boolean;
}

/**
 * Completion hints for dictionary aliases: typing the business word offers the real
 * table or column name. Aliases whose table or column is not in the current schema
 * are left out, so a hint never inserts a name that would not run.
 */
export function aliasHints(aliases: readonly CompletionAlias[], tables: readonly SchemaTable[], engine: Engine | undefined): AliasHint[] {
  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  const seen = new Set<string>();
  const hints: AliasHint[] = [];
  for (const a of aliases) {
    const table = byName.get(a.table.toLowerCase());
    if (!table || !a.alias.trim()) continue;
    const column = a.column === null ? null : table.columns.find((c) => c.name.toLowerCase() === a.column!.toLowerCase());
    if (a.column !== null && !column) continue;
    const target = column ? `${table.name}.${column.name}` : table.name;
    const key = `${a.alias.toLowerCase()}\u0000${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const what = a.kind === "alias" ? "Alias" : "Synonym";
    hints.push({
      filterText: a.alias,
      label: a.alias,
      target,
      insertText: quoteIdent(column ? column.name : table.name, engine),
      detail: `${what} “${a.alias}” → ${target}${a.description ? ` — ${a.description}` : ""}`,
      isColumn: !!column,
    });
  }
  return hints;
}
