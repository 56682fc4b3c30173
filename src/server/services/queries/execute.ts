import "server-only";
import { config } from "../../config";
import type { RunResult } from "../../connectors/types";
import type { QueryRun } from "@prisma/client";
import { db } from "../../db";
import { AppError, isAppError } from "../../errors";
import { submitForApproval } from "../approvals/submit";
import type { ApprovalView } from "../approvals/views";
import { applyMask, maskFailure, type MaskingPlan } from "../access/masking";
import { recordAudit, recordAuditLater } from "../audit";
import type { SessionUser } from "../auth/session";
import { defaultDataSourceId } from "../datasources/crud";
import { assertWithinQuota } from "./quota";
import { inspect, notAReadError, type GatewayCheck } from "./gateway";
import { maskingPlanFor } from "./masking-plan";
import { publish } from "../../events/bus";
import { startTracking, stopTracking } from "./running";
import { toRunView, type QueryResultView, type QueryRunView } from "./views";

export interface ExecuteInput {
  dataSourceId?: string;
  sql: string;
  /** Rows to keep, capped by QUARRY_QUERY_MAX_ROWS. */
  maxRows?: number;
  timeoutMs?: number;
  /** editor, api, chat, share, ... (shown in history). */
  source?: string;
  /** false: answer at once with the running query's id; follow it on /ws/query/:id. */
  wait?: boolean;
  /** Values for the statement's placeholders ($1… / ?), bound by the driver (reads only). */
  params?: unknown[];
}

export type ExecuteOutcome =
  | { type: "result"; result: QueryResultView }
  | { type: "started"; run: QueryRunView }
  | { type: "approval"; approval: ApprovalView };

/** Runs one statement: reads on the read-only path; anything else is refused here. */
export async function executeQuery(user: SessionUser, input: ExecuteInput): Promise<ExecuteOutcome> {
  await assertWithinQuota(user);
  const dataSourceId = input.dataSourceId ?? (await defaultDataSourceId(user));
  const check = await inspect(user, dataSourceId, input.sql).catch(async (refused: unknown) => {
    // A statement the gateway refuses (read policy, statements acting outside the database,
    // transaction control) never reaches a run record, but the attempt is in the audit trail.
    if (isAppError(refused) && refused.code === "QUERY_REJECTED") await auditGatewayRefusal(user, dataSourceId, refused.message);
    throw refused;
  });
  if (check.analysis.kind !== "read" && input.params?.length) {
    throw new AppError("VALIDATION_ERROR", "Parameters are bound in reads only; a change goes through approval as plain SQL");
  }
  if (check.analysis.kind !== "read") {
    // Writes never run unreviewed: a writer's statement becomes an approval request.
    if (check.access.canWrite) return { type: "approval", approval: await submitForApproval(user, check, input.sql) };
    await recordRefusal(user, check, input);
    throw notAReadError(check);
  }
  // Decided before anything runs: an untraceable read of personal data is refused here
  // (reads of tables the schema does not know run, so a typo gets the engine's error, but
  // their rows are refused).
  const masking = await maskingPlanFor(check, { unknownTables: "refuse-rows" }).catch(async (refused: unknown) => {
    if (isAppError(refused)) await recordRefusal(user, check, input, refused.message);
    throw refused;
  });
  const limits = config();
  const maxRows = Math.min(input.maxRows ?? limits.QUARRY_QUERY_MAX_ROWS, limits.QUARRY_QUERY_MAX_ROWS);
  const timeoutMs = Math.min(input.timeoutMs ?? limits.QUARRY_QUERY_TIMEOUT_MS, limits.QUARRY_QUERY_TIMEOUT_MS);

  const run = await db.queryRun.create({
    data: {
      userId: user.id,
      dataSourceId: check.dataSource.id,
      sql: input.sql,
      kind: "read",
      operation: check.statement.operation,
      status: "running",
      source: input.source ?? "editor",
    },
  });
  const signal = startTracking(run.id, user.id);
  publish("query.status", run.id, { queryId: run.id, status: "executing" });
  const work = runRead(user, check, masking, run.id, {
    maxRows,
    timeoutMs,
    signal,
    maxBytes: limits.QUARRY_QUERY_MAX_RESULT_BYTES,
    maxValueBytes: limits.QUARRY_QUERY_MAX_VALUE_BYTES,
    params: input.params,
  });
  if (input.wait === false) {
    work.catch(() => undefined); // recorded on the run; nobody awaits it
    return { type: "started", run: toRunView(run) };
  }
  return { type: "result", result: await work };
}

/**
 * Every way out of here leaves the run completed, failed or cancelled: a driver error,
 * a result that cannot be serialised or stored, anything else.
 */
