import "server-only";
import mysql, { type FieldPacket, type Pool, type PoolConnection, type PoolOptions } from "mysql2";
import { AppError } from "../../errors";
import { RunControl, type StopHandlers } from "../control";
import { cancelledError, connectionFailed, queryFailed, timeoutError } from "../errors";
import { assertMysqlReadable, leadingKeyword } from "../guard";
import type {
  ConnectionConfig,
  ResultColumn,
  RunOptions,
  RunResult,
  StreamChunk,
  StreamOptions,
  Transaction,
  TransactionOptions,
  TransactionRunOptions,
} from "../types";
import { fetchLimits } from "../limits";
import { toRecords, uniqueNames, type ValueConverter } from "../values";
import { mysqlColumns, type ServerFlavor } from "./dialect";
import { RowPump } from "./pump";

export interface MysqlContext {
  config: ConnectionConfig;
  poolOptions: PoolOptions;
  pool: Pool;
  inflight: Map<string, RunControl>;
  flavor(): Promise<ServerFlavor>;
}

/** The server-side limit should fire first; ours is the backstop. */
const GRACE_MS = 1_000;

interface Lease {
  conn: PoolConnection;
  /** Never reused: destroyed on release instead of going back to the pool. */
  broken: boolean;
  /** Rejects when the connection is dropped under a pending call. */
  dead: Promise<never>;
  drop(): void;
}

export async function checkout(ctx: MysqlContext): Promise<Lease> {
  const conn = await new Promise<PoolConnection>((resolve, reject) =>
    ctx.pool.getConnection((err, c) => (err ? reject(connectionFailed(ctx.config, err)) : resolve(c))),
  );
  let fail: (err: Error) => void = () => {};
  const dead = new Promise<never>((_, reject) => (fail = reject));
  dead.catch(() => {});
  const lease: Lease = {
    conn,
    broken: false,
    dead,
    drop: () => {
      lease.broken = true;
      fail(new Error("connection dropped"));
      conn.destroy();
      (conn as unknown as { stream?: { destroy(): void } }).stream?.destroy();
    },
  };
  return lease;
}

export function release(lease: Lease): void {
  if (lease.broken) lease.drop();
  else lease.conn.release();
}

export function exec(lease: Lease, sql: string): Promise<unknown> {
  return Promise.race([
    new Promise((resolve, reject) => lease.conn.query(sql, (err, res) => (err ? reject(err) : resolve(res)))),
    lease.dead,
  ]);
}

/**
 * COM_RESET_CONNECTION: rolls back, releases GET_LOCK locks, drops user variables,
 * temporary tables and prepared statements, and restores session variables, so the
 * next borrower of this pooled connection inherits nothing.
 */
async function reset(lease: Lease): Promise<void> {
  if (lease.broken) return;
  await Promise.race([
    new Promise<void>((resolve, reject) => lease.conn.reset((err) => (err ? reject(err) : resolve()))),
    lease.dead,
  ]).catch(() => (lease.broken = true));
}

/** KILL from a separate connection: the pool may be exhausted by the very queries being stopped. */
export async function killThread(ctx: MysqlContext, threadId: number, what: "QUERY" | "CONNECTION"): Promise<void> {
  const c = mysql.createConnection({ ...ctx.poolOptions, connectionLimit: undefined } as mysql.ConnectionOptions);
  c.on("error", () => {});
  try {
    await new Promise((resolve, reject) => c.query(`KILL ${what} ${threadId}`, (err, res) => (err ? reject(err) : resolve(res))));
  } finally {
    c.destroy();
  }
}

/** Drops a connection whose result is still arriving, and ends its work server-side. */
async function abandon(ctx: MysqlContext, lease: Lease): Promise<void> {
  const threadId = lease.conn.threadId;
  lease.drop();
  await killThread(ctx, threadId, "CONNECTION").catch(() => {});
}

function stopHandlers(ctx: MysqlContext, lease: Lease): StopHandlers {
  const threadId = lease.conn.threadId;
  return {
    // A KILL QUERY that arrives just after the statement ended could hit the next one,
    // so a connection we killed in never goes back to the pool.
    soft: () => {
      lease.broken = true;
      return killThread(ctx, threadId, "QUERY");
    },
    hard: () => lease.drop(),
  };
}

export function mysqlQueryError(err: unknown, timeoutMs: number): AppError {
  const e = err as { errno?: number; code?: string; sqlState?: string; sqlMessage?: string; message?: string };
  // 1969: MariaDB max_statement_time, 3024: MySQL max_execution_time, 1317: KILL QUERY.
  if (e?.errno === 1969 || e?.errno === 3024) return timeoutError(timeoutMs);
  if (e?.errno === 1317) return cancelledError();
  return queryFailed(e?.sqlMessage ?? e?.message ?? String(err), { code: e?.code, errno: e?.errno, sqlState: e?.sqlState }, err);
}

