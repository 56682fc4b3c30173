import "server-only";
import type { DataSource } from "@prisma/client";
import { config } from "../../config";
import { db } from "../../db";
import { AppError, isAppError } from "../../errors";
import { publish } from "../../events/bus";
import type { AnalyzedStatement } from "../../sql";
import type { WriteShape } from "../../sql/write-shape";
import type { ApprovalPreview, LoadedApproval } from "../approvals/views";
import { requireActingUser, type Principal } from "../principal";
import { audit } from "./audit";
import { connectorFor } from "./connection";
import { planIfSafe, previewDecision } from "./explain";

/**
 * The write path of the pipe. A write runs only as an approval request, and the request
 * is its run record: this module runs the step its state allows (a rolled-back preview,
 * the commit, the revert of a committed change), records the outcome on the request,
 * audits it and publishes the approval event. The approval service decides who may take
 * the step and claims the state first (approved → executing, executed → reverting), so
 * each runs at most once. The SQL text around the statement (sample reads, backups,
 * restores) comes from the connector's dialect.
 */
const SAMPLE_ROWS = 20;

export interface WriteTarget {
  approval: LoadedApproval;
  dataSource: DataSource;
  statement: AnalyzedStatement;
  /** The analysed write's table and WHERE clause (single-table UPDATE/DELETE), when it has one. */
  shape: WriteShape | null;
  /** The single-column primary key of `shape.table`, when known (looked up only when needed). */
  keyOf(shape: WriteShape): Promise<string | null>;
}

const timeoutMs = () => config().QUARRY_QUERY_TIMEOUT_MS;

/** Runs and rolls back; callers have established that the statement is previewable. */
export async function dryRun(target: WriteTarget): Promise<ApprovalPreview> {
  const connector = connectorFor(target.dataSource);
  const { dialect } = connector;
  const now = new Date().toISOString();
  const sampleable = target.shape?.singleTable && target.shape.where ? target.shape : null;
  const pk = sampleable ? await target.keyOf(sampleable) : null;
  const from = sampleable ? `${sampleable.table}${sampleable.alias ? ` ${sampleable.alias}` : ""}` : "";
  return connector.transaction(
    async (tx) => {
      const before = sampleable ? await tx.run(dialect.selectWhere(from, sampleable.where!), { maxRows: SAMPLE_ROWS, timeoutMs: timeoutMs() }) : null;
      const result = await tx.run(target.statement.text, { maxRows: SAMPLE_ROWS, timeoutMs: timeoutMs() });
      let after: Record<string, unknown>[] | null = null;
      if (sampleable?.operation === "DELETE") after = [];
      else if (sampleable && pk && before && before.rows.length > 0) {
        const keys = before.rows.map((r) => r[pk]);
        after = (await tx.run(dialect.selectByKey(sampleable.table, pk, keys.length), { maxRows: SAMPLE_ROWS, timeoutMs: timeoutMs(), params: keys })).rows;
      }
      return {
        affectedRows: result.affectedRows ?? result.rowCount,
        columns: before?.columns.map((c) => c.name) ?? [],
        before: before?.rows ?? null,
        after,
        previewedAt: now,
        note: sampleable ? null : "Sample rows are shown for single-table UPDATE and DELETE statements with a WHERE clause.",
      };
    },
    { rollback: true },
  );
}

/**
 * Previews a request as its tables stand now: a rolled-back dry run where a rollback
 * undoes all of it, else the reason (and the planner's view where asking is safe).
 */
export async function preview(principal: Principal, target: WriteTarget): Promise<void> {
  const id = target.approval.id;
  const userId = requireActingUser(principal).id;
  const decision = await previewDecision(target.dataSource, target.statement);
  if (!decision.previewable) {
    const plan = await planIfSafe(target.dataSource, target.statement, decision);
    await db.approvalRequest.update({
      where: { id },
      data: { preview: null, previewedAt: null, previewUnavailableReason: decision.reason, explainPlan: plan ?? target.approval.explainPlan },
    });
    await audit(principal, { action: "approval_preview", resourceType: "approval", resourceId: id, outcome: "failure", details: { unavailable: decision.reason } });
    publish("approval.previewed", id, { approvalId: id, userId, affectedRows: null, unavailableReason: decision.reason });
    return;
  }
  const result = await dryRun(target);
  await db.approvalRequest.update({
    where: { id },
    // The tables' storage may have changed since filing; what the dry run proves now is what commit checks.
    data: { preview: JSON.stringify(result), previewedAt: new Date(result.previewedAt), previewUnavailableReason: null },
  });
  await audit(principal, { action: "approval_preview", resourceType: "approval", resourceId: id, details: { affectedRows: result.affectedRows } });
  publish("approval.previewed", id, { approvalId: id, userId, affectedRows: result.affectedRows });
}

