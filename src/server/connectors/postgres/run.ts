import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import Cursor from "pg-cursor";
import type { AppError } from "../../errors";
import { RunControl, type StopHandlers } from "../control";
import { cancelledError, connectionFailed, queryFailed, timeoutError } from "../errors";
import { assertPostgresReadable } from "../guard";
import type {
  ConnectionConfig,
  RunOptions,
  RunResult,
  StreamChunk,
  StreamOptions,
  Transaction,
  TransactionOptions,
  TransactionRunOptions,
} from "../types";
import { fetchLimits } from "../limits";
import { toRecords, uniqueNames } from "../values";
import { readCapped } from "./capped-read";
import { isFatalForClient, lookupAside, lookupOn, onSideConnection, pgTypes, type PgTypeNames } from "./dialect";
import { frameGuardOf } from "./frame-guard";
import { begunCursor } from "./begun-cursor";
import { parserTapOf, type ParserTap } from "./copy-relay";
import { DataRowCollector, decodeDataRows, type TextParser } from "./data-rows";
import { beginReadStatements, beginReadText, type SessionReset } from "./session";

export interface PgContext {
  config: ConnectionConfig;
  clientConfig: pg.ClientConfig;
  pool: pg.Pool;
  inflight: Map<string, RunControl>;
  typeNames: PgTypeNames;
  /** Per pool: how a session is made clean again before the next borrower gets it. */
  session: SessionReset;
}

/** statement_timeout should fire first; our own deadline is the backstop. */
const GRACE_MS = 1_000;

interface Lease {
  client: pg.PoolClient;
  broken: boolean;
}

const guarded = new WeakSet<pg.PoolClient>();

export async function checkout(ctx: PgContext): Promise<Lease> {
  let client: pg.PoolClient;
  try {
    client = await ctx.pool.connect();
  } catch (err) {
    throw connectionFailed(ctx.config, err);
  }
  // A checked-out client whose socket dies between queries emits "error"; unhandled, that is a crash.
  if (!guarded.has(client)) {
    client.on("error", () => {});
    guarded.add(client);
  }
  return { client, broken: false };
}

export function release(lease: Lease): void {
  lease.client.release(lease.broken ? true : undefined);
}

/**
 * Ends any use of a pooled session, read or write: rolls back whatever is open and
 * resets the session, so the next borrower (another user) inherits nothing. A session
 * that cannot be reset is destroyed instead of going back to the pool.
 */
export async function endSession(ctx: PgContext, lease: Lease): Promise<void> {
  if (lease.broken) return;
  if (!(await ctx.session.run(lease.client))) lease.broken = true;
}

export async function quietly(lease: Lease, text: string): Promise<void> {
  await lease.client.query(text).catch(() => {
    lease.broken = true;
  });
}

export function stopHandlers(ctx: PgContext, lease: Lease): StopHandlers {
  const pid = (lease.client as unknown as { processID: number }).processID;
  return {
    soft: async () => {
      // A separate connection: the pool may be exhausted by exactly the queries being stopped.
      await onSideConnection(ctx.clientConfig, "quarry-cancel", async (c) => {
        const res = await c.query<{ ok: boolean }>("SELECT pg_cancel_backend($1) AS ok", [pid]);
        if (!res.rows[0]?.ok) throw new Error(`backend ${pid} could not be signalled`);
      });
    },
    hard: () => {
      lease.broken = true;
      (lease.client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    },
  };
}

/** The server went away mid-run: an environment problem, not the user's SQL. */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return /^(08|57P0[1-3])/.test(e?.code ?? "") || /^E[A-Z]+$/.test(e?.code ?? "") || /Connection terminated/i.test(e?.message ?? "");
}

export function pgRunError(ctx: PgContext, err: unknown, timeoutMs: number): AppError {
  return isConnectionLoss(err) ? connectionFailed(ctx.config, err) : pgQueryError(err, timeoutMs);
}

export function pgQueryError(err: unknown, timeoutMs: number): AppError {
  const e = err as Partial<pg.DatabaseError> & Error;
  if (e?.code === "57014") return /statement timeout/i.test(e.message) ? timeoutError(timeoutMs) : cancelledError();
  const details: Record<string, unknown> = { code: e?.code };
  if (e?.position) details.position = Number(e.position);
  if (e?.detail) details.detail = e.detail;
  if (e?.hint) details.hint = e.hint;
  return queryFailed(e?.message ?? String(err), details, err);
}

interface CursorBatch {
  rows: unknown[][];
  fields: pg.FieldDef[];
}

export function readCursor(cursor: Cursor, count: number): Promise<CursorBatch> {
  return new Promise((resolve, reject) => {
    cursor.read(count, (err, rows, result) =>
      err ? reject(err) : resolve({ rows: rows as unknown[][], fields: result?.fields ?? [] }),
    );
  });
}

