import "server-only";
import { retryApproval } from "../../services/approvals/recovery";
import { authedProcedure } from "../../trpc";
import { approvalDto } from "./dto";
import { approvalId } from "./inputs";

/** A failed request (a failed or interrupted commit) back to approved, by an approver. */
export const retry = authedProcedure.input(approvalId).output(approvalDto).mutation(({ ctx, input }) => retryApproval(ctx.session.user, input.id));