/**
 * Commits a request the approval service has claimed (status `executing`): an optional
 * backup of the rows it touches, then the statement in one transaction, held to the
 * preview's row count when it was dry-run. Ends the request executed or failed.
 */
export async function commit(principal: Principal, target: WriteTarget, options: { expected: ApprovalPreview | null }): Promise<void> {
  const { approval, dataSource, shape } = target;
  const id = approval.id;
  const userId = requireActingUser(principal).id;
  const connector = connectorFor(dataSource);
  try {
    const backup =
      dataSource.backupBeforeCommit && shape?.singleTable && shape.where ? `quarry_backup_${id.replace(/-/g, "").slice(0, 16)}` : null;
    const backupSql = backup && shape ? connector.dialect.createTableAs(backup, shape.table, shape.where!) : null;
    // Where DDL commits implicitly (MySQL), the backup is taken in its own transaction
    // first, so it cannot end the write's transaction early.
    const separateBackup = backupSql && !connector.capabilities.transactionalDdl;
    if (separateBackup) await connector.transaction((tx) => tx.run(backupSql, { maxRows: 1, timeoutMs: timeoutMs() }));
    const affected = await connector.transaction(async (tx) => {
      if (backupSql && !separateBackup) await tx.run(backupSql, { maxRows: 1, timeoutMs: timeoutMs() });
      const result = await tx.run(target.statement.text, { maxRows: 1, timeoutMs: timeoutMs() });
      const count = result.affectedRows ?? result.rowCount;
      if (options.expected && count !== options.expected.affectedRows) {
        throw new AppError(
          "CONFLICT",
          `The statement would now change ${count} rows, but the preview changed ${options.expected.affectedRows}; it was rolled back. Preview again.`,
        );
      }
      return count;
    });
    await db.approvalRequest.update({
      where: { id },
      data: { status: "executed", affectedRows: affected, executedAt: new Date(), executedById: userId, backupTable: backup, error: null },
    });
    await audit(principal, { action: "approval_commit", resourceType: "approval", resourceId: id, details: { affectedRows: affected, backup } });
    publish("approval.committed", id, { approvalId: id, userId, affectedRows: affected, backupTable: backup });
  } catch (error) {
    const message = isAppError(error) ? error.message : "The statement failed";
    await db.approvalRequest.update({ where: { id }, data: { status: "failed", error: message } });
    await audit(principal, { action: "approval_commit", resourceType: "approval", resourceId: id, outcome: "failure", details: { error: message } });
    publish("approval.failed", id, { approvalId: id, userId, error: message });
    throw error;
  }
}

/**
 * Puts back the rows a committed UPDATE/DELETE changed, from the backup taken before the
 * commit, in one transaction, for a request the approval service has claimed (status
 * `reverting`). A failed revert leaves the request executed.
 */
export async function revert(principal: Principal, target: WriteTarget & { shape: WriteShape; backupTable: string }): Promise<void> {
  const id = target.approval.id;
  const connector = connectorFor(target.dataSource);
  const key = target.shape.operation === "UPDATE" ? await target.keyOf(target.shape) : null;
  const statements = connector.dialect.restoreStatements({
    table: target.shape.table,
    backup: target.backupTable,
    key,
    operation: target.shape.operation as "UPDATE" | "DELETE",
  });
  try {
    await connector.transaction(async (tx) => {
      for (const sql of statements) await tx.run(sql, { maxRows: 1, timeoutMs: timeoutMs() });
    });
  } catch (error) {
    await db.approvalRequest.update({ where: { id }, data: { status: "executed" } });
    throw error;
  }
  await db.approvalRequest.update({ where: { id }, data: { status: "reverted", revertedAt: new Date() } });
  await audit(principal, { action: "approval_revert", resourceType: "approval", resourceId: id });
  publish("approval.reverted", id, { approvalId: id, userId: requireActingUser(principal).id });
}