/**
 * A cursor read started now and awaited later. pg-cursor only sends the Execute while
 * idle (a read queued while busy is never sent), which it is as soon as the last batch
 * was handed over. A failure is kept for the await, not reported as unhandled while the
 * consumer holds the batch before.
 */
function prefetch(cursor: Cursor, count: number): Promise<CursorBatch> {
  const read = readCursor(cursor, count);
  read.catch(() => undefined);
  return read;
}

const timeoutMsOf = (ms: number) => Math.max(1, Math.ceil(ms));

/**
 * Opens `BEGIN READ ONLY` with a transaction-scoped timeout and, when the source has
 * one, `SET LOCAL ROLE` to its read role (one round trip); `endSession` is the caller's.
 */
export async function beginReadOnly(ctx: PgContext, lease: Lease, control: RunControl): Promise<void> {
  await lease.client.query(beginReadText(control.timeoutMs, ctx.config.readRole));
  control.arm(stopHandlers(ctx, lease));
}

/** Shared shell: control, lease, error translation, cleanup. */
async function withRun<T>(
  ctx: PgContext,
  opts: { timeoutMs: number; signal?: AbortSignal; queryTag?: string },
  body: (lease: Lease, control: RunControl) => Promise<T>,
): Promise<T> {
  const control = RunControl.start(ctx.inflight, opts, GRACE_MS);
  let lease: Lease | undefined;
  try {
    lease = await checkout(ctx);
    return await body(lease, control);
  } catch (err) {
    if (lease && isFatalForClient(err)) lease.broken = true;
    throw control.fail(err, (e) => pgRunError(ctx, e, control.timeoutMs));
  } finally {
    control.finish();
    if (lease) release(lease);
  }
}

export async function runPostgres(ctx: PgContext, sql: string, opts: RunOptions): Promise<RunResult> {
  if (opts.readOnly) assertPostgresReadable(sql);
  return withRun(ctx, opts, async (lease, control) => {
    if (!opts.readOnly) {
      await lease.client.query(`SET statement_timeout = ${timeoutMsOf(control.timeoutMs)}`);
      try {
        return await runExtended(ctx, lease, control, sql, opts);
      } finally {
        await endSession(ctx, lease);
      }
    }
    try {
      control.arm(stopHandlers(ctx, lease));
      const started = performance.now();
      // The extended protocol (which pg-cursor always uses) refuses multi-statement text.
      // BEGIN READ ONLY and the timeout travel with the query (begun-cursor.ts): one round trip fewer.
      const openers = beginReadStatements(control.timeoutMs, ctx.config.readRole);
      const cursor = lease.client.query(begunCursor(openers, sql, opts.params, { rowMode: "array", types: pgTypes }));
      // Rows and bytes are capped as they arrive (capped-read.ts), like the row cap always was.
      const { rows, fields, truncatedReason } = await readCapped(lease.client, cursor, fetchLimits(opts));
      await cursor.close();
      const executionTimeMs = performance.now() - started;
      const truncated = truncatedReason !== undefined;
      const keys = uniqueNames(fields.map((f) => f.name));
      const columns = await ctx.typeNames.columns(lookupOn(lease.client), fields, keys);
      return { columns, rows: toRecords(keys, rows), rowCount: rows.length, truncated, truncatedReason, executionTimeMs };
    } finally {
      await endSession(ctx, lease);
    }
  });
}

const changeCommands = new Set(["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"]);

/** Write path: whole result in memory (RETURNING lists are small), affected rows reported. */
async function runExtended(
  ctx: PgContext,
  lease: Lease,
  control: RunControl,
  sql: string,
  opts: TransactionRunOptions,
): Promise<RunResult> {
  control.arm(stopHandlers(ctx, lease));
  const started = performance.now();
  // queryMode "extended" forces Parse/Bind/Execute even without parameters.
  const res = await lease.client.query({
    text: sql,
    values: opts.params,
    rowMode: "array",
    types: pgTypes,
    queryMode: "extended",
  } as pg.QueryArrayConfig);
  const executionTimeMs = performance.now() - started;
  const fields = res.fields ?? [];
  const rows = res.rows as unknown[][];
  const truncated = rows.length > opts.maxRows;
  const kept = truncated ? rows.slice(0, opts.maxRows) : rows;
  const keys = uniqueNames(fields.map((f) => f.name));
  const columns = await ctx.typeNames.columns(lookupOn(lease.client), fields, keys);
  const affected = changeCommands.has(res.command) || fields.length === 0;
  return {
    columns,
    rows: toRecords(keys, kept),
    rowCount: kept.length,
    truncated,
    executionTimeMs,
    ...(affected ? { affectedRows: res.rowCount ?? 0 } : {}),
  };
}

