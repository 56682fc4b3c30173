import "server-only";
import { z } from "zod";

export const healthOutput = z.object({
  status: z.enum(["ok", "degraded"]),
  timestamp: z.string(),
  version: z.string(),
  uptimeSeconds: z.number(),
  checks: z.record(z.string(), z.enum(["ok", "error"])),
});
