import "server-only";
import type { Capabilities } from "./types";

/**
 * The SQL text Quarry itself writes around a user's statement (approval previews,
 * backups and reverts), kept per engine like Kysely keeps it in its query compiler:
 * identifier quoting, placeholders, and the few statement shapes the write path needs.
 * Table names and WHERE clauses come from the analysed statement as the user wrote
 * them (already in this engine's syntax); identifiers Quarry names are quoted here.
 */
export interface SqlTextDialect {
  quoteIdentifier(name: string): string;
  /** `$1, $2, …` or `?, ?, …`. */
  placeholders(count: number): string;
  /** `SELECT * FROM <from> WHERE <where>` (rows a write will touch). */
  selectWhere(from: string, where: string): string;
  /** `SELECT * FROM <table> WHERE <key> IN (<count placeholders>)`. */
  selectByKey(table: string, key: string, count: number): string;
  /** A copy of the rows `WHERE` selects, as a new table named `name`. */
  createTableAs(name: string, from: string, where: string): string;
  /**
   * Puts the rows of `backup` back into `table`, in order, in one transaction: an UPDATE's
   * changed rows (by `key`) are deleted first; a DELETE's rows are simply re-inserted.
   */
  restoreStatements(input: { table: string; backup: string; key: string | null; operation: "UPDATE" | "DELETE" }): string[];
}

export function sqlTextDialect(capabilities: Pick<Capabilities, "identifierQuote" | "paramStyle">): SqlTextDialect {
  const q = capabilities.identifierQuote;
  const quoteIdentifier = (name: string) => `${q}${name.replaceAll(q, q + q)}${q}`;
  const placeholders = (count: number) =>
    Array.from({ length: count }, (_, i) => (capabilities.paramStyle === "dollar" ? `$${i + 1}` : "?")).join(", ");
  return {
    quoteIdentifier,
    placeholders,
    selectWhere: (from, where) => `SELECT * FROM ${from} WHERE ${where}`,
    selectByKey: (table, key, count) => `SELECT * FROM ${table} WHERE ${quoteIdentifier(key)} IN (${placeholders(count)})`,
    createTableAs: (name, from, where) => `CREATE TABLE ${quoteIdentifier(name)} AS SELECT * FROM ${from} WHERE ${where}`,
    restoreStatements({ table, backup, key, operation }) {
      const copy = quoteIdentifier(backup);
      const statements: string[] = [];
      if (operation === "UPDATE") {
        if (!key) throw new Error("Restoring an UPDATE needs its key column");
        const k = quoteIdentifier(key);
        statements.push(`DELETE FROM ${table} WHERE ${k} IN (SELECT ${k} FROM ${copy})`);
      }
      statements.push(`INSERT INTO ${table} SELECT * FROM ${copy}`);
      return statements;
    },
  };
}
