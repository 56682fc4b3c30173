import "server-only";
import { revertApproval } from "../../services/approvals/execute";
import { authedProcedure } from "../../trpc";
import { approvalDto } from "./dto";
import { approvalId } from "./inputs";

/** Puts back the rows a committed UPDATE/DELETE changed, from its backup table. */
export const revert = authedProcedure.input(approvalId).output(approvalDto).mutation(({ ctx, input }) => revertApproval(ctx.principal, input.id));
