import "server-only";
import { z } from "zod";
import { checkHealth } from "../../services/system/health";
import { publicProcedure } from "../../trpc";

export const healthOutput = z.object({
  status: z.enum(["ok", "degraded"]),
  timestamp: z.string(),
  version: z.string(),
  uptimeSeconds: z.number(),
  checks: z.record(z.string(), z.enum(["ok", "error"])),
});

export const health = publicProcedure.output(healthOutput).query(() => checkHealth());
