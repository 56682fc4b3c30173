import "server-only";
import type { DataSource } from "@prisma/client";
import { db } from "../../db";
import { conflict, forbidden } from "../../errors";
import { writeShape, type WriteShape } from "../../sql/write-shape";
import { publish } from "../../events/bus";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import type { EngineName } from "../datasources/engines";
import { cachedSchema } from "../datasources/status";
import { execution, type WriteTarget } from "../execution";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { assertUnchanged, recheckForCommit } from "./recheck";
import { assertApprover, assertStatus, getApproval, loadApproval } from "./review";
import type { ApprovalPreview, ApprovalView, LoadedApproval } from "./views";

/**
 * Preview, commit, discard and revert of approval requests: who may take each step and
 * which state it moves from. The steps themselves run on the execution pipe
 * (`execution.write`). A preview runs the statement in a transaction that is rolled
 * back at once (no lock is held while a person decides), and only when a rollback undoes
 * everything it does; only an approver other than the requester previews. Commit
 * re-checks the request as it stands (recheck.ts), runs it for real in one transaction,
 * checks a previewed statement's affected row count still matches the preview, and
 * happens at most once however many callers race for it.
 */

/** What the pipe needs to run a stored request's statement. */
function targetOf(principal: Principal, approval: LoadedApproval, dataSource: DataSource, statement = execution.singleStatement(approval.sql, dataSource.engine as EngineName)): WriteTarget {
  const shape = writeShape(statement.text, dataSource.engine as EngineName);
  return { approval, dataSource, statement, shape, keyOf: (s) => primaryKeyOf(principal, approval, s) };
}

/** The single-column primary key of the table a write targets, when known. */
async function primaryKeyOf(principal: Principal, approval: LoadedApproval, shape: WriteShape): Promise<string | null> {
  const bare = shape.table.split(".").pop()!.replace(/^["`[]|["`\]]$/g, "").toLowerCase();
  const { schema } = await cachedSchema(principal, approval.dataSourceId);
  const table = schema.tables.find((t) => t.name.toLowerCase() === bare);
  return table?.primaryKey.length === 1 ? table.primaryKey[0]! : null;
}

/** Only an approver of the data source who did not file the request may preview it. */
async function assertMayPreview(user: SessionUser, approval: LoadedApproval): Promise<void> {
  if (approval.requestedById === user.id) throw forbidden("You cannot preview your own request; an approver previews it");
  await assertApprover(user, approval);
}

export async function previewApproval(principal: Principal, id: string): Promise<ApprovalView> {
  const user = requireActingUser(principal);
  const approval = await loadApproval(user, id);
  await assertMayPreview(user, approval);
  assertStatus(approval, ["pending", "approved"], "preview");
  const dataSource = await db.dataSource.findUniqueOrThrow({ where: { id: approval.dataSourceId } });
  assertUnchanged(approval, dataSource);
  await execution.write.preview(principal, targetOf(principal, approval, dataSource));
  return getApproval(user, id);
}

export async function commitApproval(principal: Principal, id: string): Promise<ApprovalView> {
  const user = requireActingUser(principal);
  const approval = await loadApproval(user, id);
  if (approval.requestedById !== user.id) await assertApprover(user, approval);
  assertStatus(approval, ["approved"], "commit");
  // Everything is checked again before the claim, so a refused commit leaves the request approved.
  const { dataSource, statement, decision } = await recheckForCommit(user, approval);
  const target = targetOf(principal, approval, dataSource, statement);
  const previewable = decision.previewable && approval.previewUnavailableReason === null;
  let preview = approval.preview ? (JSON.parse(approval.preview) as ApprovalPreview) : null;
  if (previewable && !preview) {
    // The drift guard needs a preview; only an approver (never the requester) may produce one.
    if (approval.requestedById === user.id) throw forbidden("An approver must preview this request before you can commit it");
    preview = await execution.write.dryRun(target);
  }
  // The claim is the once-only guarantee: one caller moves approved → executing.
  const claimed = await db.approvalRequest.updateMany({ where: { id, status: "approved" }, data: { status: "executing" } });
  if (claimed.count !== 1) throw conflict("This request is already being executed or was executed");
  // A statement that was never dry-run has no preview count to hold it to.
  await execution.write.commit(principal, target, { expected: previewable ? preview : null });
  return getApproval(user, id);
}

/** Discards a request that has not run (or whose commit failed): nothing is executed. */
export async function discardApproval(principal: Principal, id: string): Promise<ApprovalView> {
  const user = requireActingUser(principal);
  const approval = await loadApproval(user, id);
  if (approval.requestedById !== user.id) await assertApprover(user, approval);
  // A failed commit is discardable too, or it would sit in the inbox forever.
  assertStatus(approval, ["pending", "approved", "failed"], "roll back");
  const moved = await db.approvalRequest.updateMany({
    where: { id, status: { in: ["pending", "approved", "failed"] } },
    data: { status: "rolled_back" },
  });
  if (moved.count !== 1) throw conflict("This request changed meanwhile");
  await recordAudit(auditActorOf(principal), { action: "approval_rollback", resourceType: "approval", resourceId: id });
  publish("approval.rolled_back", id, { approvalId: id, userId: user.id });
  return getApproval(user, id);
}

/**
 * One-click undo of an executed UPDATE/DELETE whose rows were copied to a backup table
 * before the commit: the backed-up rows are put back in one transaction.
 */
export async function revertApproval(principal: Principal, id: string): Promise<ApprovalView> {
  const user = requireActingUser(principal);
  const approval = await loadApproval(user, id);
  await assertApprover(user, approval);
  assertStatus(approval, ["executed"], "revert");
  const backupTable = approval.backupTable;
  if (!backupTable) throw conflict("No backup was taken for this request (enable backups on the data source)");
  const dataSource = await db.dataSource.findUniqueOrThrow({ where: { id: approval.dataSourceId } });
  const target = targetOf(principal, approval, dataSource);
  const shape = target.shape;
  if (!shape) throw conflict("Only UPDATE and DELETE requests can be reverted");
  const pk = await primaryKeyOf(principal, approval, shape);
  if (shape.operation === "UPDATE" && !pk) throw conflict("Reverting an UPDATE needs a single-column primary key");
  const claimed = await db.approvalRequest.updateMany({ where: { id, status: "executed" }, data: { status: "reverting" } });
  if (claimed.count !== 1) throw conflict("This request is being reverted already");
  await execution.write.revert(principal, { ...target, shape, backupTable, keyOf: async () => pk });
  return getApproval(user, id);
}
