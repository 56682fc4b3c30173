import "server-only";
import { publish } from "../../realtime/bus";

/**
 * Queries running in this process, so a cancel request (another HTTP call) can reach
 * them, and status events for `/ws/query/:id` and tRPC subscriptions.
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

export const queryChannel = (queryId: string) => `query:${queryId}`;

export type QueryStatus = "queued" | "executing" | "completed" | "failed" | "cancelled";

export function publishQueryStatus(queryId: string, status: QueryStatus, extra: Record<string, unknown> = {}): void {
  const progress = status === "queued" ? 0 : status === "executing" ? 10 : 100;
  publish(queryChannel(queryId), { type: "status_changed", query_id: queryId, status, progress, ...extra });
}
