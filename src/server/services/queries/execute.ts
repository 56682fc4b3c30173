import "server-only";
import { AppError } from "../../errors";
import { submitForApproval } from "../approvals/submit";
import type { ApprovalView } from "../approvals/views";
import { defaultDataSourceId } from "../datasources/crud";
import { execution, type ReadOutcome } from "../execution";
import { requireActingUser, type Principal } from "../principal";
import { assertWithinQuota } from "./quota";

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

export type ExecuteOutcome = ReadOutcome | { type: "approval"; approval: ApprovalView };

/** Runs one statement: reads on the execution pipe; a writer's write becomes an approval request; anything else is refused. */
export async function executeQuery(principal: Principal, input: ExecuteInput): Promise<ExecuteOutcome> {
  const user = requireActingUser(principal);
  await assertWithinQuota(user);
  const dataSourceId = input.dataSourceId ?? (await defaultDataSourceId(user));
  const prepared = await execution.prepare(principal, { dataSourceId, sql: input.sql }, { auditRefusal: true });
  if (prepared.analysis.kind !== "read" && input.params?.length) {
    throw new AppError("VALIDATION_ERROR", "Parameters are bound in reads only; a change goes through approval as plain SQL");
  }
  // Writes never run unreviewed: a writer's statement becomes an approval request.
  if (prepared.analysis.kind !== "read" && prepared.access.canWrite) {
    return { type: "approval", approval: await submitForApproval(principal, prepared, input.sql) };
  }
  return execution.read(principal, prepared, input);
}