export async function transactionPostgres<T>(
  ctx: PgContext,
  fn: (tx: Transaction) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  const lease = await checkout(ctx);
  try {
    await lease.client.query("BEGIN");
    let result: T;
    try {
      result = await fn({
        run: async (sql, runOpts) => {
          const control = RunControl.start(ctx.inflight, runOpts, GRACE_MS);
          try {
            await lease.client.query(`SET LOCAL statement_timeout = ${timeoutMsOf(control.timeoutMs)}`);
            return await runExtended(ctx, lease, control, sql, runOpts);
          } catch (err) {
            if (isFatalForClient(err)) lease.broken = true;
            throw control.fail(err, (e) => pgRunError(ctx, e, control.timeoutMs));
          } finally {
            control.finish();
          }
        },
        copyFrom: async (sql, data, copyOpts) => {
          try {
            const stream = lease.client.query(copyFrom(sql));
            // Framed data is CopyData messages already: written on without a second header.
            if (copyOpts?.framed) sendFramesAsTheyAre(stream);
            await pipeline(Readable.from(data), stream);
            return stream.rowCount ?? 0;
          } catch (err) {
            if (isFatalForClient(err)) lease.broken = true;
            throw pgQueryError(err, 0);
          }
        },
      });
    } catch (err) {
      await quietly(lease, "ROLLBACK");
      throw err;
    }
    try {
      await lease.client.query(opts.rollback ? "ROLLBACK" : "COMMIT");
    } catch (err) {
      lease.broken ||= isFatalForClient(err);
      throw pgQueryError(err, 0);
    }
    return result;
  } finally {
    await endSession(ctx, lease);
    release(lease);
  }
}

export async function* streamPostgres(ctx: PgContext, sql: string, opts: StreamOptions): AsyncGenerator<StreamChunk> {
  assertPostgresReadable(sql);
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const control = RunControl.start(ctx.inflight, opts, GRACE_MS);
  let lease: Lease | undefined;
  let cursor: Cursor | undefined;
  let cursorOpen = false;
  let tap: ParserTap | undefined;
  try {
    lease = await checkout(ctx);
    await beginReadOnly(ctx, lease, control);
    frameGuardOf(lease.client)?.arm({ maxValueBytes: opts.maxValueBytes });
    // The rows skip pg's parser where the tap is there (data-rows.ts); pg's rows otherwise.
    tap = parserTapOf(lease.client);
    const collector = tap ? new DataRowCollector() : null;
    if (collector) tap!.divert(collector);
    cursor = lease.client.query(new Cursor(sql, opts.params, { rowMode: "array", types: pgTypes }));
    cursorOpen = true;
    let batch = await readCursor(cursor, batchSize);
    const keys = uniqueNames(batch.fields.map((f) => f.name));
    const parsers = batch.fields.map((f) => pgTypes.getTypeParser(f.dataTypeID, "text") as TextParser);
    const rowsOf = (read: CursorBatch) => (collector ? decodeDataRows(collector.take(), keys, parsers) : toRecords(keys, read.rows));
    let rows = rowsOf(batch);
    // The cursor's portal is open (suspended): a catalog lookup on this client would wait behind it.
    const lookup = rows.length < batchSize ? lookupOn(lease.client) : lookupAside(ctx.clientConfig);
    yield { columns: await ctx.typeNames.columns(lookup, batch.fields, keys) };
    for (;;) {
      // The next batch is asked for before this one is handed on, so the server produces it
      // while the consumer works (one batch ahead, no more: memory stays bounded).
      const next = rows.length < batchSize ? null : prefetch(cursor, batchSize);
      if (rows.length > 0) yield { rows };
      if (!next) break;
      // A deadline passing while the consumer was busy must still end the stream.
      control.throwIfStopped();
      rows = rowsOf(await next);
    }
  } catch (err) {
    cursorOpen = false;
    if (lease && isFatalForClient(err)) lease.broken = true;
    throw control.fail(err, (e) => pgRunError(ctx, e, control.timeoutMs));
  } finally {
    control.finish();
    if (lease) {
      frameGuardOf(lease.client)?.disarm();
      // Also reached when the consumer stops early: close the portal before ROLLBACK.
      if (cursor && cursorOpen) await cursor.close().catch(() => (lease!.broken = true));
      // The session's own reset reads rows through pg: the tap goes first. Rows still
      // coming mid-message (a stream failed mid-batch) would reach pg cut: the connection goes.
      if (tap && !tap.releaseAtBoundary()) lease.broken = true;
      await endSession(ctx, lease);
      release(lease);
    }
  }
}

function sendFramesAsTheyAre(stream: ReturnType<typeof copyFrom>): void {
  const copy = stream as unknown as { connection: { stream: { write(chunk: Buffer): boolean } } | null; flushChunk(chunk: Buffer): boolean };
  copy.flushChunk = (chunk) => copy.connection!.stream.write(chunk);
}
