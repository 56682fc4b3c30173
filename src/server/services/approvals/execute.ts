import "server-only";
import type { Connector } from "../../connectors/types";
import { config } from "../../config";
import { db } from "../../db";
import { AppError, conflict, forbidden, isAppError } from "../../errors";
import { writeShape, type WriteShape } from "../../sql/write-shape";
import { publish } from "../../events/bus";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import { connectorFor } from "../datasources/connection";
import type { EngineName } from "../datasources/engines";
import { cachedSchema } from "../datasources/status";
import { analyzeOrThrow } from "../queries/gateway";
import { explainIfSafe, previewability, type Previewability } from "./previewable";
import { assertUnchanged, recheckForCommit } from "./recheck";
import { assertApprover, assertStatus, getApproval, loadApproval } from "./review";
import type { ApprovalPreview, ApprovalView, LoadedApproval } from "./views";

/**
 * Preview, commit and discard of approval requests. A preview runs the statement in a
 * transaction that is rolled back at once (no lock is held while a person decides),
 * and only when a rollback undoes everything it does (see previewable.ts); only an
 * approver other than the requester previews. Commit re-checks the request as it
 * stands (recheck.ts), runs it for real in one transaction, checks a previewed
 * statement's affected row count still matches the preview, and happens at most once
 * however many callers race for it.
 */
const SAMPLE_ROWS = 20;

async function statementOf(approval: LoadedApproval) {
  const engine = approval.dataSource.engine as EngineName;
  const { statements } = analyzeOrThrow(approval.sql, engine);
  if (statements.length !== 1) throw new AppError("QUERY_REJECTED", `A request runs exactly one statement (found ${statements.length})`);
  const statement = statements[0]!;
  return { engine, statement, shape: writeShape(statement.text, engine) };
}

