import "server-only";
import type { QueryRun } from "@prisma/client";
import { db } from "../../db";
import { publish } from "../../events/bus";
import type { Principal } from "../principal";
import { audit } from "./audit";

/**
 * Queries running in this process, so a cancel request (another HTTP call) can reach
 * them. Their status goes on the event bus as `query.status` (src/server/events).
 */
interface Running {
  userId: string;
  controller: AbortController;
  startedAt: number;
}

const globalRunning = globalThis as unknown as { __quarryRunning?: Map<string, Running> };
const running = (globalRunning.__quarryRunning ??= new Map<string, Running>());

export function startTracking(queryId: string, userId: string): AbortSignal {
  const controller = new AbortController();
  running.set(queryId, { userId, controller, startedAt: Date.now() });
  return controller.signal;
}

export function stopTracking(queryId: string): void {
  running.delete(queryId);
}

export function runningQuery(queryId: string): Running | undefined {
  return running.get(queryId);
}

/**
 * Stops a run: one in flight here is aborted (its driver cancels it: pg_cancel_backend,
 * KILL QUERY or killing the SQLite child, per the connector's `capabilities.cancel`) and
 * ends itself cancelled; one whose process is gone is ended here, since nothing else
 * would. Publishes the status and audits the cancel. Ownership is the caller's to check.
 * Returns the run record when this ended it, or null when the live run ends itself.
 */
export async function cancelRun(principal: Principal, runId: string): Promise<QueryRun | null> {
  const live = runningQuery(runId);
  let run: QueryRun | null = null;
  if (live) live.controller.abort();
  else {
    await db.queryRun.updateMany({
      where: { id: runId, status: "running" },
      data: { status: "cancelled", error: "Cancelled; the query was no longer running on this server", finishedAt: new Date() },
    });
    run = await db.queryRun.findUniqueOrThrow({ where: { id: runId } });
  }
  publish("query.status", runId, { queryId: runId, status: "cancelled" });
  await audit(principal, { action: "cancel_query", resourceType: "query", resourceId: runId });
  return run;
}
