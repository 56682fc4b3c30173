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
import { ensureDemoDataSource } from "./demo-data-source";
import { ensureDemoTemplates } from "../services/templates/demo";
import { startWebhookDispatcher } from "../services/webhooks/dispatch";
import { ensureInitialAdmin } from "./initial-admin";
import { reconcileInterruptedWork } from "./reconcile";

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
  /** Writes audit entries still queued (server.mjs calls it on shutdown). */
  flushAudit: typeof flushAudit;
}

/**
 * Runs once per server process, from instrumentation.ts, after server.mjs applied the
 * migrations: keys, interrupted work reconciled, first admin, demo data source,
 * realtime gateway, job worker and schedules, housekeeping.
 */
export async function boot(): Promise<void> {
  config();
  // Owner-only modes for the app database and keys, fixing files an older start left open.
  appDatabaseUrl();
  secureKeysDir();
  getAuthSecret();
  // Before anything can start new work: end what a previous process left half done.
  const reconciled = await reconcileInterruptedWork();
  if (reconciled.runs + reconciled.commits + reconciled.reverts > 0) {
    console.warn(
      `[boot] ended work interrupted by the last shutdown: ${reconciled.runs} running queries failed, ` +
        `${reconciled.commits} executing approvals failed (check their targets), ${reconciled.reverts} reverts reset`,
    );
  }
  await ensureInitialAdmin();
  await ensureDemoDataSource();
  if (config().QUARRY_DEMO) await ensureDemoTemplates();
  registerWsRoutes();
  // After the reconciliation above; the queue reconciles its own jobs left running.
  await startJobs();
  startWebhookDispatcher();
  (globalThis as unknown as { __quarryRuntime?: QuarryRuntime }).__quarryRuntime = {
    handleUpgrade,
    unsupportedMethodResponse,
    undecodablePathResponse,
    shutdown: () => stopJobs(),
    servesFromNode,
    serveRestFromNode,
    flushAudit,
  };
  const prune = () => pruneExpiredTokens().catch((e) => console.error("[boot] token pruning failed:", e.message));
  void prune();
  setInterval(prune, 3600_000).unref();
}
