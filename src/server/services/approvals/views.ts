import "server-only";
import type { Prisma } from "@prisma/client";

export const approvalInclude = {
  requestedBy: { select: { id: true, email: true, username: true, fullName: true } },
  dataSource: { select: { id: true, name: true, engine: true } },
  reviews: { include: { reviewer: { select: { id: true, email: true, username: true } } }, orderBy: { createdAt: "asc" } },
} satisfies Prisma.ApprovalRequestInclude;

export type LoadedApproval = Prisma.ApprovalRequestGetPayload<{ include: typeof approvalInclude }>;

export interface ApprovalPreview {
  affectedRows: number;
  columns: string[];
  before: Record<string, unknown>[] | null;
  after: Record<string, unknown>[] | null;
  note: string | null;
  previewedAt: string;
}

export interface ApprovalView {
  id: string;
  dataSourceId: string;
  dataSourceName: string;
  engine: string;
  sql: string;
  kind: string;
  operation: string;
  status: string;
  riskLevel: string;
  riskReasons: string[];
  estimatedRows: number | null;
  requiredApprovals: number;
  approvalsCount: number;
  requestedBy: { id: string; email: string; username: string; fullName: string };
  reviews: { id: string; decision: string; comments: string; reviewedBy: { id: string; email: string; username: string }; reviewedAt: string }[];
  preview: ApprovalPreview | null;
  /** Why this request is never dry-run (null when it previews). */
  previewUnavailableReason: string | null;
  /** The planner's plan shown instead of a preview, when it was safe to ask. */
  explainPlan: string | null;
  affectedRows: number | null;
  error: string | null;
  backupTable: string | null;
  executedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toApprovalView(a: LoadedApproval): ApprovalView {
  return {
    id: a.id,
    dataSourceId: a.dataSourceId,
    dataSourceName: a.dataSource.name,
    engine: a.dataSource.engine,
    sql: a.sql,
    kind: a.kind,
    operation: a.operation,
    status: a.status,
    riskLevel: a.riskLevel,
    riskReasons: JSON.parse(a.riskReasons) as string[],
    estimatedRows: a.estimatedRows,
    requiredApprovals: a.requiredApprovals,
    approvalsCount: a.reviews.filter((r) => r.decision === "approved").length,
    requestedBy: a.requestedBy,
    reviews: a.reviews.map((r) => ({
      id: r.id,
      decision: r.decision,
      comments: r.comments,
      reviewedBy: r.reviewer,
      reviewedAt: r.createdAt.toISOString(),
    })),
    preview: a.preview ? (JSON.parse(a.preview) as ApprovalPreview) : null,
    previewUnavailableReason: a.previewUnavailableReason,
    explainPlan: a.explainPlan,
    affectedRows: a.affectedRows,
    error: a.error,
    backupTable: a.backupTable,
    executedAt: a.executedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}
