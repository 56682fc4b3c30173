import "server-only";
import { config } from "../config";
import { startJobs, stopJobs } from "../jobs";
import { handleUpgrade } from "../realtime/gateway";
import { undecodablePathResponse, unsupportedMethodResponse } from "../rest/handler";
import { serveRestFromNode, servesFromNode } from "../rest/node-server";
import { registerWsRoutes } from "../realtime/routes";
import { appDatabaseUrl } from "../config/app-database";
import { getAuthSecret, secureKeysDir } from "../services/auth/secrets";
import { flushAudit } from "../services/audit";
import { pruneExpiredTokens } from "../services/auth/tokens";
import { flushRuns } from "../services/execution/run-records";
import { ensureDemoDataSource } from "./demo-data-source";
import { ensureDemoTemplates } from "../services/templates/demo";
import { startWebhookDispatcher } from "../services/webhooks/dispatch";
import { ensureInitialAdmin } from "./initial-admin";
import { reconcileInterruptedWork } from "./reconcile";
import { connectBus, disconnectBus } from "../events/bus";
import { assertSharedKeys, SharedKeysError, severalProcesses } from "./shared-keys";
import { redisUrl, waitForRedis } from "../redis";

/** What server.mjs reaches through globalThis (it is plain Node, outside the bundle). */
export interface QuarryRuntime {
  handleUpgrade: typeof handleUpgrade;
  unsupportedMethodResponse: typeof unsupportedMethodResponse;
  undecodablePathResponse: typeof undecodablePathResponse;
  /** Called by server.mjs on SIGINT/SIGTERM: stops the job worker and schedules. */
  shutdown: () => Promise<void>;
  /** /api/v1 served without Next's router (the REST hot paths); see rest/node-server.ts. */
  servesFromNode: typeof servesFromNode;
  serveRestFromNode: typeof serveRestFromNode;
  /** Writes run records and audit entries still queued (server.mjs calls it on shutdown). */
  flushAudit: () => Promise<void>;
}

/**
 * Runs once per server process, from instrumentation.ts, after server.mjs applied the
 * migrations: keys, interrupted work reconciled, first admin, demo data source,
 * realtime gateway, job worker and schedules, housekeeping.
 *
 * QUARRY_ROLE: `all` (default) serves HTTP/WS and runs jobs; `web` serves only (jobs are
 * enqueued for the workers); `worker` only runs jobs and schedules (server.mjs does not
 * listen then).
 */
export async function boot(): Promise<void> {
  const role = process.env.QUARRY_ROLE || "all";
  try {
    await bootAs();
  } catch (error) {
    // Next logs a failed instrumentation hook and carries on; a worker would then sit idle.
    if (role !== "worker") throw error;
    console.error("Quarry worker cannot start:", (error as Error).message);
    process.exit(1);
  }
  if (role === "worker") console.log(`Quarry worker is running jobs (pid ${process.pid})`);
}

async function bootAs(): Promise<void> {
  const role = config().QUARRY_ROLE;
  // Owner-only modes for the app database and keys, fixing files an older start left open.
  appDatabaseUrl();
  secureKeysDir();
  getAuthSecret();
  if (redisUrl()) {
    // Rate limits answer from a per-process budget until Redis is connected; connect first.
    await waitForRedis().catch((error: Error) => console.error(`[boot] ${error.message}; carrying on, limits are per process until it answers`));
    connectBus();
  }
  if (role !== "all" && !redisUrl()) {
    console.error(`Quarry cannot start: QUARRY_ROLE=${role} needs REDIS_URL (web processes and workers meet in Redis).`);
    process.exit(1);
  }
  try {
    await assertSharedKeys();
  } catch (error) {
    if (!(error instanceof SharedKeysError)) throw error;
    console.error(`Quarry cannot start: ${error.message}`);
    process.exit(1);
  }
  // Before anything can start new work: end what a previous process left half done.
  // With several processes, only what no live process can still be working on.
  const several = severalProcesses();
  const olderThan = () => {
    const now = Date.now();
    return { runs: new Date(now - 2 * config().QUARRY_QUERY_TIMEOUT_MS - 60_000), approvals: new Date(now - 15 * 60_000) };
  };
  const reconciled = await reconcileInterruptedWork(new Date(), several ? olderThan() : undefined);
  if (reconciled.runs + reconciled.commits + reconciled.reverts > 0) {
    console.warn(
      `[boot] ended work interrupted by the last shutdown: ${reconciled.runs} running queries failed, ` +
        `${reconciled.commits} executing approvals failed (check their targets), ${reconciled.reverts} reverts reset`,
    );
  }
  if (several) {
    const sweep = () => reconcileInterruptedWork(new Date(), olderThan()).catch((e: Error) => console.error("[boot] reconciling failed:", e.message));
    setInterval(sweep, 60_000).unref();
  }
  if (role !== "worker") {
    await ensureInitialAdmin();
    await ensureDemoDataSource();
    if (config().QUARRY_DEMO) await ensureDemoTemplates();
    registerWsRoutes();
  }
  // After the reconciliation above; the queue reconciles its own jobs left running.
  await startJobs({ worker: role !== "web" });
  startWebhookDispatcher();
  (globalThis as unknown as { __quarryRuntime?: QuarryRuntime }).__quarryRuntime = {
    handleUpgrade,
    unsupportedMethodResponse,
    undecodablePathResponse,
    shutdown: async () => {
      await stopJobs();
      await disconnectBus();
    },
    servesFromNode,
    serveRestFromNode,
    flushAudit: () => flushRuns().then(() => flushAudit()),
  };
  const prune = () => pruneExpiredTokens().catch((e) => console.error("[boot] token pruning failed:", e.message));
  void prune();
  setInterval(prune, 3600_000).unref();
}
