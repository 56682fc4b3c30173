import "server-only";
import type { SessionUser } from "../auth/session";
import { previewApproval } from "./execute";
import { reviewApproval } from "./review";
import type { ApprovalView } from "./views";

/**
 * An approver's decision. The approval that makes a request approved previews it at
 * once (a rolled-back dry run), so whoever commits sees what will change; a preview
 * that fails leaves the decision standing and is shown as missing.
 */
export async function decide(
  user: SessionUser,
  id: string,
  decision: "approved" | "rejected",
  comments: string,
): Promise<ApprovalView> {
  const reviewed = await reviewApproval(user, id, decision, comments);
  if (reviewed.status !== "approved") return reviewed;
  return previewApproval(user, id).catch(() => reviewed);
}