/** The server went away mid-run: an environment problem, not the user's SQL. */
function mysqlRunError(ctx: MysqlContext, err: unknown, timeoutMs: number): AppError {
  const e = err as { fatal?: boolean; code?: string } | null;
  const lost = e?.fatal === true && /^(PROTOCOL_CONNECTION_LOST|E[A-Z]+)$/.test(e.code ?? "");
  return lost ? connectionFailed(ctx.config, err) : mysqlQueryError(err, timeoutMs);
}

const isFatal = (err: unknown) => {
  const e = err as { fatal?: boolean; errno?: number } | null;
  return !e || e.fatal === true || e.errno === undefined;
};

async function withLease<T>(
  ctx: MysqlContext,
  opts: { timeoutMs: number; signal?: AbortSignal; queryTag?: string },
  body: (lease: Lease, control: RunControl, flavor: ServerFlavor) => Promise<T>,
): Promise<T> {
  const control = RunControl.start(ctx.inflight, opts, GRACE_MS);
  let lease: Lease | undefined;
  try {
    const flavor = await ctx.flavor();
    lease = await checkout(ctx);
    control.arm(stopHandlers(ctx, lease));
    return await body(lease, control, flavor);
  } catch (err) {
    if (lease && isFatal(err)) lease.broken = true;
    throw control.fail(err, (e) => mysqlRunError(ctx, e, control.timeoutMs));
  } finally {
    control.finish();
    if (lease) {
      await reset(lease);
      release(lease);
    }
  }
}

function described(fields: FieldPacket[]): { keys: string[]; columns: ResultColumn[]; converters: (ValueConverter | undefined)[] } {
  const keys = uniqueNames(fields.map((f) => f.name));
  return { keys, ...mysqlColumns(fields, keys) };
}

/** Session read-only (also covers the implicit commit DDL would do) plus a read-only transaction. */
async function beginReadOnly(lease: Lease, flavor: ServerFlavor, timeoutMs: number, selectLimit: number | "DEFAULT") {
  await exec(lease, `SET SESSION ${flavor.readOnlyVar} = 1, ${flavor.timeout(timeoutMs)}, sql_select_limit = ${selectLimit}`);
  await exec(lease, "START TRANSACTION READ ONLY");
}

/** Reads run with sql_select_limit = maxRows + 1, so the server stops producing rows past the cap. */
export async function runMysql(ctx: MysqlContext, sql: string, opts: RunOptions): Promise<RunResult> {
  if (!opts.readOnly) return withLease(ctx, opts, (lease, control, flavor) => runWrite(lease, control, flavor, sql, opts));
  assertMysqlReadable(sql);
  return withLease(ctx, opts, async (lease, control, flavor) => {
    await beginReadOnly(lease, flavor, control.timeoutMs, opts.maxRows + 1);
    control.throwIfStopped();
    const started = performance.now();
    // One row past the select limit means an explicit LIMIT overrode it: stop reading there.
    // The pump measures rows as they arrive and stops at the row or byte cap (pump.ts).
    const pump = new RowPump(lease.conn, sql, opts.params, opts.maxRows + 2, lease.dead, fetchLimits(opts));
    const { keys, columns, converters } = described(await pump.columns());
    const rows = await pump.take();
    if (!pump.done) await abandon(ctx, lease);
    // MySQL's SLEEP() answers 1 instead of failing when killed; a stopped run is still stopped.
    control.throwIfStopped();
    const executionTimeMs = performance.now() - started;
    const truncatedReason = pump.capped;
    const truncated = truncatedReason !== undefined;
    return { columns, rows: toRecords(keys, rows, converters), rowCount: rows.length, truncated, truncatedReason, executionTimeMs };
  });
}

async function runWrite(
  lease: Lease,
  control: RunControl,
  flavor: ServerFlavor,
  sql: string,
  opts: TransactionRunOptions,
): Promise<RunResult> {
  await exec(lease, `SET SESSION ${flavor.timeout(control.timeoutMs)}`);
  control.throwIfStopped();
  const started = performance.now();
  const pump = new RowPump(lease.conn, sql, opts.params, 1000, lease.dead);
  const { keys, columns, converters } = described(await pump.columns());
  const rows: unknown[][] = [];
  let truncated = false;
  for (let batch = await pump.take(); batch.length > 0; batch = await pump.take()) {
    const room = opts.maxRows - rows.length;
    if (batch.length > room) truncated = true;
    rows.push(...batch.slice(0, Math.max(0, room)));
  }
  control.throwIfStopped();
  const executionTimeMs = performance.now() - started;
  return {
    columns,
    rows: toRecords(keys, rows, converters),
    rowCount: rows.length,
    truncated,
    executionTimeMs,
    ...(pump.header ? { affectedRows: pump.header.affectedRows } : {}),
  };
}

