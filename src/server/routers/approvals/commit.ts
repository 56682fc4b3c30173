import "server-only";
import { commitApproval } from "../../services/approvals/execute";
import { authedProcedure } from "../../trpc";
import { approvalDto } from "./dto";
import { approvalId } from "./inputs";

/** Runs the approved statement for real, once, after every check again. */
export const commit = authedProcedure.input(approvalId).output(approvalDto).mutation(({ ctx, input }) => commitApproval(ctx.principal, input.id));
