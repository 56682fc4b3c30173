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
 *
 * With several processes on one app database (`olderThan`), another live process may be
 * mid-run: only work older than anything alive could be is ended (a run past twice the
 * query timeout, a commit or revert untouched for longer than `olderThan.approvals`),
 * and boot repeats it periodically, so a dead process's work ends without a restart.
 */
export async function reconcileInterruptedWork(now = new Date(), olderThan?: { runs: Date; approvals: Date }): Promise<Reconciled> {
  const runsBefore = olderThan ? { createdAt: { lt: olderThan.runs } } : {};
  const approvalsBefore = olderThan ? { updatedAt: { lt: olderThan.approvals } } : {};
  const [runs, commits, reverts] = await db.$transaction([
    db.queryRun.updateMany({
      where: { status: "running", ...runsBefore },
      data: { status: "failed", error: SERVER_RESTARTED, finishedAt: now },
    }),
    db.approvalRequest.updateMany({
      where: { status: "executing", ...approvalsBefore },
      data: { status: "failed", error: INTERRUPTED_COMMIT },
    }),
    db.approvalRequest.updateMany({
      where: { status: "reverting", ...approvalsBefore },
      data: { status: "executed", error: INTERRUPTED_REVERT },
    }),
  ]);
  return { runs: runs.count, commits: commits.count, reverts: reverts.count };
}