export async function transactionMysql<T>(
  ctx: MysqlContext,
  fn: (tx: Transaction) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  const flavor = await ctx.flavor();
  const lease = await checkout(ctx);
  try {
    await exec(lease, "START TRANSACTION");
    const result = await fn({
      run: async (sql, runOpts) => {
        const control = RunControl.start(ctx.inflight, runOpts, GRACE_MS);
        try {
          control.arm(stopHandlers(ctx, lease));
          return await runWrite(lease, control, flavor, sql, runOpts);
        } catch (err) {
          if (isFatal(err)) lease.broken = true;
          throw control.fail(err, (e) => mysqlRunError(ctx, e, control.timeoutMs));
        } finally {
          control.finish();
        }
      },
    });
    await exec(lease, opts.rollback ? "ROLLBACK" : "COMMIT").catch((err) => {
      throw mysqlQueryError(err, 0);
    });
    return result;
  } finally {
    // Without COMMIT, the reset rolls back.
    await reset(lease);
    release(lease);
  }
}

/** Streams are not capped by rows or bytes (they do not buffer), only by one value's size. */
const streamLimits = (opts: StreamOptions) =>
  fetchLimits({ maxRows: Number.MAX_SAFE_INTEGER, maxValueBytes: opts.maxValueBytes });

export async function* streamMysql(ctx: MysqlContext, sql: string, opts: StreamOptions): AsyncGenerator<StreamChunk> {
  assertMysqlReadable(sql);
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const control = RunControl.start(ctx.inflight, opts, GRACE_MS);
  let lease: Lease | undefined;
  let pump: RowPump | undefined;
  try {
    const flavor = await ctx.flavor();
    lease = await checkout(ctx);
    control.arm(stopHandlers(ctx, lease));
    await beginReadOnly(lease, flavor, control.timeoutMs, "DEFAULT");
    pump = new RowPump(lease.conn, sql, opts.params, batchSize, lease.dead, streamLimits(opts));
    const { keys, columns, converters } = described(await pump.columns());
    yield { columns };
    for (let batch = await pump.take(); batch.length > 0; batch = await pump.take()) {
      yield { rows: toRecords(keys, batch, converters) };
      // A deadline passing while the consumer was busy must still end the stream.
      control.throwIfStopped();
    }
  } catch (err) {
    if (lease && isFatal(err)) lease.broken = true;
    throw control.fail(err, (e) => mysqlRunError(ctx, e, control.timeoutMs));
  } finally {
    control.finish();
    if (lease) {
      // Stopped early: the rest of the result is still coming; end it server-side.
      if (pump && !pump.done) await abandon(ctx, lease);
      else await reset(lease);
      release(lease);
    }
  }
}

/** EXPLAIN's rows; the caller turns them into an estimate. */
export async function explainRows(ctx: MysqlContext, sql: string, params: unknown[] | undefined, timeoutMs: number) {
  assertMysqlReadable(sql);
  const explain = (readOnly: boolean) =>
    withLease(ctx, { timeoutMs }, async (lease, control, flavor) => {
      if (readOnly) await beginReadOnly(lease, flavor, control.timeoutMs, "DEFAULT");
      else {
        await exec(lease, `SET SESSION ${flavor.timeout(control.timeoutMs)}`);
        // Never committed: the connection reset after the run rolls it back.
        await exec(lease, "START TRANSACTION");
      }
      const pump = new RowPump(lease.conn, `EXPLAIN ${sql}`, params, 10_000, lease.dead);
      const names = (await pump.columns()).map((f) => f.name.toLowerCase());
      const rows = await pump.take();
      return rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
    });
  try {
    return await explain(true);
  } catch (err) {
    // A read-only transaction refuses even EXPLAIN of a write. Plain DML may be explained
    // in a transaction that is rolled back; `ANALYZE …` (which would execute it) may not.
    const refused = err instanceof AppError && (err.details as { errno?: number } | undefined)?.errno === 1792;
    if (!refused || !/^(delete|update|insert|replace)$/.test(leadingKeyword(sql))) throw err;
    return explain(false);
  }
}
