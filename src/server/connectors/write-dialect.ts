import "server-only";
import type { RunResult, ValueKind } from "./types";

/** A column of an existing table, as the loader needs it. */
export interface TableColumn {
  name: string;
  /** The engine's own spelling of the type, typmods included (`numeric(12,2)`). */
  type: string;
  /** The type has binary send/receive, so COPY's binary format can carry it (PostgreSQL only). */
  binaryCopy: boolean;
}

/** Runs one catalogue read, on a connection or inside the caller's transaction. */
export type CatalogRunner = (sql: string, params: unknown[]) => Promise<RunResult>;

/**
 * How rows are written into a table on one engine: what the bulk loader
 * (`services/execution/load.ts`) asks instead of branching on the engine's name.
 */
export interface WriteDialect {
  /**
   * The column type of a new table for values of `kind`; `present` holds a sample of
   * the column's non-null values, `key` says it is part of the primary key.
   */
  columnType(kind: ValueKind, present: unknown[], key: boolean): string;
  /** The placeholder of the statement's `index`-th (0-based) bound value. */
  placeholder(index: number): string;
  /** Bound values per multi-row INSERT the engine takes comfortably. */
  paramsPerStatement: number;
  /** A row value as the driver binds it. */
  bindable(value: unknown): unknown;
  /** `insert` (an INSERT … VALUES) made an upsert on `keys`. */
  upsert(insert: string, names: string[], keys: string[], quote: (name: string) => string): string;
  /**
   * The columns of `table` (each part a plain identifier; `quoted` is it quoted), in
   * table order, or null when there is no such table. Catalogue reads only.
   */
  tableColumns(run: CatalogRunner, table: string[], quoted: string): Promise<TableColumn[] | null>;
}

/** A JSON-safe row value for drivers that bind objects as text. */
export function bindAsText(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return value;
}

/** What the numbers of a sample need: whole numbers, exact decimals (text), or doubles. */
export function numberShape(kind: ValueKind, present: unknown[]): "integer" | "decimal" | "double" | null {
  if (!(kind === "number" || (kind === "unknown" && present.length > 0 && present.every((v) => typeof v === "number")))) return null;
  if (present.length > 0 && present.every((v) => Number.isInteger(typeof v === "number" ? v : Number(v)))) return "integer";
  // Decimals arrive as exact text (JSON-safe NUMERIC/DECIMAL): keep them exact.
  return present.some((v) => typeof v === "string") ? "decimal" : "double";
}

/** ON CONFLICT (keys) DO UPDATE / DO NOTHING, as PostgreSQL and SQLite spell it. */
export function onConflictUpsert(insert: string, names: string[], keys: string[], q: (name: string) => string): string {
  const others = names.filter((n) => !keys.includes(n));
  const conflict = `ON CONFLICT (${keys.map(q).join(", ")})`;
  return others.length ? `${insert} ${conflict} DO UPDATE SET ${others.map((n) => `${q(n)} = excluded.${q(n)}`).join(", ")}` : `${insert} ${conflict} DO NOTHING`;
}
