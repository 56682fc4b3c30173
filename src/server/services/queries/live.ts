import "server-only";
import { db } from "../../db";
import { notFound } from "../../errors";
import { subscribe, type BusEvent } from "../../realtime/bus";
import type { SessionUser } from "../auth/session";
import { queryChannel } from "./running";

const FINAL = new Set(["completed", "failed", "cancelled", "rejected"]);

/**
 * Follows one query's status: sends where it stands now, then every change, and ends
 * after a final status. Returns the unsubscribe function.
 */
export async function watchQuery(
  user: SessionUser,
  queryId: string,
  send: (event: BusEvent) => void,
  done: () => void,
): Promise<() => void> {
  const run = await db.queryRun.findUnique({ where: { id: queryId } });
  if (!run || (run.userId !== user.id && user.role !== "admin")) throw notFound("Query", queryId);
  const status = run.status === "running" ? "executing" : run.status;
  send({ type: "status_changed", query_id: queryId, status, progress: run.status === "running" ? 10 : 100, row_count: run.rowCount });
  if (FINAL.has(run.status)) {
    done();
    return () => undefined;
  }
  const unsubscribe = subscribe(queryChannel(queryId), (event) => {
    send(event);
    if (typeof event.status === "string" && FINAL.has(event.status)) {
      unsubscribe();
      done();
    }
  });
  return unsubscribe;
}
