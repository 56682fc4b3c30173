import "server-only";
import { discardApproval } from "../../services/approvals/execute";
import { authedProcedure } from "../../trpc";
import { approvalDto } from "./dto";
import { approvalId } from "./inputs";

/** Discards a request that has not run (or failed): nothing is executed. */
export const rollback = authedProcedure.input(approvalId).output(approvalDto).mutation(({ ctx, input }) => discardApproval(ctx.principal, input.id));
