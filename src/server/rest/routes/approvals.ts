import "server-only";
import { z } from "zod";
import { APPROVAL_STATUSES, type approvalDto } from "../../dto/approvals";
import { decide } from "../../services/approvals/decide";
import { commitApproval, discardApproval } from "../../services/approvals/execute";
import { approvalCounts, getApproval, listApprovals } from "../../services/approvals/review";
import { pageWindow, pagingQuery, totalPages } from "../pagination";
import { defineRoute } from "../route";

/** QueryBase's approvals and transactions. */
type Approval = z.infer<typeof approvalDto>;

const text = z.string();
const nullableText = text.nullable();
const person = z.object({ id: text, email: text, username: text, fullName: text.optional() });
export const restApproval = z.object({
  id: text, query_text: text, operation_type: text, statement_kind: text, status: text, risk_level: text,
  risk_reasons: z.array(text), estimated_rows: z.number().nullable(), required_approvals: z.number(), approvals_count: z.number(),
  requested_by: person, requester_id: text, requester_name: text, data_source_id: text,
  data_source: z.object({ id: text, name: text, type: text }),
  reviews: z.array(z.object({ id: text, decision: text, comments: text, reviewed_by: person, reviewed_at: text })),
  preview: z.object({
    affected_rows: z.number(), columns: z.array(text), before: z.array(z.record(text, z.unknown())).nullable(),
    after: z.array(z.record(text, z.unknown())).nullable(), note: nullableText, previewed_at: text,
  }).nullable(),
  preview_unavailable_reason: nullableText, explain: nullableText, affected_rows: z.number().nullable(), error: nullableText,
  backup_table: nullableText, executed_at: nullableText, created_at: text, updated_at: text,
});

/** The 202 body of a write sent for approval (every query route may answer it). */
export const restPendingApproval = z.object({
  approval_id: text, status: z.literal("pending_approval"), requires_approval: z.literal(true), message: text,
  risk_level: text, preview_unavailable_reason: nullableText, risk_reasons: z.array(text), estimated_rows: z.number().nullable(),
});

export const queryBaseApproval = (a: Approval): z.infer<typeof restApproval> => ({
  id: a.id,
  query_text: a.sql,
  operation_type: a.operation,
  statement_kind: a.kind,
  status: a.status,
  risk_level: a.riskLevel,
  risk_reasons: a.riskReasons,
  estimated_rows: a.estimatedRows,
  required_approvals: a.requiredApprovals,
  approvals_count: a.approvalsCount,
  requested_by: a.requestedBy,
  // QueryBase's real frontend reads the requester flat.
  requester_id: a.requestedBy.id,
  requester_name: a.requestedBy.fullName || a.requestedBy.username,
  data_source_id: a.dataSourceId,
  data_source: { id: a.dataSourceId, name: a.dataSourceName, type: a.engine },
  reviews: a.reviews.map((r) => ({ id: r.id, decision: r.decision, comments: r.comments, reviewed_by: r.reviewedBy, reviewed_at: r.reviewedAt })),
  preview: a.preview && {
    affected_rows: a.preview.affectedRows,
    columns: a.preview.columns,
    before: a.preview.before,
    after: a.preview.after,
    note: a.preview.note,
    previewed_at: a.preview.previewedAt,
  },
  preview_unavailable_reason: a.previewUnavailableReason,
  explain: a.explainPlan,
  affected_rows: a.affectedRows,
  error: a.error,
  backup_table: a.backupTable,
  executed_at: a.executedAt,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
});

/** The 202 answer every query route gives when a write became an approval request. */
export const pendingApproval = (a: Approval): { status: number; body: z.infer<typeof restPendingApproval> } => ({
  status: 202,
  body: {
    approval_id: a.id,
    status: "pending_approval",
    requires_approval: true as const,
    message: "Query submitted for approval",
    risk_level: a.riskLevel,
    preview_unavailable_reason: a.previewUnavailableReason,
    risk_reasons: a.riskReasons,
    estimated_rows: a.estimatedRows,
  },
});

