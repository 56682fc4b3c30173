import "server-only";
import { getApproval } from "../../services/approvals/review";
import { authedProcedure } from "../../trpc";
import { approvalDto } from "./dto";
import { approvalId } from "./inputs";

export const get = authedProcedure.input(approvalId).output(approvalDto).query(({ ctx, input }) => getApproval(ctx.session.user, input.id));
