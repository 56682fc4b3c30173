import "server-only";
import { config } from "../../config";
import type { Connector, ResultColumn, Transaction, ValueKind, WriteDialect } from "../../connectors/types";
import type { TableColumn } from "../../connectors/write-dialect";
import { AppError, forbidden } from "../../errors";
import type { AuditRecord } from "../audit";
import type { Principal } from "../principal";
import { audit } from "./audit";
import { connectorFor } from "./connection";
import { describePrepared } from "./describe";
import { maskingPlanFor } from "./masking";
import { permission, prepareRead } from "./prepare";

/**
 * The bulk-load step of the pipe (pipeline loaders): rows into one table of a data
 * source the principal may write to (`can_write`), all or nothing. The rows go in one
 * transaction that commits only when `ready` resolves (the whole run succeeded); a
 * failure anywhere rolls it back. Where DDL commits implicitly (MySQL), a table this
 * load created is dropped again on failure, so nothing is left half-written.
 */
export type LoadMode = "create" | "append" | "replace" | "upsert";

export interface LoadRequest {
  dataSourceId: string;
  /** `table` or `schema.table`; each part a plain identifier. */
  table: string;
  mode: LoadMode;
  /** Upsert keys (and the primary key of a table this load creates in upsert mode). */
  keys: string[];
  /** append/replace/upsert: create the table when it does not exist. */
  createIfMissing: boolean;
  /** The rows, batch by batch (the first names the columns); or, instead, `select`. */
  batches?: AsyncIterable<{ columns: { name: string; kind: ValueKind }[]; rows: Record<string, unknown>[] }>;
  /**
   * A read of this same data source whose rows go in as INSERT … SELECT, never leaving
   * the database (a pushed-down pipeline). It passes the read path's checks first.
   */
  select?: { sql: string; params: unknown[] };
  /** Called with the rows written so far once all are in; the returned promise decides commit (resolve) or rollback (reject). */
  ready(rowsWritten: number): Promise<void>;
  signal: AbortSignal;
  audit: AuditRecord;
}

