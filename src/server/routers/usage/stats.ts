import "server-only";
import { z } from "zod";
import { tokenStats } from "../../services/analytics/token-stats";
import { authedProcedure } from "../../trpc";
import { tokenStatsDto } from "./dto";

/** AI calls and tokens: totals, per model, per category, per day (admins: `allUsers` or a `userId`). */
export const stats = authedProcedure
  .input(z.object({ days: z.number().int().min(1).max(366).optional(), allUsers: z.boolean().optional(), userId: z.string().min(1).max(100).optional() }).optional())
  .output(tokenStatsDto)
  .query(({ ctx, input }) => tokenStats(ctx.principal, input ?? {}));
