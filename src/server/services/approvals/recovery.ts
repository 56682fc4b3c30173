import "server-only";
import { db } from "../../db";
import { conflict } from "../../errors";
import { publish } from "../../events/bus";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import { assertApprover, assertStatus, getApproval, loadApproval } from "./review";
import type { ApprovalView } from "./views";

/**
 * The ways out of states a dead process or a failed commit leaves behind. A failed
 * request can be discarded (`discardApproval`) or retried here; start-up
 * reconciliation (`boot/reconcile.ts`) turns `executing`/`reverting` into those.
 */
export const INTERRUPTED_COMMIT =
  "The server stopped while this request was executing; check the target before retrying";
export const INTERRUPTED_REVERT =
  "The server stopped while this change was being reverted; the revert ran in one transaction and did not complete, so the change is still in place. Check the target, then revert again if needed";

/**
 * Puts a failed request back to approved so it can be committed again. Only an approver
 * decides that (the failure may have been a crash mid-commit: they check the target
 * first). The preview is kept: a commit whose row count no longer matches it (say,
 * because the interrupted commit did land) is refused; preview again to go on.
 */
export async function retryApproval(user: SessionUser, id: string): Promise<ApprovalView> {
  const approval = await loadApproval(user, id);
  await assertApprover(user, approval);
  assertStatus(approval, ["failed"], "retry");
  const moved = await db.approvalRequest.updateMany({
    where: { id, status: "failed" },
    data: { status: "approved" },
  });
  if (moved.count !== 1) throw conflict("This request changed meanwhile");
  await recordAudit(
    { userId: user.id, label: user.email },
    { action: "approval_retry", resourceType: "approval", resourceId: id, details: { previousError: approval.error } },
  );
  publish("approval.retried", id, { approvalId: id, userId: user.id });
  return getApproval(user, id);
}
