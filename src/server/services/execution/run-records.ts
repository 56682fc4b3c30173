import "server-only";
import { randomUUID } from "node:crypto";
import type { QueryRun } from "@prisma/client";
import { db } from "../../db";
import { insertBatches } from "../../db/bulk-insert";
import { processState } from "../../process-state";

/**
 * Query run records written behind the response, like batched audit entries: a read's
 * record (and its stored first page) used to cost three app-database statements and
 * two commits on the request path; now the record lives here while the query runs and
 * is written with the others in one transaction at most FLUSH_AFTER_MS later.
 *
 * Nothing reads runs without `flushRuns()` first (history, results, shares, cancel and
 * delete go through `ownRun`/`listHistory`, which do; `runOwnerId` answers from the
 * pending record itself; quotas flush when they open a
 * user's run ledger, run-ledger.ts, and count runs begun since in memory), and
 * server.mjs flushes on shutdown, so a reader in this process always sees every run,
 * running ones included. A run still going after LONG_RUN_MS is written as `running`
 * then, so a crash leaves it for start-up reconciliation to fail, as before; a crash
 * loses only the records of runs that ended in the last FLUSH_AFTER_MS, or of reads
 * that had run for less than LONG_RUN_MS. (Not much less than seconds: under load API
 * reads take a few hundred milliseconds, and writing each twice made them slower still.)
 */
const FLUSH_AFTER_MS = 50;
const LONG_RUN_MS = 2_000;
const MAX_PENDING = 500;

export interface NewRun {
  userId: string;
  dataSourceId: string;
  sql: string;
  kind: string;
  operation: string;
  source: string;
}

export interface RunOutcome {
  rowCount: number;
  truncated: boolean;
  truncatedReason: string | null;
  storedRows: number;
  storedPartial: boolean;
  executionTimeMs: number;
}

interface Pending {
  run: QueryRun;
  /** Columns and rows (JSON) of a completed read. */
  result?: { columns: string; rows: string };
  /** The record is in the database as `running` already (a flush happened mid-run). */
  written: boolean;
  /** Ended (completed, failed, cancelled): leaves this map at the next flush. */
  ended: boolean;
}

// Once per process (process-state.ts): every bundle's runs are flushed by one flush.
const state = processState("queries.pending-runs", () => ({
  pending: new Map<string, Pending>(),
  timer: null as NodeJS.Timeout | null,
  flushing: Promise.resolve() as Promise<void>,
  endedCount: 0,
}));
const pending = state.pending;

/** A new run, `running`, with the fields the database would default. Written at the next flush. */
export function beginRun(data: NewRun): QueryRun {
  const run: QueryRun = {
    id: randomUUID(),
    userId: data.userId,
    dataSourceId: data.dataSourceId,
    sql: data.sql,
    kind: data.kind,
    operation: data.operation,
    status: "running",
    source: data.source,
    rowCount: 0,
    truncated: false,
    executionTimeMs: null,
    error: null,
    approvalId: null,
    createdAt: new Date(),
    finishedAt: null,
    truncatedReason: null,
    storedRows: null,
    storedPartial: false,
  };
  pending.set(run.id, { run, written: false, ended: false });
  arm();
  return { ...run };
}

/** Ends a pending run as completed with its stored first page; the record as it will be stored. */
export function completeRun(id: string, outcome: RunOutcome, result: { columns: string; rows: string }): QueryRun {
  const entry = pending.get(id);
  if (!entry) throw new Error(`run ${id} is not pending`);
  entry.run = { ...entry.run, ...outcome, status: "completed", finishedAt: new Date() };
  entry.result = result;
  entry.ended = true;
  schedule();
  return { ...entry.run };
}

/**
 * Ends a run as failed or cancelled, unless it ended already (a cancel or a restart);
 * written at once, as failures always were.
 */
export async function failRun(id: string, status: "failed" | "cancelled", error: string): Promise<void> {
  const entry = pending.get(id);
  if (entry && !entry.ended) {
    entry.run = { ...entry.run, status, error, finishedAt: new Date() };
    entry.ended = true;
    return flushRuns();
  }
  if (!entry) {
    await db.queryRun.updateMany({ where: { id, status: "running" }, data: { status, error, finishedAt: new Date() } });
  }
}

