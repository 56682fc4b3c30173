import "server-only";
import { sqlTextDialect } from "../sql-text";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { AppError } from "../../errors";
import { connectorOptions } from "../config";
import { cancelByTag, RunControl } from "../control";
import { connectionFailed, queryFailed } from "../errors";
import { valueTooLarge } from "../limits";
import type {
  Capabilities, ConnectionConfig, Connector, RunOptions, RunResult, StreamChunk, StreamOptions, TransactionRunOptions, TruncatedReason,
} from "../types";
import { toRecords, uniqueNames } from "../values";
import { ChildError, ChildExited, SqlitePool, type SqliteProcess } from "./child";
import { createSqliteKysely, sqliteColumns, type ChildColumn } from "./dialect";
import { introspectSqlite } from "./introspect";
import { describeSqliteRelations, explainSqlite } from "./relations";
import { sqliteWriteDialect } from "./write-dialect";

export const sqliteCapabilities: Capabilities = {
  readOnlyTransactions: true,
  transactionalDdl: true,
  singleWriter: true,
  explainEstimates: false,
  cancel: "interrupt",
  copyExport: false,
  schemas: false,
  paramStyle: "question",
  identifierQuote: '"',
  supportsReturning: true,
  databaseIsSchema: false,
  listsUserFunctions: false,
  executableComments: false,
  attributeCalls: false,
};

interface ChildRun {
  columns: ChildColumn[];
  rows: unknown[][];
  seen: (string | null)[];
  truncated: boolean;
  truncatedReason?: TruncatedReason;
  changes?: number;
  ms: number;
}

function sqliteQueryError(err: unknown): AppError {
  if (err instanceof ChildError && err.code === "QUARRY_VALUE_TOO_LARGE") {
    return valueTooLarge(err.limit?.limitBytes ?? 0, err.message === "row" ? "row" : "value", err.limit?.column);
  }
  if (err instanceof ChildError && err.code === "SQLITE_TOOBIG") {
    // better-sqlite3 refuses values past what a JavaScript string can hold.
    return new AppError("QUERY_FAILED", "Result too large: a value is larger than SQLite can return. Select part of it instead.", {
      details: { reason: "value_too_large", code: err.code },
    });
  }
  if (err instanceof ChildError) {
    const details: Record<string, unknown> = { code: err.code };
    if (err.code === "QUARRY_READ_ONLY") details.reason = "read_only";
    return queryFailed(err.message, details, err);
  }
  return queryFailed(err instanceof Error ? err.message : String(err), {}, err);
}

/** better-sqlite3 binds numbers, bigints, strings, buffers and null only. */
const bindable = (params: unknown[] = []) =>
  params.map((p) => (typeof p === "boolean" ? Number(p) : p instanceof Date ? p.toISOString() : p === undefined ? null : p));

