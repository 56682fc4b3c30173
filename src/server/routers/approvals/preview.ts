import "server-only";
import { previewApproval } from "../../services/approvals/execute";
import { authedProcedure } from "../../trpc";
import { approvalDto } from "./dto";
import { approvalId } from "./inputs";

/** A rolled-back dry run, for approvers only and only of rollback-safe statements. */
export const preview = authedProcedure.input(approvalId).output(approvalDto).mutation(({ ctx, input }) => previewApproval(ctx.principal, input.id));