/** The single-column primary key of the table a write targets, when known. */
async function primaryKeyOf(user: SessionUser, approval: LoadedApproval, shape: WriteShape): Promise<string | null> {
  const bare = shape.table.split(".").pop()!.replace(/^["`[]|["`\]]$/g, "").toLowerCase();
  const { schema } = await cachedSchema(user, approval.dataSourceId);
  const table = schema.tables.find((t) => t.name.toLowerCase() === bare);
  return table?.primaryKey.length === 1 ? table.primaryKey[0]! : null;
}

const quoteIdent = (connector: Connector, name: string) => {
  const q = connector.capabilities.identifierQuote;
  return `${q}${name.replaceAll(q, q + q)}${q}`;
};

const placeholders = (connector: Connector, n: number) =>
  Array.from({ length: n }, (_, i) => (connector.capabilities.paramStyle === "dollar" ? `$${i + 1}` : "?")).join(", ");

/** Runs and rolls back; callers have established that the statement is previewable. */
async function dryRun(user: SessionUser, approval: LoadedApproval, connector: Connector): Promise<ApprovalPreview> {
  const { statement, shape } = await statementOf(approval);
  const now = new Date().toISOString();
  const timeoutMs = config().QUARRY_QUERY_TIMEOUT_MS;
  const sampleable = shape?.singleTable && shape.where ? shape : null;
  const pk = sampleable ? await primaryKeyOf(user, approval, sampleable) : null;
  const from = sampleable ? `${sampleable.table}${sampleable.alias ? ` ${sampleable.alias}` : ""}` : "";
  return connector.transaction(
    async (tx) => {
      const before = sampleable
        ? await tx.run(`SELECT * FROM ${from} WHERE ${sampleable.where}`, { maxRows: SAMPLE_ROWS, timeoutMs })
        : null;
      const result = await tx.run(statement.text, { maxRows: SAMPLE_ROWS, timeoutMs });
      let after: Record<string, unknown>[] | null = null;
      if (sampleable?.operation === "DELETE") after = [];
      else if (sampleable && pk && before && before.rows.length > 0) {
        const keys = before.rows.map((r) => r[pk]);
        after = (
          await tx.run(`SELECT * FROM ${sampleable.table} WHERE ${quoteIdent(connector, pk)} IN (${placeholders(connector, keys.length)})`, {
            maxRows: SAMPLE_ROWS,
            timeoutMs,
            params: keys,
          })
        ).rows;
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

/** Only an approver of the data source who did not file the request may preview it. */
async function assertMayPreview(user: SessionUser, approval: LoadedApproval): Promise<void> {
  if (approval.requestedById === user.id) throw forbidden("You cannot preview your own request; an approver previews it");
  await assertApprover(user, approval);
}

/** The live decision for a stored request (the tables' storage may have changed since it was filed). */
async function decisionFor(approval: LoadedApproval, connector: Connector): Promise<Previewability> {
  const { statement, engine } = await statementOf(approval);
  return previewability(connector, statement, engine).catch(
    (): Previewability => ({ previewable: false, reason: "its tables could not be inspected", explainable: false }),
  );
}

export async function previewApproval(user: SessionUser, id: string): Promise<ApprovalView> {
  const approval = await loadApproval(user, id);
  await assertMayPreview(user, approval);
  assertStatus(approval, ["pending", "approved"], "preview");
  const dataSource = await db.dataSource.findUniqueOrThrow({ where: { id: approval.dataSourceId } });
  assertUnchanged(approval, dataSource);
  const connector = connectorFor(dataSource);
  const decision = await decisionFor(approval, connector);
  if (!decision.previewable) {
    // Never dry-run: record why, with the planner's view where asking for it is safe.
    const { statement } = await statementOf(approval);
    const plan = await explainIfSafe(connector, statement, decision);
    await db.approvalRequest.update({
      where: { id },
      data: { preview: null, previewedAt: null, previewUnavailableReason: decision.reason, explainPlan: plan ?? approval.explainPlan },
    });
    await recordAudit(
      { userId: user.id, label: user.email },
      { action: "approval_preview", resourceType: "approval", resourceId: id, outcome: "failure", details: { unavailable: decision.reason } },
    );
    publish("approval.previewed", id, { approvalId: id, userId: user.id, affectedRows: null, unavailableReason: decision.reason });
    return getApproval(user, id);
  }
  const preview = await dryRun(user, approval, connector);
  await db.approvalRequest.update({
    where: { id },
    // The tables' storage may have changed since filing; what the dry run proves now is what commit checks.
    data: { preview: JSON.stringify(preview), previewedAt: new Date(preview.previewedAt), previewUnavailableReason: null },
  });
  await recordAudit(
    { userId: user.id, label: user.email },
    { action: "approval_preview", resourceType: "approval", resourceId: id, details: { affectedRows: preview.affectedRows } },
  );
  publish("approval.previewed", id, { approvalId: id, userId: user.id, affectedRows: preview.affectedRows });
  return getApproval(user, id);
}

export async function commitApproval(user: SessionUser, id: string): Promise<ApprovalView> {
  const approval = await loadApproval(user, id);
  if (approval.requestedById !== user.id) await assertApprover(user, approval);
  assertStatus(approval, ["approved"], "commit");
  // Everything is checked again before the claim, so a refused commit leaves the request approved.
  const { dataSource, connector, statement, decision } = await recheckForCommit(user, approval);
  const previewable = decision.previewable && approval.previewUnavailableReason === null;
  let preview = approval.preview ? (JSON.parse(approval.preview) as ApprovalPreview) : null;
  if (previewable && !preview) {
    // The drift guard needs a preview; only an approver (never the requester) may produce one.
    if (approval.requestedById === user.id) throw forbidden("An approver must preview this request before you can commit it");
    preview = await dryRun(user, approval, connector);
  }
  // The claim is the once-only guarantee: one caller moves approved → executing.
  const claimed = await db.approvalRequest.updateMany({ where: { id, status: "approved" }, data: { status: "executing" } });
  if (claimed.count !== 1) throw conflict("This request is already being executed or was executed");

  try {
    const shape = writeShape(statement.text, dataSource.engine as EngineName);
    const backup =
      dataSource.backupBeforeCommit && shape?.singleTable && shape.where ? `quarry_backup_${id.replace(/-/g, "").slice(0, 16)}` : null;
    const timeoutMs = config().QUARRY_QUERY_TIMEOUT_MS;
    // A statement that was never dry-run has no preview count to hold it to.
    const expected = previewable ? preview : null;
    const backupSql = backup && shape ? `CREATE TABLE ${quoteIdent(connector, backup)} AS SELECT * FROM ${shape.table} WHERE ${shape.where}` : null;
    // Where DDL commits implicitly (MySQL), the backup is taken in its own transaction
    // first, so it cannot end the write's transaction early.
    const separateBackup = backupSql && !connector.capabilities.transactionalDdl;
    if (separateBackup) await connector.transaction((tx) => tx.run(backupSql, { maxRows: 1, timeoutMs }));
    const affected = await connector.transaction(async (tx) => {
      if (backupSql && !separateBackup) await tx.run(backupSql, { maxRows: 1, timeoutMs });
      const result = await tx.run(statement.text, { maxRows: 1, timeoutMs });
      const count = result.affectedRows ?? result.rowCount;
      if (expected && count !== expected.affectedRows) {
        throw new AppError(
          "CONFLICT",
          `The statement would now change ${count} rows, but the preview changed ${expected.affectedRows}; it was rolled back. Preview again.`,
        );
      }
      return count;
    });
    await db.approvalRequest.update({
      where: { id },
      data: { status: "executed", affectedRows: affected, executedAt: new Date(), executedById: user.id, backupTable: backup, error: null },
    });
    await recordAudit(
      { userId: user.id, label: user.email },
      { action: "approval_commit", resourceType: "approval", resourceId: id, details: { affectedRows: affected, backup } },
    );
    publish("approval.committed", id, { approvalId: id, userId: user.id, affectedRows: affected, backupTable: backup });
  } catch (error) {
    const message = isAppError(error) ? error.message : "The statement failed";
    await db.approvalRequest.update({ where: { id }, data: { status: "failed", error: message } });
    await recordAudit(
      { userId: user.id, label: user.email },
      { action: "approval_commit", resourceType: "approval", resourceId: id, outcome: "failure", details: { error: message } },
    );
    publish("approval.failed", id, { approvalId: id, userId: user.id, error: message });
    throw error;
  }
  return getApproval(user, id);
}

/** Discards a request that has not run (or whose commit failed): nothing is executed. */
export async function discardApproval(user: SessionUser, id: string): Promise<ApprovalView> {
  const approval = await loadApproval(user, id);
  if (approval.requestedById !== user.id) await assertApprover(user, approval);
  // A failed commit is discardable too, or it would sit in the inbox forever.
  assertStatus(approval, ["pending", "approved", "failed"], "roll back");
  const moved = await db.approvalRequest.updateMany({
    where: { id, status: { in: ["pending", "approved", "failed"] } },
    data: { status: "rolled_back" },
  });
  if (moved.count !== 1) throw conflict("This request changed meanwhile");
  await recordAudit({ userId: user.id, label: user.email }, { action: "approval_rollback", resourceType: "approval", resourceId: id });
  publish("approval.rolled_back", id, { approvalId: id, userId: user.id });
  return getApproval(user, id);
}

/**
 * One-click undo of an executed UPDATE/DELETE whose rows were copied to a backup table
 * before the commit: the backed-up rows are put back in one transaction.
 */
export async function revertApproval(user: SessionUser, id: string): Promise<ApprovalView> {
  const approval = await loadApproval(user, id);
  await assertApprover(user, approval);
  assertStatus(approval, ["executed"], "revert");
  if (!approval.backupTable) throw conflict("No backup was taken for this request (enable backups on the data source)");
  const { shape } = await statementOf(approval);
  if (!shape) throw conflict("Only UPDATE and DELETE requests can be reverted");
  const pk = await primaryKeyOf(user, approval, shape);
  if (shape.operation === "UPDATE" && !pk) throw conflict("Reverting an UPDATE needs a single-column primary key");
  const claimed = await db.approvalRequest.updateMany({ where: { id, status: "executed" }, data: { status: "reverting" } });
  if (claimed.count !== 1) throw conflict("This request is being reverted already");
  const connector = connectorFor(await db.dataSource.findUniqueOrThrow({ where: { id: approval.dataSourceId } }));
  const backup = quoteIdent(connector, approval.backupTable);
  const timeoutMs = config().QUARRY_QUERY_TIMEOUT_MS;
  try {
    await connector.transaction(async (tx) => {
      if (shape.operation === "UPDATE") {
        const key = quoteIdent(connector, pk!);
        await tx.run(`DELETE FROM ${shape.table} WHERE ${key} IN (SELECT ${key} FROM ${backup})`, { maxRows: 1, timeoutMs });
      }
      await tx.run(`INSERT INTO ${shape.table} SELECT * FROM ${backup}`, { maxRows: 1, timeoutMs });
    });
  } catch (error) {
    await db.approvalRequest.update({ where: { id }, data: { status: "executed" } });
    throw error;
  }
  await db.approvalRequest.update({ where: { id }, data: { status: "reverted", revertedAt: new Date() } });
  await recordAudit({ userId: user.id, label: user.email }, { action: "approval_revert", resourceType: "approval", resourceId: id });
  publish("approval.reverted", id, { approvalId: id, userId: user.id });
  return getApproval(user, id);
}
