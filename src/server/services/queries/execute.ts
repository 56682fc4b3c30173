import "server-only";
import { config } from "../../config";
import type { RunResult } from "../../connectors/types";
import { db } from "../../db";
import { isAppError } from "../../errors";
import { submitForApproval } from "../approvals/submit";
import type { ApprovalView } from "../approvals/views";
import { applyMask, maskFailure, type MaskingPlan } from "../access/masking";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import { defaultDataSourceId } from "../datasources/crud";
import { assertWithinQuota } from "./quota";
import { inspect, notAReadError, type GatewayCheck } from "./gateway";
import { maskingPlanFor } from "./masking-plan";
import { publishQueryStatus, startTracking, stopTracking } from "./running";
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
}

export type ExecuteOutcome =
  | { type: "result"; result: QueryResultView }
  | { type: "started"; run: QueryRunView }
  | { type: "approval"; approval: ApprovalView };

/** Runs one statement: reads on the read-only path; anything else is refused here. */
export async function executeQuery(user: SessionUser, input: ExecuteInput): Promise<ExecuteOutcome> {
  await assertWithinQuota(user);
  const dataSourceId = input.dataSourceId ?? (await defaultDataSourceId(user));
  const check = await inspect(user, dataSourceId, input.sql);
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
  publishQueryStatus(run.id, "executing");
  const work = runRead(user, check, masking, run.id, { maxRows, timeoutMs, signal });
  if (input.wait === false) {
    work.catch(() => undefined); // recorded on the run; nobody awaits it
    return { type: "started", run: toRunView(run) };
  }
  return { type: "result", result: await work };
}

async function runRead(
  user: SessionUser,
  check: GatewayCheck,
  masking: MaskingPlan,
  runId: string,
  options: { maxRows: number; timeoutMs: number; signal: AbortSignal },
): Promise<QueryResultView> {
  let result: RunResult;
  try {
    result = await check.connector.run(check.statement.text, { ...options, readOnly: true });
    // Personal data is masked for readers before anything is stored or returned.
    result = { ...result, rows: applyMask(result.rows, result.columns, masking) };
  } catch (failure) {
    // A reader's error must not quote the personal value that made it fail.
    const error = maskFailure(failure, masking, check.statement.text);
    const cancelled = options.signal.aborted;
    const message = isAppError(error) ? error.message : "The query failed";
    await db.queryRun.update({
      where: { id: runId },
      data: { status: cancelled ? "cancelled" : "failed", error: message, finishedAt: new Date() },
    });
    publishQueryStatus(runId, cancelled ? "cancelled" : "failed", {
      error: message,
      details: isAppError(error) && error.actor !== "bug" ? error.details : undefined,
    });
    await auditRun(user, runId, check, "failure", { error: message, cancelled });
    throw error;
  } finally {
    stopTracking(runId);
  }
  const [, run] = await db.$transaction([
    db.queryResult.create({
      data: { queryRunId: runId, columns: JSON.stringify(result.columns), rows: JSON.stringify(result.rows) },
    }),
    db.queryRun.update({
      where: { id: runId },
      data: {
        status: "completed",
        rowCount: result.rowCount,
        truncated: result.truncated,
        executionTimeMs: Math.round(result.executionTimeMs),
        finishedAt: new Date(),
      },
    }),
  ]);
  publishQueryStatus(runId, "completed", { row_count: result.rowCount });
  await auditRun(user, runId, check, "success", { rowCount: result.rowCount });
  return {
    ...toRunView(run),
    columns: result.columns,
    rows: result.rows,
    warnings: check.analysis.warnings,
  };
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

function auditRun(
  user: SessionUser,
  runId: string,
  check: GatewayCheck,
  outcome: "success" | "failure",
  details: Record<string, unknown>,
): Promise<void> {
  return recordAudit(
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
