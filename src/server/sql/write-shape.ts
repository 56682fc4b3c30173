import "server-only";
import { tokenize, type Token } from "./lexer";
import type { SqlDialect } from "./types";

/**
 * The shape of a single-table UPDATE or DELETE, read from tokens: the table as written,
 * its alias and the WHERE condition's source text. Approval review uses it to rate risk
 * (no WHERE) and to sample the affected rows before and after a dry run.
 */
export interface WriteShape {
  operation: "UPDATE" | "DELETE";
  /** The table reference exactly as written (quoted, schema-qualified as in the source). */
  table: string;
  alias: string | null;
  hasWhere: boolean;
  /** The WHERE condition's source text, or null. */
  where: string | null;
  /** False when the statement joins other tables (UPDATE ... FROM, DELETE ... USING, JOIN). */
  singleTable: boolean;
}

const CLAUSE_END = new Set(["RETURNING", "ORDER", "LIMIT"]);

export function writeShape(sql: string, dialect: SqlDialect): WriteShape | null {
  let tokens: Token[];
  try {
    tokens = tokenize(sql, dialect);
  } catch {
    return null;
  }
  const first = tokens[0]?.value;
  if (first !== "UPDATE" && first !== "DELETE") return null;

  let i = 1;
  if (first === "DELETE") {
    while (i < tokens.length && tokens[i]!.value !== "FROM") i++;
    i++;
  }
  if (tokens[i]?.value === "ONLY" || tokens[i]?.value === "LOW_PRIORITY" || tokens[i]?.value === "IGNORE") i++;
  const tableStart = tokens[i];
  if (!tableStart) return null;
  // table := name ( . name )*
  let tableEnd = i;
  while (tokens[tableEnd + 1]?.text === "." && tokens[tableEnd + 2]) tableEnd += 2;
  const table = sql.slice(tableStart.start, tokens[tableEnd]!.end);
  i = tableEnd + 1;

  let alias: string | null = null;
  if (tokens[i]?.value === "AS") i++;
  const maybeAlias = tokens[i];
  if (maybeAlias && (maybeAlias.type === "word" || maybeAlias.type === "quoted") && !["SET", "WHERE", "USING", "RETURNING", "ORDER", "LIMIT"].includes(maybeAlias.value)) {
    alias = maybeAlias.text;
    i++;
  }

  let depth = 0;
  let whereStart = -1;
  let whereEnd = sql.length;
  let singleTable = true;
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    if (depth !== 0 || t.type !== "word") continue;
    if (whereStart < 0 && (t.value === "FROM" || t.value === "USING" || t.value === "JOIN")) singleTable = false;
    if (t.value === "WHERE" && whereStart < 0) whereStart = t.end;
    else if (whereStart >= 0 && CLAUSE_END.has(t.value)) {
      whereEnd = t.start;
      break;
    }
  }
  const where = whereStart >= 0 ? sql.slice(whereStart, whereEnd).trim().replace(/;\s*$/, "") : null;
  return { operation: first, table, alias, hasWhere: !!where, where: where || null, singleTable };
}
