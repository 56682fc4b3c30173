import "server-only";
import { createTRPCRouter } from "../../trpc";
import { clearCache } from "./clear-cache";
import { stats } from "./stats";
import { systemStatus } from "./system-status";

export const adminRouter = createTRPCRouter({ systemStatus, clearCache, stats });
