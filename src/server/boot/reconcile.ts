import "server-only";
import { db } from "../db";
import { INTERRUPTED_COMMIT, INTERRUPTED_REVERT } from "../services/approvals/recovery";

export const SERVER_RESTARTED = "server restarted";

export interface Reconciled {
  runs: number;
  commits: number;
  reverts: number;
}

/**
 * What a process that died mid-work left in a transitional state, ended so that every
 * record has a way out: runs left `running` fail ("server restarted"); requests left
 * `executing` fail with a note to check the target (the commit may or may not have
 * landed); requests left `reverting` go back to `executed` (the revert is one
 * transaction, so it did not land). Idempotent; runs at start-up before any request
 * is served, so nothing in this process can be mid-run yet.
 */
export async function reconcileInterruptedWork(now = new Date()): Promise<Reconciled> {
  const [runs, commits, reverts] = await db.$transaction([
    db.queryRun.updateMany({
      where: { status: "running" },
      data: { status: "failed", error: SERVER_RESTARTED, finishedAt: now },
    }),
    db.approvalRequest.updateMany({
      where: { status: "executing" },
      data: { status: "failed", error: INTERRUPTED_COMMIT },
    }),
    db.approvalRequest.updateMany({
      where: { status: "reverting" },
      data: { status: "executed", error: INTERRUPTED_REVERT },
    }),
  ]);
  return { runs: runs.count, commits: commits.count, reverts: reverts.count };
}
