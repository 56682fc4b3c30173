import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { AppError, conflict, forbidden, notFound } from "../../errors";
import { accessMap, accessTo, dataSourceIdsWith } from "../access";
import { publish } from "../../events/bus";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import { previewForViewer } from "./preview-masking";
import { approvalInclude, toApprovalView, type ApprovalView, type LoadedApproval } from "./views";


/** What a user may see: their own requests and those on data sources they approve. */
async function visibleWhere(user: SessionUser, scope: "all" | "mine" | "to_review"): Promise<Prisma.ApprovalRequestWhereInput> {
  const mine = { requestedById: user.id };
  if (scope === "mine") return mine;
  const approvable = await dataSourceIdsWith(user, "canApprove");
  const reviewable: Prisma.ApprovalRequestWhereInput = approvable === "all" ? {} : { dataSourceId: { in: approvable } };
  if (scope === "to_review") return { AND: [reviewable, { requestedById: { not: user.id } }] };
  return approvable === "all" ? {} : { OR: [mine, reviewable] };
}

export interface ApprovalFilter {
  page: number;
  pageSize: number;
  status?: string;
  dataSourceId?: string;
  scope?: "all" | "mine" | "to_review";
}

export async function listApprovals(user: SessionUser, filter: ApprovalFilter): Promise<{ items: ApprovalView[]; total: number }> {
  const where: Prisma.ApprovalRequestWhereInput = {
    AND: [
      await visibleWhere(user, filter.scope ?? "all"),
      filter.status ? { status: filter.status } : {},
      filter.dataSourceId ? { dataSourceId: filter.dataSourceId } : {},
    ],
  };
  const [rows, total] = await Promise.all([
    db.approvalRequest.findMany({
      where,
      include: approvalInclude,
      orderBy: { createdAt: "desc" },
      skip: (filter.page - 1) * filter.pageSize,
      take: filter.pageSize,
    }),
    db.approvalRequest.count({ where }),
  ]);
  const access = await accessMap(user, [...new Set(rows.map((r) => r.dataSourceId))]);
  return { items: rows.map((r) => previewForViewer(toApprovalView(r), access.get(r.dataSourceId)!)), total };
}

export async function approvalCounts(user: SessionUser, scope: "all" | "mine" | "to_review" = "all"): Promise<Record<string, number>> {
  const grouped = await db.approvalRequest.groupBy({ by: ["status"], where: await visibleWhere(user, scope), _count: true });
  const counts: Record<string, number> = { all: 0, pending: 0, approved: 0, rejected: 0, executed: 0, failed: 0, rolled_back: 0, reverted: 0 };
  for (const g of grouped) {
    counts[g.status] = g._count;
    counts.all! += g._count;
  }
  return counts;
}

/** Loads a request the user may see (404 otherwise, so ids cannot be probed). */
export async function loadApproval(user: SessionUser, id: string): Promise<LoadedApproval> {
  const approval = await db.approvalRequest.findUnique({ where: { id }, include: approvalInclude });
  if (!approval) throw notFound("Approval request", id);
  if (approval.requestedById === user.id) return approval;
  const access = await accessTo(user, approval.dataSourceId);
  if (!access.canApprove) throw notFound("Approval request", id);
  return approval;
}

export async function getApproval(user: SessionUser, id: string): Promise<ApprovalView> {
  const approval = await loadApproval(user, id);
  return previewForViewer(toApprovalView(approval), await accessTo(user, approval.dataSourceId));
}

export async function assertApprover(user: SessionUser, approval: LoadedApproval): Promise<void> {
  if ((await accessTo(user, approval.dataSourceId)).canApprove) return;
  throw forbidden("You may not approve changes on this data source");
}

export async function reviewApproval(
  user: SessionUser,
  id: string,
  decision: "approved" | "rejected",
  comments: string,
): Promise<ApprovalView> {
  const approval = await loadApproval(user, id);
  await assertApprover(user, approval);
  if (approval.requestedById === user.id) throw forbidden("You cannot review your own request");
  if (approval.status !== "pending") throw conflict(`This request is already ${approval.status.replace("_", " ")}`);
  if (approval.reviews.some((r) => r.reviewerId === user.id)) throw conflict("You have already reviewed this request");

  const next = await db.$transaction(async (tx) => {
    await tx.approvalReview.create({ data: { approvalId: id, reviewerId: user.id, decision, comments } });
    const approvals = await tx.approvalReview.count({ where: { approvalId: id, decision: "approved" } });
    const next = decision === "rejected" ? "rejected" : approvals >= approval.requiredApprovals ? "approved" : "pending";
    // Only a still-pending request moves: a concurrent decision wins once.
    const moved = await tx.approvalRequest.updateMany({ where: { id, status: "pending" }, data: { status: next } });
    if (moved.count !== 1) throw conflict("This request was decided meanwhile");
    return next;
  });
  await recordAudit(
    { userId: user.id, label: user.email },
    { action: `approval_${decision === "approved" ? "approve" : "reject"}`, resourceType: "approval", resourceId: id, details: { comments } },
  );
  publish("approval.reviewed", id, { approvalId: id, userId: user.id, decision, status: next });
  return getApproval(user, id);
}

export function assertStatus(approval: LoadedApproval, allowed: string[], action: string): void {
  if (!allowed.includes(approval.status)) {
    throw new AppError("CONFLICT", `Cannot ${action} a request that is ${approval.status.replace("_", " ")}`);
  }
}
