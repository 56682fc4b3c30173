import "server-only";
import type { Engine } from "../../lib/engine";
import type { FunctionCatalog } from "../sql/function-catalog";
import type { SqlTextDialect } from "./sql-text";
import type { WriteDialect } from "./write-dialect";

export type { Engine };
export type { SqlTextDialect };
export type { WriteDialect };

/**
 * The one seam between Quarry and a target database. Engine differences are
 * expressed as `Capabilities`, so callers branch on what an engine can do rather
 * than on which engine it is.
 */

export interface ConnectionConfig {
  engine: Engine;
  host?: string;
  port?: number;
  /** Database name; for SQLite, the database file path. */
  database: string;
  username?: string;
  password?: string;
  sslMode?: "disable" | "require" | "verify-full";
  /**
   * PostgreSQL: every read runs `SET LOCAL ROLE` to this role inside its read-only
   * transaction, so it can do only what the role may.
   */
  readRole?: string;
  /** Engine extras, validated by `connectorOptionsSchema` (config.ts). */
  options?: Record<string, unknown>;
}

export interface Capabilities {
  /** Reads run in a session the engine itself keeps from writing. */
  readOnlyTransactions: boolean;
  /**
   * DDL can be rolled back. MySQL commits implicitly around DDL, so a
   * "run then roll back" dry run of DDL would really apply it there.
   */
  transactionalDdl: boolean;
  /**
   * One writing transaction at a time for the whole database (SQLite): a second writer
   * waits until the first commits.
   */
  singleWriter: boolean;
  /** `explainEstimate` can return a row estimate. */
  explainEstimates: boolean;
  /**
   * How a running query is stopped: `backend` = pg_cancel_backend, `kill-query` =
   * KILL QUERY, `interrupt` = the query runs in a child process that is killed.
   */
  cancel: "backend" | "kill-query" | "interrupt";
  /** `copyOut` is available (server-side COPY … TO STDOUT). */
  copyExport: boolean;
  /** Tables live in named schemas (SchemaTable.schema is set). */
  schemas: boolean;
  /** Placeholder syntax for `params`: `$1, $2` or `?`. */
  paramStyle: "dollar" | "question";
  identifierQuote: '"' | "`";
  /** INSERT/UPDATE/DELETE ... RETURNING is available. */
  supportsReturning: boolean;
  /** The connected database is the default schema of unqualified names (MySQL). */
  databaseIsSchema: boolean;
  /** `introspect` lists user-defined functions (SchemaSnapshot.functions). */
  listsUserFunctions: boolean;
  /** Comments can hold code the server runs (MySQL's executable comments, slash-star-bang). */
  executableComments: boolean;
  /** `x.f` may call a function f(x) when x has no column f (PostgreSQL attribute notation). */
  attributeCalls: boolean;
}

export type ValueKind = "number" | "string" | "boolean" | "date" | "json" | "binary" | "unknown";

export interface ResultColumn {
  /** Unique within the result: duplicates get `_2`, `_3`, … so rows can be keyed by it. */
  name: string;
  /** The engine's own type name (e.g. `int4`, `DECIMAL(10,2)`, `TEXT`). */
  type: string;
  kind: ValueKind;
}

export interface RunOptions {
  maxRows: number;
  timeoutMs: number;
  signal?: AbortSignal;
  readOnly: boolean;
  params?: unknown[];
  /** Name under which `cancel()` finds this run; generated when absent. */
  queryTag?: string;
  /** Reads: stop fetching once the rows kept reach this many bytes (JSON size, approximately). */
  maxBytes?: number;
  /** Reads: a single value larger than this fails the run instead of being buffered. */
  maxValueBytes?: number;
}

export type TruncatedReason = "rows" | "bytes";

export interface RunResult {
  columns: ResultColumn[];
  /** JSON-safe: unsafe bigints as strings, dates as ISO text, binary as base64. */
  rows: Record<string, unknown>[];
  rowCount: number;
  /** More rows existed than `maxRows`; the rest were never fetched. */
  truncated: boolean;
  /** Which cap stopped the fetch, when `truncated`. */
  truncatedReason?: TruncatedReason;
  executionTimeMs: number;
  /** Set for statements that change data (write path only). */
  affectedRows?: number;
}

export interface StreamOptions {
  readOnly: true;
  timeoutMs: number;
  signal?: AbortSignal;
  params?: unknown[];
  queryTag?: string;
  /** Rows per yielded batch (default 1000). */
  batchSize?: number;
  /** A single value larger than this fails the stream instead of being buffered. */
  maxValueBytes?: number;
  /**
   * copyOut only: `csv` (default) is CSV with a header; `text` is COPY's own text format
   * and `binary` its binary format, both without a header, for a COPY FROM on the other
   * end (binary only into columns of exactly the types the query yields).
   */
  copyFormat?: "csv" | "text" | "binary";
  /** copyOut only: yield the protocol's CopyData messages themselves, for `Transaction.copyFrom(…, { framed: true })` to send on unchanged. */
  copyFrames?: boolean;
}

/** First chunk is always `{ columns }`, then zero or more `{ rows }` batches. */
export type StreamChunk = { columns: ResultColumn[] } | { rows: Record<string, unknown>[] };

export type TransactionRunOptions = Omit<RunOptions, "readOnly">;