const tag = "approvals";
const scope = z.enum(["all", "mine", "to_review"]).default("all");

export const approvalRoutes = [
  defineRoute({
    method: "GET", path: "/approvals", format: "querybase", auth: "user", procedure: "approvals.list", tag,
    summary: "Approval requests you may review, and your own",
    response: z.object({
      data: z.array(restApproval), approvals: z.array(restApproval),
      pagination: z.object({ page: z.number(), page_size: z.number(), total_pages: z.number(), total_rows: z.number() }),
    }),
    query: pagingQuery.extend({ status: z.enum(APPROVAL_STATUSES).optional(), data_source_id: z.string().max(100).optional(), scope }),
    async handle({ principal, query }) {
      const { page, pageSize } = pageWindow(query, 50, 200);
      const { items, total } = await listApprovals(principal.user, { page, pageSize, status: query.status, dataSourceId: query.data_source_id, scope: query.scope });
      const paging = { page, pageSize, total };
      const shaped = items.map(queryBaseApproval);
      return {
        // `data` is the document's key; QueryBase's real frontend reads `approvals`.
        body: { data: shaped, approvals: shaped, pagination: { page, page_size: pageSize, total_pages: totalPages(paging), total_rows: total } },
        paging,
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/approvals/counts", format: "querybase", auth: "user", procedure: "approvals.counts", tag,
    summary: "Counts by status", query: z.object({ scope }), response: z.record(text, z.number()),
    async handle({ principal, query }) {
      return { body: await approvalCounts(principal.user, query.scope) };
    },
  }),
  defineRoute({
    method: "GET", path: "/approvals/:id", format: "querybase", auth: "user", procedure: "approvals.get", tag,
    summary: "One request with its reviews and preview", response: restApproval,
    async handle({ principal, params }) {
      return { body: queryBaseApproval(await getApproval(principal.user, params.id!)) };
    },
  }),
  defineRoute({
    method: "POST", path: "/approvals/:id/review", format: "querybase", auth: "user", procedure: "approvals.review", tag,
    summary: "Approve or reject (not your own request); the final approval previews it",
    response: z.object({ id: text, decision: z.enum(["approved", "rejected"]), comments: text, reviewed_by: text, reviewed_at: text, status: text, approval: restApproval }),
    exampleBody: { decision: "approved", comments: "Looks right" },
    body: z.object({
      decision: z.enum(["approved", "rejected", "approve", "reject"], { error: "decision must be approved or rejected" })
        .transform((d) => (d.startsWith("approve") ? "approved" : "rejected") as "approved" | "rejected"),
      comments: z.string().max(5000).default(""),
    }),
    async handle({ principal, params, body }) {
      const a = await decide(principal, params.id!, body.decision, body.comments);
      const mine = a.reviews.find((r) => r.reviewedBy.id === principal.user.id);
      return {
        body: {
          id: a.id,
          decision: body.decision,
          comments: body.comments,
          reviewed_by: principal.user.id,
          reviewed_at: mine?.reviewedAt ?? new Date().toISOString(),
          status: a.status,
          approval: queryBaseApproval(a),
        },
      };
    },
  }),
  defineRoute({
    method: "POST", path: "/transactions/:id/commit", format: "querybase", auth: "user", procedure: "approvals.commit", tag,
    summary: "Run an approved request for real, once; refused if the affected row count differs from the preview",
    response: z.object({ message: text, row_count: z.number().nullable(), status: text, approval: restApproval }),
    async handle({ principal, params }) {
      const a = await commitApproval(principal, params.id!);
      return { body: { message: "Transaction committed successfully", row_count: a.affectedRows, status: a.status, approval: queryBaseApproval(a) } };
    },
  }),
  defineRoute({
    method: "POST", path: "/transactions/:id/rollback", format: "querybase", auth: "user", procedure: "approvals.rollback", tag,
    summary: "Discard a request that has not run", response: z.object({ message: text, status: text }),
    async handle({ principal, params }) {
      const a = await discardApproval(principal, params.id!);
      return { body: { message: "Transaction rolled back successfully", status: a.status } };
    },
  }),
];
