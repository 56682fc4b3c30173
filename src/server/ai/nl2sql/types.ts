/**
 * The built-in NL→SQL engine's view of a data source: the schema plus what the data
 * dictionary adds (aliases, synonyms, tags, sampled values). Pure data, so the engine
 * runs without a database, a network or a model.
 */
export type Dialect = "sqlite" | "postgres" | "mysql";
export type ValueKind = "number" | "text" | "date" | "boolean";

export interface NlColumn {
  name: string;
  type: string;
  kind: ValueKind;
  primaryKey: boolean;
  nullable?: boolean;
  alias?: string;
  synonyms?: string[];
  tags?: string[];
  /** Sampled values (text columns); questions may name them. Masked values are left out. */
  values?: string[];
}

export interface NlForeignKey {
  columns: string[];
  referencedSchema?: string;
  referencedTable: string;
  referencedColumns: string[];
}

export interface NlTable {
  schema?: string;
  name: string;
  /** Views have no keys to join on; questions reach them only by name. */
  view?: boolean;
  alias?: string;
  synonyms?: string[];
  columns: NlColumn[];
  foreignKeys: NlForeignKey[];
}

export interface NlSchema {
  dialect: Dialect;
  tables: NlTable[];
  /** Schema names that need no qualification (PostgreSQL `public`, the MySQL database). */
  defaultSchemas?: string[];
}

/** One phrase of the question and what it was understood as (InsightEngine's `mappings`). */
export interface Mapping {
  phrase: string;
  kind: "table" | "column" | "value" | "aggregate" | "date" | "comparison" | "group" | "order" | "limit" | "filter" | "write";
  target: string;
}

export type NlAnswer =
  | {
      ok: true;
      sql: string;
      language: string;
      mappings: Mapping[];
      /** Tables the answer uses: the slice of the dictionary a model prompt would carry. */
      tables: string[];
      /** Words that were not needed or not understood (the answer stands without them). */
      ignored: string[];
      write: boolean;
    }
  | {
      ok: false;
      language: string;
      /** What could not be mapped, in words a person can act on. */
      message: string;
      unmapped: string[];
      mappings: Mapping[];
      /** Tables the question seemed to be about (for a model's prompt). */
      tables: string[];
    };
