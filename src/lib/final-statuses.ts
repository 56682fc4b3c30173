/**
 * The statuses after which nothing more happens to a query run or a job. The one list:
 * the server's live feeds, the job queue and the editor's follower all read it, so a new
 * final status cannot end one of them and leave another waiting. Shared by server and UI.
 */
export const FINAL_RUN_STATUSES = ["completed", "failed", "cancelled"] as const;
export type FinalRunStatus = (typeof FINAL_RUN_STATUSES)[number];

/** A query can also end before it runs: the gateway refused it. */
export const FINAL_QUERY_STATUSES = [...FINAL_RUN_STATUSES, "rejected"] as const;
export type FinalQueryStatus = (typeof FINAL_QUERY_STATUSES)[number];

export function isFinalQueryStatus(status: string): status is FinalQueryStatus {
  return (FINAL_QUERY_STATUSES as readonly string[]).includes(status);
}
