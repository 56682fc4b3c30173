import "server-only";
import { subscribe, type BusEvent } from "../../realtime/bus";
import type { SessionUser } from "../auth/session";
import { ownRun } from "./history";
import { queryChannel } from "./running";

const FINAL = new Set(["completed", "failed", "cancelled", "rejected"]);

/**
 * Follows one query's status: sends where it stands now, then every change, and ends
 * after a final status. Returns the unsubscribe function.
 *
 * It subscribes before reading the stored status, so a change that lands in between is
 * not lost: at worst the final status arrives both ways, and `done` runs once.
 */
export async function watchQuery(
  user: SessionUser,
  queryId: string,
  send: (event: BusEvent) => void,
  done: () => void,
): Promise<() => void> {
  let finished = false;
  let ready = false;
  const early: BusEvent[] = [];
  const finish = () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    done();
  };
  const deliver = (event: BusEvent) => {
    if (finished) return;
    send(event);
    if (typeof event.status === "string" && FINAL.has(event.status)) finish();
  };
  const unsubscribe = subscribe(queryChannel(queryId), (event) => (ready ? deliver(event) : early.push(event)));

  const run = await ownRun(user, queryId).catch((error: unknown) => {
    unsubscribe();
    throw error;
  });
  const status = run.status === "running" ? "executing" : run.status;
  deliver({
    type: "status_changed",
    query_id: queryId,
    status,
    progress: run.status === "running" ? 10 : 100,
    row_count: run.rowCount,
    ...(run.error ? { error: run.error } : {}),
  });
  ready = true;
  for (const event of early) deliver(event);
  return () => {
    finished = true;
    unsubscribe();
  };
}
