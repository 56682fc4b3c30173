import "server-only";
import { z } from "zod";
import { decide } from "../../services/approvals/decide";
import { authedProcedure } from "../../trpc";
import { approvalDto } from "./dto";
import { approvalId } from "./inputs";

/** Approving the last required time previews the request at once when it can be previewed. */
export const review = authedProcedure
  .input(approvalId.extend({ decision: z.enum(["approved", "rejected"]), comments: z.string().max(5000).default("") }))
  .output(approvalDto)
  .mutation(({ ctx, input }) => decide(ctx.principal, input.id, input.decision, input.comments));
