import "server-only";
import { z } from "zod";
import { approvalCounts } from "../../services/approvals/review";
import { authedProcedure } from "../../trpc";
import { approvalScope } from "./inputs";

/** How many requests per status the caller sees (the inbox's tab badges). */
export const counts = authedProcedure
  .input(z.object({ scope: approvalScope }).default({ scope: "all" }))
  .output(z.record(z.string(), z.number()))
  .query(({ ctx, input }) => approvalCounts(ctx.session.user, input.scope));
