import "server-only";
import { tokenDashboard } from "../../services/analytics/token-stats";
import { authedProcedure } from "../../trpc";
import { dashboardDto } from "./dto";

/** The caller's usage dashboard: today, this month, limits left, the last 30 days, recent calls. */
export const dashboard = authedProcedure.output(dashboardDto).query(({ ctx }) => tokenDashboard(ctx.principal));
