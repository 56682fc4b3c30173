import "server-only";
import { z } from "zod";
import { systemStatus as systemStatusService } from "../../services/system/status";
import { adminProcedure } from "../../trpc";

export const systemStatusDto = z.object({
  status: z.enum(["ok", "degraded"]),
  timestamp: z.string(),
  version: z.string(),
  uptimeSeconds: z.number(),
  nodeVersion: z.string(),
  appDatabase: z.object({ status: z.enum(["ok", "error"]), latencyMs: z.number().nullable(), error: z.string().nullable() }),
  dataSources: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      engine: z.string(),
      status: z.string(),
      lastCheckedAt: z.string().nullable(),
      lastError: z.string().nullable(),
      latencyMs: z.number().nullable(),
      schemaCached: z.boolean(),
    }),
  ),
  jobs: z.object({ backend: z.literal("in-process"), status: z.literal("ok") }),
  memory: z.object({
    rssBytes: z.number(),
    heapUsedBytes: z.number(),
    heapTotalBytes: z.number(),
    externalBytes: z.number(),
  }),
});

/** Data sources report their last recorded check; nothing here connects to them. */
export const systemStatus = adminProcedure.output(systemStatusDto).query(async ({ ctx }) => {
  const s = await systemStatusService(ctx.principal);
  return {
    ...s,
    timestamp: s.timestamp.toISOString(),
    dataSources: s.dataSources.map((d) => ({ ...d, lastCheckedAt: d.lastCheckedAt?.toISOString() ?? null })),
  };
});
