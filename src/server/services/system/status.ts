import "server-only";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { invalidateAll } from "../../cache";
import { db } from "../../db";
import { appDatabaseProvider } from "../../config/app-database";
import { jobQueue, type JobBackendStatus } from "../../jobs";
import { redisClient, redisUrl } from "../../redis";
import { recordAudit } from "../audit";
import { auditActorOf, requireAdmin, type Principal } from "../principal";

const startedAt = Date.now();

// How late timers fire in this process: the number that says whether it keeps up (a heap
// percentage does not; V8 grows the heap to fit). Read and reset by each status check.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;

export interface DataSourceStatus {
  id: string;
  name: string;
  engine: string;
  status: string;
  lastCheckedAt: Date | null;
  lastError: string | null;
  latencyMs: number | null;
  schemaCached: boolean;
}

export interface SystemStatus {
  status: "ok" | "degraded";
  timestamp: Date;
  version: string;
  uptimeSeconds: number;
  nodeVersion: string;
  appDatabase: { provider: "sqlite" | "postgresql"; status: "ok" | "error"; latencyMs: number | null; error: string | null };
  dataSources: DataSourceStatus[];
  /** Read live from the backend: workers taking jobs now, queue depth, failed jobs. */
  jobs: JobBackendStatus;
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number };
  /** Event-loop delay since the previous status check, milliseconds. */
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
  /** Redis (`REDIS_URL`): the bus, shared rate limits and the job queue of several processes. */
  redis: { configured: boolean; status: "ok" | "error" | "off"; latencyMs: number | null; error: string | null };
}

async function redisStatus(): Promise<SystemStatus["redis"]> {
  if (!redisUrl()) return { configured: false, status: "off", latencyMs: null, error: null };
  const t0 = performance.now();
  try {
    await Promise.race([
      redisClient().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer within 1 s")), 1000).unref()),
    ]);
    return { configured: true, status: "ok", latencyMs: Math.round((performance.now() - t0) * 100) / 100, error: null };
  } catch (error) {
    console.error("[status] Redis did not answer:", (error as Error).message);
    return { configured: true, status: "error", latencyMs: null, error: "Redis did not answer" };
  }
}

/**
 * The state of this Quarry. Data sources report what their last check recorded:
 * a status page must answer fast even when a target database hangs.
 */
export async function systemStatus(principal: Principal): Promise<SystemStatus> {
  requireAdmin(principal);
  const appDatabase: SystemStatus["appDatabase"] = { provider: appDatabaseProvider(), status: "ok", latencyMs: null, error: null };
  let dataSources: DataSourceStatus[] = [];
  const t0 = performance.now();
  try {
    await db.$queryRawUnsafe("SELECT 1");
    appDatabase.latencyMs = Math.round((performance.now() - t0) * 100) / 100;
    const rows = await db.dataSource.findMany({ orderBy: { name: "asc" } });
    dataSources = rows.map((r) => ({
      id: r.id,
      name: r.name,
      engine: r.engine,
      status: r.status,
      lastCheckedAt: r.lastCheckedAt,
      lastError: r.lastError,
      latencyMs: r.latencyMs,
      schemaCached: r.schemaCache !== null,
    }));
  } catch (error) {
    // The detail is for operators reading logs; the page only says the database failed.
    console.error("[status] app database check failed:", (error as Error).message);
    appDatabase.status = "error";
    appDatabase.error = "The app database did not answer";
  }
  const jobs = await jobQueue()
    .status()
    .catch((error: Error): JobBackendStatus => {
      console.error("[status] the job backend did not answer:", error.message);
      return { backend: "in-process", status: "degraded", workers: [], depth: { waiting: 0, delayed: 0, running: 0 }, failed: { total: 0, recent: [] }, error: "The job backend did not answer" };
    });
  const redis = await redisStatus();
  const mem = process.memoryUsage();
  const eventLoop = { p50Ms: ms(loopDelay.percentile(50)), p99Ms: ms(loopDelay.percentile(99)), maxMs: ms(loopDelay.max) };
  loopDelay.reset();
  return {
    status: appDatabase.status === "ok" && jobs.status === "ok" && redis.status !== "error" ? "ok" : "degraded",
    timestamp: new Date(),
    version: process.env.npm_package_version ?? "0.1.0",
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    nodeVersion: process.version,
    appDatabase,
    dataSources,
    jobs,
    memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal, externalBytes: mem.external },
    eventLoop,
    redis,
  };
}

/** How the answer to clearing the cache reads, for every transport. */
export const clearedMessage = (count: number) =>
  count ? `Cleared the cached schema of ${count} data source${count === 1 ? "" : "s"}` : "No cached schemas to clear";

/**
 * Drops every data source's cached schema (app state, shared by all processes; the next
 * schema read introspects afresh) and every in-memory cache in every process (through
 * the event bus: src/server/cache). Redis holds no cache, only rate-limit budgets, job
 * queues and pub/sub, which a cache clear must not touch.
 */
export async function clearSchemaCache(principal: Principal): Promise<{ cleared: { id: string; name: string }[] }> {
  requireAdmin(principal);
  const cached = await db.dataSource.findMany({
    where: { OR: [{ schemaCache: { not: null } }, { lastSyncedAt: { not: null } }] },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  if (cached.length) {
    await db.dataSource.updateMany({
      where: { id: { in: cached.map((c) => c.id) } },
      data: { schemaCache: null, lastSyncedAt: null },
    });
  }
  const memoryCaches = invalidateAll();
  await recordAudit(auditActorOf(principal), {
    action: "clear_cache",
    resourceType: "system",
    details: { data_sources: cached.map((c) => c.name), memory_caches: memoryCaches },
  });
  return { cleared: cached };
}
