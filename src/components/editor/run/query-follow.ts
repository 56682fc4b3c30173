import type { ErrorDetails } from "@/components/ui/feedback";
import { FINAL_QUERY_STATUSES, type FinalQueryStatus } from "@/lib/final-statuses";

export type FinalStatus = FinalQueryStatus;

export interface FinalEvent {
  status: FinalStatus;
  error?: string;
  details?: ErrorDetails;
}

interface StatusEvent {
  type?: string;
  status?: string;
  progress?: number;
  error?: unknown;
  details?: unknown;
}

export interface FollowHandlers {
  onProgress: (progress: number) => void;
  onFinal: (event: FinalEvent) => void;
  /** Reads the run's status over HTTP when the socket cannot be used. */
  poll: () => Promise<{ status: string; error: string | null }>;
}

const FINAL = new Set<string>(FINAL_QUERY_STATUSES);
const SAFETY_POLL_MS = 2500;

function socketUrl(queryId: string): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}/ws/query/${encodeURIComponent(queryId)}`;
}

/**
 * Follows a running query: live over /ws/query/<id>, by polling `queries.get` when the
 * socket fails. A slow poll also runs beside a healthy socket, so a status change the
 * socket missed cannot leave the editor waiting forever. Returns a stop function.
 */
export function followQuery(queryId: string, handlers: FollowHandlers): () => void {
  let done = false;
  let socket: WebSocket | null = null;
  let pollTimer: ReturnType<typeof setTimeout> | null = null;
  let pollDelay = SAFETY_POLL_MS;

  const finish = (event: FinalEvent) => {
    if (done) return;
    done = true;
    stop();
    handlers.onFinal(event);
  };

  const schedulePoll = (delay: number) => {
    if (done) return;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = setTimeout(async () => {
      try {
        const run = await handlers.poll();
        if (FINAL.has(run.status)) return finish({ status: run.status as FinalStatus, error: run.error ?? undefined });
      } catch {
        // A failed poll is retried; the run's own outcome decides what is shown.
      }
      pollDelay = socket ? SAFETY_POLL_MS : Math.min(Math.round(pollDelay * 1.5), 2000);
      schedulePoll(pollDelay);
    }, delay);
  };

  const fallBackToPolling = () => {
    socket = null;
    pollDelay = 300;
    schedulePoll(pollDelay);
  };

  try {
    socket = new WebSocket(socketUrl(queryId));
    socket.onmessage = (message) => {
      let event: StatusEvent;
      try {
        event = JSON.parse(String(message.data)) as StatusEvent;
      } catch {
        return;
      }
      if (event.type === "error") return fallBackToPolling();
      if (event.type !== "status_changed" || typeof event.status !== "string") return;
      if (FINAL.has(event.status)) {
        return finish({
          status: event.status as FinalStatus,
          error: typeof event.error === "string" ? event.error : undefined,
          details: event.details && typeof event.details === "object" ? (event.details as ErrorDetails) : undefined,
        });
      }
      if (typeof event.progress === "number") handlers.onProgress(event.progress);
    };
    socket.onerror = () => fallBackToPolling();
    socket.onclose = () => {
      if (!done) fallBackToPolling();
    };
  } catch {
    fallBackToPolling();
  }
  schedulePoll(SAFETY_POLL_MS);

  function stop() {
    done = true;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    if (socket) {
      socket.onclose = null;
      socket.onerror = null;
      socket.onmessage = null;
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close();
      socket = null;
    }
  }
  return stop;
}
