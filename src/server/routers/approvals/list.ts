import "server-only";
import { z } from "zod";
import { listApprovals } from "../../services/approvals/review";
import { authedProcedure } from "../../trpc";
import { APPROVAL_STATUSES, approvalDto } from "./dto";
import { approvalScope } from "./inputs";

/** The requests the caller may see, newest first, filtered by status, source and scope. */
export const list = authedProcedure
  .input(
    z.object({
      page: z.number().int().min(1).default(1),
      pageSize: z.number().int().min(1).max(200).default(50),
      status: z.enum(APPROVAL_STATUSES).optional(),
      dataSourceId: z.string().max(100).optional(),
      scope: approvalScope,
    }),
  )
  .output(z.object({ items: z.array(approvalDto), total: z.number() }))
  .query(({ ctx, input }) => listApprovals(ctx.session.user, input));
