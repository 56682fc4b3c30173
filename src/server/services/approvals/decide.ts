import "server-only";
import { requireActingUser, type Principal } from "../principal";
import { previewApproval } from "./execute";
import { reviewApproval } from "./review";
import type { ApprovalView } from "./views";

/**
 * An approver's decision. The approval that makes a request approved previews it at
 * once (a rolled-back dry run, only when a rollback undoes all of it), so whoever
 * commits sees what will change; a statement that cannot be previewed is not run and
 * shows why instead. A preview that fails leaves the decision standing.
 */
export async function decide(
  principal: Principal,
  id: string,
  decision: "approved" | "rejected",
  comments: string,
): Promise<ApprovalView> {
  const reviewed = await reviewApproval(requireActingUser(principal), id, decision, comments);
  if (reviewed.status !== "approved") return reviewed;
  return previewApproval(principal, id).catch(() => reviewed);
}