export interface LoadOutcome {
  rowsWritten: number;
  created: boolean;
  table: string;
  /** How the rows went in: from the batches, or from `select` as INSERT … SELECT or the server's COPY TO piped into COPY FROM. */
  method: "rows" | "insert-select" | "copy";
  /** The COPY pipe's format: binary where every target column's type has binary I/O. */
  copyFormat?: "binary" | "text";
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function load(principal: Principal, request: LoadRequest): Promise<LoadOutcome> {
  const { dataSource, access } = await permission(principal, request.dataSourceId);
  if (!access.canWrite) throw forbidden(`Loading into ${dataSource.name} needs write permission (can_write) on it`);
  const parts = request.table.split(".");
  if (parts.length > 2 || !parts.every((p) => IDENT.test(p))) {
    throw new AppError("VALIDATION_ERROR", `${request.table} is not a table name (letters, digits and _; schema.table allowed)`, {
      fields: [{ field: "table", message: "letters, digits and _ only" }],
    });
  }
  if (request.mode === "upsert" && request.keys.length === 0) throw new AppError("VALIDATION_ERROR", "Upsert needs key columns", { fields: [{ field: "keys", message: "name the key columns" }] });
  const connector = connectorFor(dataSource);
  const q = (n: string) => connector.dialect.quoteIdentifier(n);
  const target = parts.map(q).join(".");
  const dialect = connector.writeDialect;
  const timeoutMs = config().QUARRY_QUERY_TIMEOUT_MS;

  const select = request.select ? await selectSource(principal, request.dataSourceId, request.select) : null;
  const iterator = (request.batches ?? noBatches())[Symbol.asyncIterator]();
  let first = await iterator.next();
  const columns = select ? select.columns : first.done ? [] : first.value.columns;
  // The first batch may name the columns only: the column types of a new table come from real rows.
  while (!first.done && first.value.rows.length === 0) {
    const next = await iterator.next();
    if (next.done) break;
    first = next;
  }
  const existing = await dialect.tableColumns((sql, params) => connector.run(sql, { maxRows: 10_000, timeoutMs, readOnly: true, params }), parts, target);
  if (request.mode === "create" && existing) throw new AppError("CONFLICT", `The table ${request.table} exists already (mode create); use append, replace or upsert`);
  if (request.mode !== "create" && !existing && !request.createIfMissing) throw new AppError("NOT_FOUND", `The table ${request.table} does not exist`);
  if (existing) {
    const have = new Set(existing.map((c) => c.name.toLowerCase()));
    const extra = columns.filter((c) => !have.has(c.name.toLowerCase())).map((c) => c.name);
    if (extra.length) {
      throw new AppError("VALIDATION_ERROR", `The table ${request.table} has no column${extra.length > 1 ? "s" : ""} ${extra.join(", ")}`, {
        fields: extra.map((c) => ({ field: c, message: "not a column of the target table" })),
      });
    }
  }
  const missingKeys = request.keys.filter((k) => !columns.some((c) => c.name === k));
  if (missingKeys.length) throw new AppError("VALIDATION_ERROR", `Key column${missingKeys.length > 1 ? "s" : ""} ${missingKeys.join(", ")} not in the incoming rows`);

  const firstRows = first.done ? [] : first.value.rows;
  const createSql = existing ? null : select ? createTableOfTypes(target, select.columns, q) : createTable(dialect, target, columns, firstRows, request.mode === "upsert" ? request.keys : [], q);
  const run = (tx: Transaction, sql: string, params?: unknown[]) => tx.run(sql, { maxRows: 1, timeoutMs, params });
  // MySQL commits around DDL: the table is created on its own and dropped again on failure.
  const separateDdl = createSql !== null && !connector.capabilities.transactionalDdl;
  if (separateDdl) await connector.transaction((tx) => run(tx, createSql!));
  let written = 0;
  let method: LoadOutcome["method"] = "rows";
  let copyFormat: LoadOutcome["copyFormat"];
  try {
    await connector.transaction(async (tx) => {
      if (createSql && !separateDdl) await run(tx, createSql);
      if (request.mode === "replace" && existing) await run(tx, `DELETE FROM ${target}`);
      const names = columns.map((c) => c.name);
      const perStatement = Math.max(1, Math.min(500, Math.floor(dialect.paramsPerStatement / Math.max(1, names.length))));
      const insert = async (rows: Record<string, unknown>[]) => {
        for (let i = 0; i < rows.length; i += perStatement) {
          if (request.signal.aborted) throw new AppError("CONFLICT", "The run was cancelled");
          const chunk = rows.slice(i, i + perStatement);
          const params: unknown[] = [];
          const tuples = chunk.map((row) => {
            const start = params.length;
            for (const n of names) params.push(dialect.bindable(row[n]));
            return `(${names.map((_, j) => dialect.placeholder(start + j)).join(", ")})`;
          });
          const values = `INSERT INTO ${target} (${names.map(q).join(", ")}) VALUES ${tuples.join(", ")}`;
          await run(tx, request.mode === "upsert" ? dialect.upsert(values, names, request.keys, q) : values, params);
          written += chunk.length;
        }
      };
      if (select) {
        const list = names.map(q).join(", ");
        const exportTimeoutMs = config().QUARRY_EXPORT_TIMEOUT_MS;
        if (select.parallel && connector.copyOut && tx.copyFrom) {
          // The server's COPY TO straight into COPY FROM: the read keeps its read-only session
          // and its parallel plan. Both ends are the same server, so where each column is cast
          // to the target column's own type, COPY's binary format carries the values without
          // formatting and parsing each one as text (psql's pipe does); text otherwise.
          method = "copy";
          // A table this load created is only seen inside its transaction.
          const targetColumns = existing ?? (await dialect.tableColumns((sql, params) => tx.run(sql, { maxRows: 10_000, timeoutMs, params }), parts, target));
          const types = binaryTypes(targetColumns, names);
          const sql = types
            ? `SELECT ${names.map((n, i) => `CAST(quarry_source.${q(n)} AS ${types[i]}) AS ${q(n)}`).join(", ")} FROM (\n${select.sql}\n) quarry_source`
            : select.sql;
          copyFormat = types ? "binary" : "text";
          const frames = connector.copyOut(sql, { readOnly: true, timeoutMs: exportTimeoutMs, signal: request.signal, copyFormat, copyFrames: true });
          written = await tx.copyFrom(`COPY ${target} (${list}) FROM STDIN${types ? " WITH (FORMAT binary)" : ""}`, frames, { framed: true });
        } else {
          method = "insert-select";
          const inserted = await tx.run(`INSERT INTO ${target} (${list}) SELECT ${list} FROM (\n${select.sql}\n) quarry_source`, {
            maxRows: 1,
            timeoutMs: exportTimeoutMs,
            params: select.params,
            signal: request.signal,
          });
          written = inserted.affectedRows ?? 0;
        }
      } else if (names.length && tx.copyFrom && request.mode !== "upsert") {
        // PostgreSQL: the rows go in through COPY FROM STDIN, in its text format, batch by batch.
        const signal = request.signal;
        async function* copyText(): AsyncIterable<string> {
          const encode = (rows: Record<string, unknown>[]) => {
            let out = "";
            for (const row of rows) {
              for (let j = 0; j < names.length; j++) out += (j ? "\t" : "") + copyTextValue(row[names[j]!]);
              out += "\n";
            }
            return out;
          };
          if (firstRows.length) yield encode(firstRows);
          for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
            if (signal.aborted) throw new AppError("CONFLICT", "The run was cancelled");
            if (step.value.rows.length) yield encode(step.value.rows);
          }
        }
        written = await tx.copyFrom(`COPY ${target} (${names.map(q).join(", ")}) FROM STDIN`, copyText());
      } else if (names.length) {
        await insert(firstRows);
        for (let step = await iterator.next(); !step.done; step = await iterator.next()) await insert(step.value.rows);
      } else {
        for (let step = await iterator.next(); !step.done; step = await iterator.next()) void step;
      }
      await request.ready(written);
    });
  } catch (error) {
    if (separateDdl) await connector.transaction((tx) => run(tx, `DROP TABLE IF EXISTS ${target}`)).catch(() => undefined);
    await audit(principal, { ...request.audit, outcome: "failure", details: { ...request.audit.details, table: request.table, error: (error as Error).message } });
    throw error;
  }
  await audit(principal, { ...request.audit, details: { ...request.audit.details, table: request.table, rowsWritten: written, mode: request.mode, ...(select ? { method, copyFormat, sourceSql: select.sql } : {}) } });
  return { rowsWritten: written, created: createSql !== null, table: request.table, method, copyFormat };
}

