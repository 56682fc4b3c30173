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
  appDatabase: z.object({ provider: z.enum(["sqlite", "postgresql"]), status: z.enum(["ok", "error"]), latencyMs: z.number().nullable(), error: z.string().nullable() }),
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
  jobs: z.object({
    backend: z.enum(["in-process", "bullmq"]),
    status: z.enum(["ok", "degraded"]),
    workers: z.array(z.object({ name: z.string(), address: z.string().nullable(), idleSeconds: z.number().nullable() })),
    depth: z.object({ waiting: z.number(), delayed: z.number(), running: z.number() }),
    failed: z.object({
      total: z.number(),
      recent: z.array(z.object({ id: z.string(), name: z.string(), error: z.string().nullable(), finishedAt: z.string().nullable() })),
    }),
    error: z.string().nullable(),
  }),
  memory: z.object({
    rssBytes: z.number(),
    heapUsedBytes: z.number(),
    heapTotalBytes: z.number(),
    externalBytes: z.number(),
  }),
  eventLoop: z.object({ p50Ms: z.number(), p99Ms: z.number(), maxMs: z.number() }),
  redis: z.object({ configured: z.boolean(), status: z.enum(["ok", "error", "off"]), latencyMs: z.number().nullable(), error: z.string().nullable() }),
});

/** Data sources report their last recorded check; nothing here connects to them. */
export const systemStatus = adminProcedure.output(systemStatusDto).query(async ({ ctx }) => {
  const s = await systemStatusService(ctx.principal);
  return {
    ...s,
    timestamp: s.timestamp.toISOString(),
    dataSources: s.dataSources.map((d) => ({ ...d, lastCheckedAt: d.lastCheckedAt?.toISOString() ?? null })),
    jobs: {
      ...s.jobs,
      failed: { ...s.jobs.failed, recent: s.jobs.failed.recent.map((f) => ({ ...f, finishedAt: f.finishedAt?.toISOString() ?? null })) },
    },
  };
});