/** Makes a run readable by other processes now (a `wait: false` run is followed by id). */
export const writeRunNow = (): Promise<void> => flushRuns();

function schedule(): void {
  state.endedCount++;
  if (state.endedCount >= MAX_PENDING) void write(false);
  else arm();
}

function arm(): void {
  if (state.timer) return;
  state.timer = setTimeout(() => void write(false), FLUSH_AFTER_MS);
  state.timer.unref();
}

/**
 * Writes every pending run, running ones as `running`; resolves once they (and any
 * batch already being written) are stored. Call before reading runs.
 */
export function flushRuns(): Promise<void> {
  return write(true);
}

/**
 * The timer writes ended runs, and running ones older than LONG_RUN_MS (as `running`):
 * a short read is written once, when it ends.
 */
function write(allRunning: boolean): Promise<void> {
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = null;
  }
  state.endedCount = 0;
  if (pending.size === 0) return state.flushing;
  const inserts: Pending[] = [];
  const updates: Pending[] = [];
  const longBefore = Date.now() - LONG_RUN_MS;
  for (const [id, entry] of pending) {
    if (!entry.ended && !allRunning && entry.run.createdAt.getTime() > longBefore) continue;
    if (!entry.written) inserts.push({ ...entry });
    else if (entry.ended) updates.push({ ...entry });
    else continue; // running, and in the database as such already
    if (entry.ended) pending.delete(id);
    else entry.written = true;
  }
  // Runs still going and not written yet get their `running` record at a later tick.
  for (const entry of pending.values()) {
    if (!entry.written && !entry.ended) {
      arm();
      break;
    }
  }
  state.flushing = state.flushing.then(() => writeBatch(inserts, updates));
  return state.flushing;
}

async function writeBatch(inserts: Pending[], updates: Pending[]): Promise<void> {
  if (inserts.length > 0) {
    try {
      // Through the driver (db/bulk-insert.ts): through Prisma, writing the batch cost more CPU than the reads it records.
      await insertBatches([
        { table: "QueryRun", rows: inserts.map((e) => e.run) },
        { table: "QueryResult", rows: inserts.filter((e) => e.result).map(resultRow) },
      ]);
    } catch {
      // One bad record (its user or data source was deleted meanwhile) must not cost the others.
      for (const entry of inserts) await writeOne(entry, "insert");
    }
  }
  // Runs written as `running` by an earlier flush (those longer than LONG_RUN_MS: few) end with an update.
  for (const entry of updates) await writeOne(entry, "update");
}

const resultRow = (entry: Pending) => ({ queryRunId: entry.run.id, columns: entry.result!.columns, rows: entry.result!.rows });

/** Only a run still running: a cancel of an orphaned run may have ended it already. */
const endedUpdate = (run: QueryRun) => {
  const { id, userId: _user, dataSourceId: _source, createdAt: _created, ...ended } = run;
  return db.queryRun.updateMany({ where: { id, status: "running" }, data: ended });
};

async function writeOne(entry: Pending, how: "insert" | "update"): Promise<void> {
  try {
    if (how === "update") await endedUpdate(entry.run);
    else {
      try {
        await db.queryRun.create({ data: entry.run });
      } catch {
        // The data source was deleted: history keeps runs of deleted sources without one (SetNull).
        await db.queryRun.create({ data: { ...entry.run, dataSourceId: null } });
      }
    }
    if (entry.result) await db.queryResult.create({ data: { queryRunId: entry.run.id, ...entry.result } });
  } catch (error) {
    // Its user is gone (their runs are deleted with them) or the app database is failing.
    console.error(`[queries] could not record run ${entry.run.id}:`, (error as Error).message);
  }
}

/** Whether a run's record is held here (begun with `beginRun` and not yet ended and written). */
export const isPendingRun = (id: string): boolean => pending.has(id);

/**
 * Who ran a run: from the pending record while it is held here (no flush needed), else
 * from the database once any batch being written is stored.
 */
export async function runOwnerId(id: string): Promise<string | null> {
  const entry = pending.get(id);
  if (entry) return entry.run.userId;
  await state.flushing.catch(() => undefined);
  return (await db.queryRun.findUnique({ where: { id }, select: { userId: true } }))?.userId ?? null;
}
