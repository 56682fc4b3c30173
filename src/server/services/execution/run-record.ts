import "server-only";
import type { QueryRun } from "@prisma/client";
import { config } from "../../config";
import type { RunResult } from "../../connectors/types";
import { db } from "../../db";
import { AppError, isAppError } from "../../errors";
import { publish } from "../../events/bus";
import { requireActingUser, type Principal } from "../principal";
import { auditRun } from "./audit";
import type { Prepared } from "./prepare";
import { noteRun } from "./run-ledger";
import * as records from "./run-records";

/**
 * The run-record and status-event steps of the pipe: every statement that reaches a
 * database has a `QueryRun` (running → completed | failed | cancelled, or rejected
 * without running), and each change goes on the bus as `query.status`.
 */

/**
 * A run record in `running`, announced as executing. `writeBehind` (reads): the record
 * is held in memory and written with others behind the response (run-records.ts); long
 * runs such as exports are written at once.
 */
export async function startRun(
  principal: Principal,
  input: { dataSourceId: string | null; sql: string; kind: string; operation: string; source: string },
  options: { writeBehind?: boolean } = {},
): Promise<QueryRun> {
  const userId = requireActingUser(principal).id;
  const run =
    options.writeBehind && input.dataSourceId
      ? records.beginRun({ userId, ...input, dataSourceId: input.dataSourceId })
      : await db.queryRun.create({ data: { userId, ...input, status: "running" } });
  noteRun(userId, run.id, run.createdAt);
  publish("query.status", run.id, { queryId: run.id, status: "executing" });
  return run;
}

/** Makes a write-behind run readable by id now (a `wait: false` run is followed by id). */
export const writeRunNow = (): Promise<void> => records.writeRunNow();

/**
 * Only the first page of a result goes into the app database (history, paging, share
 * snapshots): a 50 MB result must not become 50 MB of quarry.db. Rows are serialised
 * one by one, and only as many as fit.
 */
function storedCopy(rows: Record<string, unknown>[]): { json: string; count: number } {
  const limits = config();
  const parts: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    if (parts.length >= limits.QUARRY_STORED_RESULT_MAX_ROWS) break;
    const json = JSON.stringify(row);
    if (bytes + json.length + 1 > limits.QUARRY_STORED_RESULT_MAX_BYTES) break;
    parts.push(json);
    bytes += json.length + 1;
  }
  return { json: `[${parts.join(",")}]`, count: parts.length };
}

/** Stores the (masked) result and completes the run: behind the response for reads, else in one transaction. */
export async function completeRun(runId: string, result: RunResult): Promise<QueryRun> {
  const stored = storedCopy(result.rows);
  const outcome = {
    rowCount: result.rowCount,
    truncated: result.truncated,
    truncatedReason: result.truncated ? (result.truncatedReason ?? "rows") : null,
    storedRows: stored.count,
    storedPartial: stored.count < result.rowCount,
    executionTimeMs: Math.round(result.executionTimeMs),
  };
  if (records.isPendingRun(runId)) {
    return records.completeRun(runId, outcome, { columns: JSON.stringify(result.columns), rows: stored.json });
  }
  const [, run] = await db
    .$transaction([
      db.queryResult.create({ data: { queryRunId: runId, columns: JSON.stringify(result.columns), rows: stored.json } }),
      db.queryRun.update({
        where: { id: runId },
        data: { ...outcome, status: "completed", finishedAt: new Date() },
      }),
    ])
    .catch((error: unknown) => {
      throw new AppError("INTERNAL", "The result could not be saved to the query history", { cause: error });
    });
  return run;
}

export function publishCompleted(runId: string, result: Pick<RunResult, "rowCount" | "truncated" | "truncatedReason">): void {
  publish("query.status", runId, {
    queryId: runId,
    status: "completed",
    rowCount: result.rowCount,
    truncated: result.truncated,
    ...(result.truncatedReason ? { truncatedReason: result.truncatedReason } : {}),
  });
}

/** What the caller is told about a result that is not the whole answer. */
export function resultWarnings(run: Pick<QueryRun, "truncated" | "truncatedReason" | "rowCount">): string[] {
  if (!run.truncated) return [];
  const limits = config();
  return [
    run.truncatedReason === "bytes"
      ? `Result truncated at ${run.rowCount} rows: it reached the ${Math.round(limits.QUARRY_QUERY_MAX_RESULT_BYTES / 1024 / 1024)} MB result size limit. Export the query to get every row.`
      : `Result truncated at ${run.rowCount} rows (the row limit). Export the query to get every row.`,
  ];
}

/** Ends a read that failed or was cancelled: record, event, audit. Never throws. */
export async function failRun(principal: Principal, prepared: Prepared, runId: string, error: unknown, cancelled: boolean): Promise<void> {
  const message = isAppError(error) ? error.message : "The query failed";
  try {
    // Only a run still running: a cancel or a restart may have ended it already.
    await records.failRun(runId, cancelled ? "cancelled" : "failed", message);
    publish("query.status", runId, {
      queryId: runId,
      status: cancelled ? "cancelled" : "failed",
      error: message,
      details: isAppError(error) && error.actor !== "bug" ? error.details : undefined,
    });
    await auditRun(principal, runId, runOf(prepared), "failure", { error: message, cancelled });
  } catch (recordError) {
    // The app database itself is failing; start-up reconciliation ends the run later.
    console.error(`[execution] could not record the failure of run ${runId}:`, (recordError as Error).message);
  }
}

/** A statement refused after analysis (a reader's write, untraceable personal data): a rejected run and its audit entry. */
export async function rejectRun(principal: Principal, prepared: Prepared, source: string, error: string, refused: string): Promise<void> {
  const run = await db.queryRun.create({
    data: {
      userId: requireActingUser(principal).id,
      dataSourceId: prepared.dataSource.id,
      sql: prepared.sql,
      kind: prepared.analysis.kind,
      operation: prepared.statement.operation,
      status: "rejected",
      source,
      error,
      finishedAt: new Date(),
    },
  });
  noteRun(run.userId, run.id, run.createdAt);
  await auditRun(principal, run.id, runOf(prepared), "failure", { refused });
}

export const runOf = (prepared: Prepared) => ({ dataSourceId: prepared.dataSource.id, kind: prepared.analysis.kind });
