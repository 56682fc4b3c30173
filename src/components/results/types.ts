import type { inferRouterOutputs } from "@trpc/server";
// Type-only: nothing of the server reaches the browser bundle.
import type { AppRouter } from "@/server/routers/_app";

/** The shape of a result set as every result view (grid, chart, share, chat) sees it. */
export type ResultColumn = inferRouterOutputs<AppRouter>["queries"]["results"]["columns"][number];
export type ResultRow = Record<string, unknown>;
