import "server-only";
import type { QueryRun } from "@prisma/client";
import { config } from "../../config";
import type { RunResult } from "../../connectors/types";
import { isAppError } from "../../errors";
import { applyMask, maskFailure, type MaskingPlan } from "../access/masking";
import { recordAuditLater } from "../audit";
import type { Principal } from "../principal";
import { toRunView, type QueryResultView, type QueryRunView } from "../queries/views";
import { auditRun } from "./audit";
import { startTracking, stopTracking } from "./cancel";
import { connectorFor } from "./connection";
import { maskingPlanFor } from "./masking";
import { notAReadError, prepare, type Prepared, type StatementInput } from "./prepare";
import type { EngineName } from "../datasources/engines";
import { explainSyntaxFailure } from "./syntax-failure";
import { completeRun, failRun, publishCompleted, rejectRun, resultWarnings, runOf, startRun, writeRunNow } from "./run-record";

export interface ReadOptions {
  /** Rows to keep, capped by QUARRY_QUERY_MAX_ROWS. */
  maxRows?: number;
  timeoutMs?: number;
  /** editor, api, chat, share, ... (shown in history). */
  source?: string;
  /** false: answer at once with the running query's id; follow it on /ws/query/:id. */
  wait?: boolean;
  /** Values for the statement's placeholders ($1… / ?), bound by the driver, never spliced into the text. */
  params?: unknown[];
}

export type ReadOutcome = { type: "result"; result: QueryResultView } | { type: "started"; run: QueryRunView };

/**
 * Runs one read through the whole pipe: permission, analysis and read policy (unless
 * `target` was prepared already), masking plan, run record, cancel tracking, the
 * read-only run with its caps, masking, stored result, status events and audit. Anything
 * that is not a read is refused with a rejected run (writes go through approvals).
 */
export async function read(principal: Principal, target: Prepared | StatementInput, options: ReadOptions = {}): Promise<ReadOutcome> {
  const prepared = "analysis" in target ? target : await prepare(principal, target, { auditRefusal: true });
  const source = options.source ?? "editor";
  if (prepared.analysis.kind !== "read") {
    const refusal = notAReadError(prepared);
    await rejectRun(principal, prepared, source, refusal.message, prepared.analysis.kind);
    throw refusal;
  }
  // Decided before anything runs: an untraceable read of personal data is refused here
  // (reads of tables the schema does not know run, so a typo gets the engine's error, but
  // their rows are refused).
  const masking = await maskingPlanFor(prepared, { unknownTables: "refuse-rows" }).catch(async (refused: unknown) => {
    if (isAppError(refused)) await rejectRun(principal, prepared, source, refused.message, "untraceable personal data");
    throw refused;
  });
  const limits = config();
  const maxRows = Math.min(options.maxRows ?? limits.QUARRY_QUERY_MAX_ROWS, limits.QUARRY_QUERY_MAX_ROWS);
  const timeoutMs = Math.min(options.timeoutMs ?? limits.QUARRY_QUERY_TIMEOUT_MS, limits.QUARRY_QUERY_TIMEOUT_MS);

  const run = await startRun(principal, {
    dataSourceId: prepared.dataSource.id,
    sql: prepared.sql,
    kind: "read",
    operation: prepared.statement.operation,
    source,
  }, { writeBehind: true });
  const signal = startTracking(run.id, run.userId);
  const work = runRead(principal, prepared, masking, run.id, {
    maxRows,
    timeoutMs,
    signal,
    maxBytes: limits.QUARRY_QUERY_MAX_RESULT_BYTES,
    maxValueBytes: limits.QUARRY_QUERY_MAX_VALUE_BYTES,
    params: options.params,
  });
  if (options.wait === false) {
    work.catch(() => undefined); // recorded on the run; nobody awaits it
    await writeRunNow();
    return { type: "started", run: toRunView(run) };
  }
  return { type: "result", result: await work };
}

/**
 * Every way out of here leaves the run completed, failed or cancelled: a driver error,
 * a result that cannot be serialised or stored, anything else.
 */
async function runRead(
  principal: Principal,
  prepared: Prepared,
  masking: MaskingPlan,
  runId: string,
  options: { maxRows: number; timeoutMs: number; signal: AbortSignal; maxBytes: number; maxValueBytes: number; params?: unknown[] },
): Promise<QueryResultView> {
  let result: RunResult;
  let run: QueryRun;
  try {
    result = await connectorFor(prepared.dataSource).run(prepared.statement.text, { ...options, readOnly: true });
    // Personal data is masked for readers before anything is stored or returned.
    result = { ...result, rows: applyMask(result.rows, result.columns, masking) };
    run = await completeRun(runId, result);
  } catch (failure) {
    // A reader's error must not quote the personal value that made it fail.
    // A typo gets a short message with its line and column, not the driver's wording.
    const explained = explainSyntaxFailure(failure, prepared.dataSource.engine as EngineName, prepared.sql, prepared.statement);
    const error = maskFailure(explained, masking, prepared.statement.text);
    await failRun(principal, prepared, runId, error, options.signal.aborted);
    throw error;
  } finally {
    stopTracking(runId);
  }
  publishCompleted(runId, result);
  // The run record is stored already; its audit entry is written in the next batch.
  auditRun(principal, runId, runOf(prepared), "success", { rowCount: result.rowCount, truncatedReason: result.truncatedReason }, recordAuditLater);
  return {
    ...toRunView(run),
    columns: result.columns,
    rows: result.rows,
    warnings: [...prepared.analysis.warnings, ...resultWarnings(run)],
  };
}
