import "server-only";
import { createTRPCRouter } from "../../trpc";
import { performance, usage } from "./analytics";
import { dashboard } from "./dashboard";
import { limits, setLimit } from "./limits";
import { stats } from "./stats";

export const usageRouter = createTRPCRouter({ stats, dashboard, limits, setLimit, usage, performance });
