import "server-only";
import { z } from "zod";

const person = z.object({ id: z.string(), email: z.string(), username: z.string() });

export const approvalPreviewDto = z.object({
  affectedRows: z.number(),
  columns: z.array(z.string()),
  before: z.array(z.record(z.string(), z.unknown())).nullable(),
  after: z.array(z.record(z.string(), z.unknown())).nullable(),
  note: z.string().nullable(),
  previewedAt: z.string(),
});

export const approvalDto = z.object({
  id: z.string(),
  dataSourceId: z.string(),
  dataSourceName: z.string(),
  engine: z.string(),
  sql: z.string(),
  kind: z.string(),
  operation: z.string(),
  status: z.string(),
  riskLevel: z.string(),
  riskReasons: z.array(z.string()),
  estimatedRows: z.number().nullable(),
  requiredApprovals: z.number(),
  approvalsCount: z.number(),
  requestedBy: person.extend({ fullName: z.string() }),
  reviews: z.array(z.object({ id: z.string(), decision: z.string(), comments: z.string(), reviewedBy: person, reviewedAt: z.string() })),
  preview: approvalPreviewDto.nullable(),
  previewUnavailableReason: z.string().nullable(),
  explainPlan: z.string().nullable(),
  affectedRows: z.number().nullable(),
  error: z.string().nullable(),
  backupTable: z.string().nullable(),
  executedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const APPROVAL_STATUSES = [
  "pending",
  "approved",
  "rejected",
  "executing",
  "executed",
  "failed",
  "rolled_back",
  "reverting",
  "reverted",
] as const;
