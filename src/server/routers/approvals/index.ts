import "server-only";
import { z } from "zod";
import { commitApproval, discardApproval, previewApproval, revertApproval } from "../../services/approvals/execute";
import { retryApproval } from "../../services/approvals/recovery";
import { decide } from "../../services/approvals/decide";
import { approvalCounts, getApproval, listApprovals } from "../../services/approvals/review";
import { authedProcedure, createTRPCRouter } from "../../trpc";
import { APPROVAL_STATUSES, approvalDto } from "./dto";

const id = z.object({ id: z.string().min(1).max(100) });
const scope = z.enum(["all", "mine", "to_review"]).default("all");

export const approvalsRouter = createTRPCRouter({
  list: authedProcedure
    .input(
      z.object({
        page: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(200).default(50),
        status: z.enum(APPROVAL_STATUSES).optional(),
        dataSourceId: z.string().max(100).optional(),
        scope,
      }),
    )
    .output(z.object({ items: z.array(approvalDto), total: z.number() }))
    .query(({ ctx, input }) => listApprovals(ctx.session.user, input)),
  counts: authedProcedure
    .input(z.object({ scope }).default({ scope: "all" }))
    .output(z.record(z.string(), z.number()))
    .query(({ ctx, input }) => approvalCounts(ctx.session.user, input.scope)),
  get: authedProcedure.input(id).output(approvalDto).query(({ ctx, input }) => getApproval(ctx.session.user, input.id)),
  /** Approving the last required time previews the request at once (a rolled-back dry run). */
  review: authedProcedure
    .input(id.extend({ decision: z.enum(["approved", "rejected"]), comments: z.string().max(5000).default("") }))
    .output(approvalDto)
    .mutation(({ ctx, input }) => decide(ctx.session.user, input.id, input.decision, input.comments)),
  preview: authedProcedure.input(id).output(approvalDto).mutation(({ ctx, input }) => previewApproval(ctx.session.user, input.id)),
  commit: authedProcedure.input(id).output(approvalDto).mutation(({ ctx, input }) => commitApproval(ctx.session.user, input.id)),
  rollback: authedProcedure.input(id).output(approvalDto).mutation(({ ctx, input }) => discardApproval(ctx.session.user, input.id)),
  /** A failed request (a failed or interrupted commit) back to approved, by an approver. */
  retry: authedProcedure.input(id).output(approvalDto).mutation(({ ctx, input }) => retryApproval(ctx.session.user, input.id)),
  /** Puts back the rows a committed UPDATE/DELETE changed, from its backup table. */
  revert: authedProcedure.input(id).output(approvalDto).mutation(({ ctx, input }) => revertApproval(ctx.session.user, input.id)),
});