export function createSqliteConnector(config: ConnectionConfig): Connector {
  const options = connectorOptions(config);
  const file = config.database;
  const busyTimeoutMs = 5_000;
  const readers = new SqlitePool({ file, readOnly: true, busyTimeoutMs, max: options.poolMax, maxIdle: 1 });
  // SQLite has one writer at a time anyway; a writable handle is not kept open when idle.
  const writers = new SqlitePool({ file, readOnly: false, busyTimeoutMs, max: 1, maxIdle: 0 });
  const db = createSqliteKysely(file);
  const inflight = new Map<string, RunControl>();

  async function acquire(pool: SqlitePool): Promise<SqliteProcess> {
    try {
      return await pool.acquire();
    } catch (err) {
      throw connectionFailed(config, err instanceof ChildError || err instanceof ChildExited ? err : new Error(String(err)));
    }
  }

  /** One statement on `proc`; our deadline kills the process, which truly stops SQLite. */
  async function execute(proc: SqliteProcess, sql: string, opts: TransactionRunOptions, readOnly: boolean): Promise<RunResult> {
    const control = RunControl.start(inflight, opts);
    try {
      control.arm({ soft: async () => proc.kill() });
      const res = await proc.request<ChildRun>("run", {
        sql, params: bindable(opts.params), maxRows: opts.maxRows, maxBytes: opts.maxBytes, maxValueBytes: opts.maxValueBytes,
      });
      const keys = uniqueNames(res.columns.map((c) => c.name));
      const { columns, converters } = sqliteColumns(res.columns, keys, res.seen);
      return {
        columns,
        rows: toRecords(keys, res.rows, converters),
        rowCount: res.rows.length,
        truncated: res.truncated,
        truncatedReason: res.truncatedReason,
        executionTimeMs: res.ms,
        ...(readOnly || res.changes === undefined ? {} : { affectedRows: res.changes }),
      };
    } catch (err) {
      throw control.fail(err, sqliteQueryError);
    } finally {
      control.finish();
    }
  }

  async function* stream(sql: string, opts: StreamOptions): AsyncGenerator<StreamChunk> {
    const size = Math.max(1, opts.batchSize ?? 1000);
    const control = RunControl.start(inflight, opts);
    let proc: SqliteProcess | undefined;
    const streamId = randomUUID();
    let open = false;
    try {
      proc = await acquire(readers);
      const p = proc;
      control.arm({ soft: async () => p.kill() });
      const { columns: raw } = await p.request<{ columns: ChildColumn[] }>("streamOpen", {
        streamId, sql, params: bindable(opts.params), maxValueBytes: opts.maxValueBytes,
      });
      open = true;
      const keys = uniqueNames(raw.map((c) => c.name));
      // The first batch goes ahead so expression columns can be typed from their values.
      let batch = await p.request<{ rows: unknown[][]; seen: (string | null)[]; done: boolean }>("streamNext", { streamId, size });
      const { columns, converters } = sqliteColumns(raw, keys, batch.seen);
      yield { columns };
      for (;;) {
        open = !batch.done;
        if (batch.rows.length > 0) yield { rows: toRecords(keys, batch.rows, converters) };
        if (batch.done) break;
        control.throwIfStopped();
        batch = await p.request("streamNext", { streamId, size });
      }
    } catch (err) {
      throw control.fail(err, sqliteQueryError);
    } finally {
      control.finish();
      if (proc) {
        if (open && proc.alive) await proc.request("streamClose", { streamId }).catch(() => proc!.kill());
        readers.release(proc, proc.alive && !control.stopped);
      }
    }
  }

  async function run(sql: string, opts: RunOptions): Promise<RunResult> {
    const pool = opts.readOnly ? readers : writers;
    const proc = await acquire(pool);
    try {
      return await execute(proc, sql, opts, opts.readOnly);
    } finally {
      pool.release(proc, proc.alive);
    }
  }

  return {
    engine: "sqlite",
    capabilities: sqliteCapabilities,
    dialect: sqlTextDialect(sqliteCapabilities),
    writeDialect: sqliteWriteDialect,

    async testConnection() {
      const started = performance.now();
      try {
        const { version } = (await db.selectNoFrom((eb) => eb.fn<string>("sqlite_version", []).as("version")).executeTakeFirstOrThrow()) as {
          version: string;
        };
        return { ok: true, latencyMs: performance.now() - started, version: `SQLite ${version}`, message: `Opened ${path.basename(file)}` };
      } catch (err) {
        return { ok: false, latencyMs: performance.now() - started, version: "", message: connectionFailed(config, err).message };
      }
    },

    async introspect() {
      try {
        return await introspectSqlite(db);
      } catch (err) {
        const code = (err as { code?: string }).code ?? "";
        throw /CANTOPEN|NOTADB|SQLITE_IOERR/.test(code) || !code ? connectionFailed(config, err) : sqliteQueryError(err);
      }
    },

    run,

    stream,

    async transaction(fn, opts = {}) {
      const proc = await acquire(writers);
      try {
        await proc.request("control", { verb: "BEGIN IMMEDIATE" }).catch((err) => {
          throw sqliteQueryError(err);
        });
        let result;
        try {
          result = await fn({ run: (sql, runOpts) => execute(proc, sql, runOpts, false) });
        } catch (err) {
          if (proc.alive) await proc.request("control", { verb: "ROLLBACK" }).catch(() => proc.kill());
          throw err;
        }
        await proc.request("control", { verb: opts.rollback ? "ROLLBACK" : "COMMIT" }).catch((err) => {
          throw sqliteQueryError(err);
        });
        return result;
      } finally {
        writers.release(proc, proc.alive);
      }
    },

    cancel: (queryTag) => cancelByTag(inflight, queryTag),
    explainEstimate: async () => null,
    describeRelations: (names, dependentsOf) => describeSqliteRelations(run, names, dependentsOf),
    explainPlan: (sql, opts = {}) => explainSqlite(run, sql, opts.timeoutMs),

    async close() {
      for (const control of inflight.values()) control.stop("cancel");
      readers.close();
      writers.close();
      // Best effort: a pool whose last connect attempt failed reports that failure again here.
      await db.destroy().catch(() => {});
    },
  };
}