export interface Transaction {
  run(sql: string, opts: TransactionRunOptions): Promise<RunResult>;
  /**
   * Bulk load (pipeline loaders): `COPY … FROM STDIN` fed with the CSV text (or bytes) `data`
   * yields, in this transaction. Present where the engine has it (PostgreSQL); answers
   * the rows copied. `framed`: `data` is CopyData messages already (a `copyOut` with
   * `copyFrames` of the same engine), written to the server as they are.
   */
  copyFrom?(sql: string, data: AsyncIterable<string | Buffer>, opts?: { framed?: boolean }): Promise<number>;
}

export interface TransactionOptions {
  /** Roll back instead of committing when `fn` succeeds (dry runs). */
  rollback?: boolean;
}

export interface ConnectionTest {
  ok: boolean;
  latencyMs: number;
  version: string;
  message: string;
  /** Risks that do not stop the connection, e.g. a superuser login (checked when `ok`). */
  warnings?: string[];
  /** The connection works but `readRole` cannot be used (then `ok` is false). */
  readRoleError?: string;
}

/** What a login may do beyond reading, and whether `readRole` is usable by it. */
export interface LoginCheck {
  warnings: string[];
  /** Set when the read role does not exist or the login may not switch to it. */
  readRoleError?: string;
}

export interface SchemaColumn {
  name: string;
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  default?: string | null;
}

export interface ForeignKey {
  columns: string[];
  referencedSchema?: string;
  referencedTable: string;
  referencedColumns: string[];
}

export interface SchemaTable {
  schema?: string;
  name: string;
  type: "table" | "view";
  columns: SchemaColumn[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
  /** Engine statistics where available (exact count on SQLite); null for views. */
  approxRowCount: number | null;
  /**
   * Views: the defining query as the engine reports it (SQLite: the CREATE VIEW text), so
   * masking lineage can see through a view to its base columns. Absent when unknown.
   */
  definition?: string;
}

export interface SchemaSnapshot {
  tables: SchemaTable[];
  /**
   * Lower-cased names of user-defined functions the connection can call (PostgreSQL: all
   * non-catalogue schemas; MySQL: the connected database). Their bodies may read any
   * table, so masking lineage cannot trace what they return. Absent when not collected.
   */
  functions?: string[];
}

/**
 * What the catalogue says about a table a write touches, so an approval can tell
 * whether a rolled-back dry run would truly leave nothing behind.
 */
export interface RelationFacts {
  /** The name as asked (`describeRelations` input) this relation answers to. */
  asked: string;
  /** `schema.table` (or `table`) as the catalogue spells it. */
  name: string;
  /** `named`: one of the asked names; `dependent`: a table a write to it reaches (foreign-key cascade, partition, child). */
  via: "named" | "dependent";
  kind: "table" | "view" | "foreign" | "materialized" | "virtual" | "other";
  /** MySQL/MariaDB storage engine (InnoDB, MyISAM, Aria, MEMORY, ...); null elsewhere. */
  storageEngine: string | null;
  /** A rollback undoes writes to it (false for MyISAM, Aria, MEMORY, foreign tables, ...). */
  transactional: boolean;
  /** User triggers (they run arbitrary code on write). */
  triggers: string[];
  /** Other things that run code on any write or read: rules, row-level security policies. */
  writeHazards: string[];
  /** Column defaults a rollback cannot undo (sequences, AUTO_INCREMENT, function calls); matter when defaults are written. */
  defaultHazards: string[];
  columns: string[];
}

export interface Connector {
  readonly engine: Engine;
  readonly capabilities: Capabilities;
  /** The SQL text Quarry writes around a statement on this engine (quoting, placeholders, backups). */
  readonly dialect: SqlTextDialect;
  /** How rows are written into its tables (the bulk loader's seam). */
  readonly writeDialect: WriteDialect;
  /** Never throws for connection problems: they come back as `ok: false`. */
  testConnection(): Promise<ConnectionTest>;
  introspect(): Promise<SchemaSnapshot>;
  /** Exactly one statement per call; `readOnly: true` cannot change data. */
  run(sql: string, opts: RunOptions): Promise<RunResult>;
  /** Read-only, batch by batch; memory stays flat however many rows there are. */
  stream(sql: string, opts: StreamOptions): AsyncIterable<StreamChunk>;
  /**
   * Runs `fn`'s statements in one write transaction on one connection: committed
   * when `fn` resolves (or rolled back with `rollback: true`), rolled back when it throws.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** True when a run with this tag was in flight and has been told to stop. */
  cancel(queryTag: string): Promise<boolean>;
  /** Planner's row estimate, or null where the engine gives none. */
  explainEstimate(sql: string, opts?: { params?: unknown[]; timeoutMs?: number }): Promise<number | null>;
  /**
   * Catalogue facts for `names` (unknown names are simply absent) and, for those in
   * `dependentsOf`, for the tables a write to them reaches. Read-only catalogue queries.
   */
  describeRelations?(names: string[], dependentsOf: string[]): Promise<RelationFacts[]>;
  /** The planner's plan (EXPLAIN without ANALYZE) as text, run in a read-only transaction; nothing is executed. */
  explainPlan?(sql: string, opts?: { timeoutMs?: number }): Promise<string>;
  /** The bytes of the server's `COPY (sql) TO STDOUT` (CSV with a header unless `copyFormat` says otherwise); present when `capabilities.copyExport`. */
  copyOut?(sql: string, opts: StreamOptions): AsyncIterable<Buffer>;
  /**
   * The engine's own catalogue of functions, operators, types and views, for the read
   * policy. Cached by the connector; `refresh` asks for a newer copy after a miss.
   * Absent where the engine has no usable catalogue (the policy is then static).
   */
  functionCatalog?(options?: { refresh?: boolean }): Promise<FunctionCatalog>;
  close(): Promise<void>;
}