async function runRead(
  user: SessionUser,
  check: GatewayCheck,
  masking: MaskingPlan,
  runId: string,
  options: { maxRows: number; timeoutMs: number; signal: AbortSignal; maxBytes: number; maxValueBytes: number; params?: unknown[] },
): Promise<QueryResultView> {
  let result: RunResult;
  let run: QueryRun;
  try {
    result = await check.connector.run(check.statement.text, { ...options, readOnly: true });
    // Personal data is masked for readers before anything is stored or returned.
    result = { ...result, rows: applyMask(result.rows, result.columns, masking) };
    run = await storeResult(runId, result).catch((error: unknown) => {
      throw new AppError("INTERNAL", "The result could not be saved to the query history", { cause: error });
    });
  } catch (failure) {
    // A reader's error must not quote the personal value that made it fail.
    const error = maskFailure(failure, masking, check.statement.text);
    await recordFailure(user, check, runId, error, options.signal.aborted);
    throw error;
  } finally {
    stopTracking(runId);
  }
  publish("query.status", runId, {
    queryId: runId,
    status: "completed",
    rowCount: result.rowCount,
    truncated: result.truncated,
    ...(result.truncatedReason ? { truncatedReason: result.truncatedReason } : {}),
  });
  // The run record is stored already; its audit entry is written in the next batch.
  auditRun(user, runId, check, "success", { rowCount: result.rowCount, truncatedReason: result.truncatedReason }, recordAuditLater);
  return {
    ...toRunView(run),
    columns: result.columns,
    rows: result.rows,
    warnings: [...check.analysis.warnings, ...resultWarnings(run)],
  };
}

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

async function storeResult(runId: string, result: RunResult): Promise<QueryRun> {
  const stored = storedCopy(result.rows);
  const [, run] = await db.$transaction([
    db.queryResult.create({ data: { queryRunId: runId, columns: JSON.stringify(result.columns), rows: stored.json } }),
    db.queryRun.update({
      where: { id: runId },
      data: {
        status: "completed",
        rowCount: result.rowCount,
        truncated: result.truncated,
        truncatedReason: result.truncated ? (result.truncatedReason ?? "rows") : null,
        storedRows: stored.count,
        storedPartial: stored.count < result.rowCount,
        executionTimeMs: Math.round(result.executionTimeMs),
        finishedAt: new Date(),
      },
    }),
  ]);
  return run;
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

async function recordFailure(user: SessionUser, check: GatewayCheck, runId: string, error: unknown, cancelled: boolean) {
  const message = isAppError(error) ? error.message : "The query failed";
  try {
    // Only a run still running: a cancel or a restart may have ended it already.
    await db.queryRun.updateMany({
      where: { id: runId, status: "running" },
      data: { status: cancelled ? "cancelled" : "failed", error: message, finishedAt: new Date() },
    });
    publish("query.status", runId, {
      queryId: runId,
      status: cancelled ? "cancelled" : "failed",
      error: message,
      details: isAppError(error) && error.actor !== "bug" ? error.details : undefined,
    });
    await auditRun(user, runId, check, "failure", { error: message, cancelled });
  } catch (recordError) {
    // The app database itself is failing; start-up reconciliation ends the run later.
    console.error(`[queries] could not record the failure of run ${runId}:`, (recordError as Error).message);
  }
}

async function recordRefusal(user: SessionUser, check: GatewayCheck, input: ExecuteInput, reason?: string): Promise<void> {
  const run = await db.queryRun.create({
    data: {
      userId: user.id,
      dataSourceId: check.dataSource.id,
      sql: input.sql,
      kind: check.analysis.kind,
      operation: check.statement.operation,
      status: "rejected",
      source: input.source ?? "editor",
      error: reason ?? notAReadError(check).message,
      finishedAt: new Date(),
    },
  });
  await auditRun(user, run.id, check, "failure", { refused: reason ? "untraceable personal data" : check.analysis.kind });
}

function auditGatewayRefusal(user: SessionUser, dataSourceId: string, reason: string): Promise<void> {
  return recordAudit(
    { userId: user.id, label: user.email },
    { action: "execute_query", resourceType: "data_source", resourceId: dataSourceId, outcome: "failure", details: { dataSourceId, refused: reason } },
  );
}

function auditRun(
  user: SessionUser,
  runId: string,
  check: GatewayCheck,
  outcome: "success" | "failure",
  details: Record<string, unknown>,
  write: typeof recordAudit | typeof recordAuditLater = recordAudit,
): Promise<void> | void {
  return write(
    { userId: user.id, label: user.email },
    {
      action: "execute_query",
      resourceType: "query",
      resourceId: runId,
      outcome,
      details: { dataSourceId: check.dataSource.id, kind: check.analysis.kind, ...details },
    },
  );
}
