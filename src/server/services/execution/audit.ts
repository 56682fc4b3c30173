import "server-only";
import { recordAudit, recordAuditLater, type AuditRecord } from "../audit";
import { auditActorOf, type Principal } from "../principal";

/**
 * The audit step of the pipe: every statement's outcome is recorded under the principal
 * that asked (user with IP, job, share link). Kept apart so batching (recordAuditLater)
 * can be chosen per step.
 */
export type AuditWrite = typeof recordAudit | typeof recordAuditLater;

export function audit(principal: Principal, record: AuditRecord, write: AuditWrite = recordAudit): Promise<void> | void {
  return write(auditActorOf(principal), record);
}

/** A statement refused before any run record exists (read policy, outside the database, transaction control). */
export function auditRefusal(principal: Principal, dataSourceId: string, reason: string): Promise<void> {
  return recordAudit(auditActorOf(principal), {
    action: "execute_query",
    resourceType: "data_source",
    resourceId: dataSourceId,
    outcome: "failure",
    details: { dataSourceId, refused: reason },
  });
}

/** The `execute_query` entry of one run. */
export function auditRun(
  principal: Principal,
  runId: string,
  run: { dataSourceId: string; kind: string },
  outcome: "success" | "failure",
  details: Record<string, unknown>,
  write: AuditWrite = recordAudit,
): Promise<void> | void {
  return audit(
    principal,
    {
      action: "execute_query",
      resourceType: "query",
      resourceId: runId,
      outcome,
      details: { dataSourceId: run.dataSourceId, kind: run.kind, ...details },
    },
    write,
  );
}
