import "server-only";
import type { QueryStatusEvent } from "../events/catalogue";

/**
 * The `/ws/query/:id` message REST clients read (snake_case, with a coarse progress):
 * the wire shape of the catalogue's `query.status` event. Fields a publisher left out
 * stay out, as before the catalogue existed.
 */
export interface QueryStatusMessage {
  type: "status_changed";
  query_id: string;
  status: QueryStatusEvent["status"];
  progress: number;
  row_count?: number;
  truncated?: boolean;
  truncated_reason?: string;
  error?: string;
  details?: unknown;
}

export function queryStatusMessage(event: QueryStatusEvent): QueryStatusMessage {
  const { status } = event;
  return {
    type: "status_changed",
    query_id: event.queryId,
    status,
    progress: status === "queued" ? 0 : status === "executing" ? 10 : 100,
    ...(event.rowCount !== undefined ? { row_count: event.rowCount } : {}),
    ...(event.truncated !== undefined ? { truncated: event.truncated } : {}),
    ...(event.truncatedReason ? { truncated_reason: event.truncatedReason } : {}),
    ...(event.error !== undefined ? { error: event.error } : {}),
    ...(event.details !== undefined ? { details: event.details } : {}),
  };
}
