import "server-only";
import { subscribe } from "../../events/bus";
import { isFinalQueryStatus, type QueryStatusEvent } from "../../events/catalogue";
import type { SessionUser } from "../auth/session";
import { ownRun } from "./history";

/**
 * Follows one query's status: sends where it stands now, then every change, and ends
 * after a final status. Returns the unsubscribe function. Events are the catalogue's
 * domain shape; each transport maps them to its wire shape (realtime/query-messages.ts).
 *
 * It subscribes before reading the stored status, so a change that lands in between is
 * not lost: at worst the final status arrives both ways, and `done` runs once.
 */
export async function watchQuery(
  user: SessionUser,
  queryId: string,
  send: (event: QueryStatusEvent) => void,
  done: () => void,
): Promise<() => void> {
  let finished = false;
  let ready = false;
  const early: QueryStatusEvent[] = [];
  const finish = () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    done();
  };
  const deliver = (event: QueryStatusEvent) => {
    if (finished) return;
    send(event);
    if (isFinalQueryStatus(event.status)) finish();
  };
  const unsubscribe = subscribe("query.status", queryId, (event) => (ready ? deliver(event) : early.push(event)));

  const run = await ownRun(user, queryId).catch((error: unknown) => {
    unsubscribe();
    throw error;
  });
  deliver({
    queryId,
    status: run.status === "running" ? "executing" : (run.status as QueryStatusEvent["status"]),
    rowCount: run.rowCount,
    ...(run.error ? { error: run.error } : {}),
  });
  ready = true;
  for (const event of early) deliver(event);
  return () => {
    finished = true;
    unsubscribe();
  };
}
