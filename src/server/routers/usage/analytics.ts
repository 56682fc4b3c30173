import "server-only";
import { z } from "zod";
import { performanceAnalytics, usageAnalytics } from "../../services/analytics/query-stats";
import { authedProcedure } from "../../trpc";
import { performanceDto, usageAnalyticsDto } from "./dto";

const input = z.object({ days: z.number().int().min(1).max(366).optional(), system: z.boolean().optional() }).optional();

/** Queries and AI calls per day, by source and data source (`system`: everyone, admin). */
export const usage = authedProcedure.input(input).output(usageAnalyticsDto).query(({ ctx, input }) => usageAnalytics(ctx.principal, input ?? {}));

/** Slowest queries, error rate, timings by data source (`system`: everyone, admin). */
export const performance = authedProcedure.input(input).output(performanceDto).query(({ ctx, input }) => performanceAnalytics(ctx.principal, input ?? {}));