async function* noBatches(): AsyncIterable<{ columns: { name: string; kind: ValueKind }[]; rows: Record<string, unknown>[] }> {}

/**
 * The read of an INSERT … SELECT: the read path's permission, analysis and policy, and
 * its columns. Its rows are never masked on the way (they never reach Quarry), so a read
 * whose plan would mask anything is refused; writers' reads are not masked, and a load
 * needs write permission, so this holds wherever the planner chooses it.
 */
async function selectSource(principal: Principal, dataSourceId: string, select: { sql: string; params: unknown[] }) {
  const prepared = await prepareRead(principal, { dataSourceId, sql: select.sql });
  const plan = await maskingPlanFor(prepared);
  if (plan.mode !== "off") throw forbidden("This pipeline's rows would need masking on the way; they cannot be copied inside the database");
  const [columns, parallel] = await Promise.all([describePrepared(prepared, select.params), plansInParallel(connectorFor(prepared.dataSource), prepared.statement.text, select.params)]);
  return { sql: prepared.statement.text, params: select.params, columns, parallel };
}

/**
 * PostgreSQL runs INSERT … SELECT serially. Where the SELECT alone would get parallel
 * workers (a big sort, a DISTINCT ON) and binds no parameters (COPY takes none), the
 * server's COPY TO piped into COPY FROM is faster, as psql's own pipe is.
 */
async function plansInParallel(connector: Connector, sql: string, params: unknown[]): Promise<boolean> {
  if (params.length > 0 || !connector.copyOut || !connector.explainPlan) return false;
  const plan = await connector.explainPlan(sql, { timeoutMs: config().QUARRY_QUERY_TIMEOUT_MS }).catch(() => "");
  return /\bGather\b/.test(plan);
}

/**
 * The target columns' types, in `names` order, for a binary COPY; null when a column is
 * missing or its type has no binary send/receive (some extension types), so the pipe
 * falls back to text.
 */
function binaryTypes(columns: TableColumn[] | null, names: string[]): string[] | null {
  const byName = new Map((columns ?? []).map((c) => [c.name, c]));
  const types = names.map((n) => byName.get(n));
  return types.every((t) => t?.binaryCopy) ? types.map((t) => t!.type) : null;
}

/** A new table for an INSERT … SELECT: the engine's own types of the query's columns. */
function createTableOfTypes(target: string, columns: ResultColumn[], q: (n: string) => string): string {
  if (columns.length === 0) throw new AppError("VALIDATION_ERROR", "The query names no columns; nothing to create a table from");
  // An unnamed type (a bare OID) falls back to text rather than failing the CREATE.
  return `CREATE TABLE ${target} (${columns.map((c) => `${q(c.name)} ${/^\d+$/.test(c.type) || !c.type ? "TEXT" : c.type}`).join(", ")})`;
}

const ESCAPED = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * One field of COPY's text format (what psql's pipe uses; cheaper to write and for the
 * server to parse than CSV): `\N` is NULL, so an empty string stays empty text; a
 * backslash, tab and line ends are escaped, so `\.` can never end the data early.
 */
function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return ESCAPED.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : text;
}

function createTable(
  dialect: WriteDialect,
  target: string,
  columns: { name: string; kind: ValueKind }[],
  sample: Record<string, unknown>[],
  keys: string[],
  q: (n: string) => string,
): string {
  if (columns.length === 0) throw new AppError("VALIDATION_ERROR", "The incoming rows name no columns; nothing to create a table from");
  const defs = columns.map((c) => {
    const present = sample
      .slice(0, 200)
      .map((r) => r[c.name])
      .filter((v) => v !== null && v !== undefined);
    return `${q(c.name)} ${dialect.columnType(c.kind, present, keys.includes(c.name))}`;
  });
  if (keys.length) defs.push(`PRIMARY KEY (${keys.map(q).join(", ")})`);
  return `CREATE TABLE ${target} (${defs.join(", ")})`;
}
