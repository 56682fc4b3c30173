import "server-only";

import { ENGINES, type Engine } from "../../lib/engine";

/** The SQL analysis has one dialect per engine. */
export type SqlDialect = Engine;

export const sqlDialects = ENGINES;

export type StatementKind = "read" | "write" | "ddl" | "transaction" | "other";

export interface AnalyzedStatement {
  /** The statement's own slice of the input (comments inside it kept, no trailing `;`). */
  text: string;
  /** Offsets of `text` in the input, so callers can highlight or execute it. */
  start: number;
  end: number;
  kind: StatementKind;
  /** Upper-case: SELECT, INSERT, UPDATE, DELETE, CREATE_TABLE, DROP, ALTER, TRUNCATE, ... */
  operation: string;
  tables: string[];
  /** Why the statement is not a plain read, for people (approvers, error messages). */
  reasons: string[];
  hasLimit: boolean;
  selectsStar: boolean;
  /**
   * node-sql-parser's AST of this statement when the parser understood it (absent for
   * keyword-fallback statements). Read-path policy and masking lineage walk it; callers
   * must treat a missing AST as "unknown", never as "harmless".
   */
  ast?: unknown;
  /** The parser's `type::db::table` list for `ast` (CTE names included). */
  tableList?: string[];
  /**
   * Keyword-fallback statements: why the parser refused it, positioned in the input. Shown
   * instead of the database's message when the database calls it a syntax error too.
   */
  syntaxError?: SqlErrorLocation;
}

export interface SqlErrorLocation {
  message: string;
  line?: number;
  column?: number;
  offset?: number;
}

export type SqlAnalysis =
  | {
      ok: true;
      statements: AnalyzedStatement[];
      /** The most dangerous kind across statements. */
      kind: StatementKind;
      tables: string[];
      warnings: string[];
    }
  | { ok: false; error: SqlErrorLocation };

export interface StatementSlice {
  text: string;
  start: number;
  end: number;
}

/** Danger order: a batch is as dangerous as its most dangerous statement. */
const kindRank: Record<StatementKind, number> = { read: 0, other: 1, write: 2, ddl: 3, transaction: 4 };

export function maxKind(a: StatementKind, b: StatementKind): StatementKind {
  return kindRank[a] >= kindRank[b] ? a : b;
}

export function isMoreDangerous(a: StatementKind, b: StatementKind): boolean {
  return kindRank[a] > kindRank[b];
}
