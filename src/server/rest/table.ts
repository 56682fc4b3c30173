import "server-only";
import type { RestRoute } from "./route";
import { authRoutes } from "./routes/auth";
import { systemRoutes } from "./routes/system";

/**
 * Every REST route Quarry answers under /api/v1. Features add their rows in
 * `routes/<domain>.ts` and list them here; `table.test.ts` checks this table against
 * ../shared/api/routes.tsv.
 */
export const restRoutes: RestRoute[] = [...systemRoutes, ...authRoutes];
