import "server-only";

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
