import "server-only";
import type { CastType } from "../modules/transformers";
import type { ColumnKind } from "../types";

/** A column of a relation being compiled: its name, kind and the engine's type name (when the engine said). */
export interface RelationColumn {
  name: string;
  kind: ColumnKind;
  type?: string;
}

export type JoinHow = "inner" | "left" | "right" | "full";

/**
 * What the pushdown compiler needs to know of an engine, as capability flags and
 * spellings, so the steps never ask which engine they are on.
 */
export interface PushdownDialect {
  paramStyle: "dollar" | "question";
  quote(name: string): string;
  /** SQL type per cast target, where CAST gives what the Node cast gives for valid values. */
  casts: Partial<Record<CastType, string>>;
  /** Both ends of a text trimmed of ASCII whitespace (what JavaScript's trim removes, bar Unicode spaces). */
  trim(expr: string): string;
  concat(parts: string[]): string;
  /**
   * A text expression compared as JavaScript compares strings: equal only when every
   * character is (no case folding, no PAD SPACE, whatever the column's collation), and
   * ordered by code point. MariaDB's default collations fold case and ignore trailing
   * spaces; the Node modules never do.
   */
  exact(expr: string): string;
  /** Whether a column's values are text, so text functions apply (a uuid is shown as text but is no text type). */
  isText(column: RelationColumn): boolean;
  /** Values carry their own types (SQLite): text is recognised per value with typeof(), whatever the column says. */
  typedValues: boolean;
  /** `SELECT DISTINCT ON (…)` keeps one row per key; without it, ROW_NUMBER() OVER (PARTITION BY …). */
  distinctOn: boolean;
  joins: readonly JoinHow[];
  /** A database loader into the same data source may run the compiled query itself as INSERT … SELECT. */
  insertSelect: boolean;
}

const doubleQuote = (n: string) => `"${n.replaceAll('"', '""')}"`;
const WHITESPACE_CODES = [32, 9, 10, 11, 12, 13];
const PG_TEXT_TYPES = new Set(["text", "varchar", "bpchar", "char", "name", "citext", "character varying", "character"]);

export const PUSHDOWN_DIALECTS: Record<string, PushdownDialect> = {
  postgres: {
    paramStyle: "dollar",
    quote: doubleQuote,
    casts: { string: "TEXT", integer: "BIGINT", number: "DOUBLE PRECISION", boolean: "BOOLEAN", date: "TIMESTAMPTZ" },
    trim: (e) => `btrim(${e}, ${WHITESPACE_CODES.map((c) => `chr(${c})`).join(" || ")})`,
    concat: (parts) => `(${parts.join(" || ")})`,
    // Through text, since citext compares folded whatever the collation.
    exact: (e) => `(CAST(${e} AS TEXT) COLLATE "C")`,
    isText: (c) => c.kind === "string" && PG_TEXT_TYPES.has((c.type ?? "").toLowerCase()),
    typedValues: false,
    distinctOn: true,
    joins: ["inner", "left", "right", "full"],
    insertSelect: true,
  },
  mysql: {
    paramStyle: "question",
    quote: (n) => `\`${n.replaceAll("`", "``")}\``,
    casts: { string: "CHAR", integer: "SIGNED", number: "DOUBLE", date: "DATETIME" },
    // TRIM() removes spaces only; the regular expression takes tabs and line ends too.
    trim: (e) => `REGEXP_REPLACE(${e}, '^[[:space:]]+|[[:space:]]+$', '')`,
    concat: (parts) => `CONCAT(${parts.join(", ")})`,
    // Bytes of one character set, so a latin1 column and a utf8mb4 literal compare alike.
    exact: (e) => `CAST(CONVERT(${e} USING utf8mb4) AS BINARY)`,
    isText: (c) => c.kind === "string",
    typedValues: false,
    distinctOn: false,
    joins: ["inner", "left", "right"],
    insertSelect: false,
  },
  sqlite: {
    paramStyle: "question",
    quote: doubleQuote,
    casts: { string: "TEXT", integer: "INTEGER", number: "REAL" },
    trim: (e) => `trim(${e}, ${WHITESPACE_CODES.map((c) => `char(${c})`).join(" || ")})`,
    concat: (parts) => `(${parts.join(" || ")})`,
    exact: (e) => `(${e} COLLATE BINARY)`,
    isText: (c) => c.kind === "string",
    typedValues: true,
    distinctOn: false,
    joins: ["inner", "left", "right", "full"],
    insertSelect: false,
  },
};
