import "server-only";
import { db } from "../../db";
import { jobQueue } from "../../jobs";

/**
 * An execution left pending or running by a process that died ends failed (its job is
 * over, its loaders committed nothing), so nothing stays running for ever.
 */
export async function reconcile(rows: { id: string; status: string; jobId: string | null }[]): Promise<boolean> {
  let changed = false;
  for (const row of rows) {
    if (!["pending", "running"].includes(row.status) || !row.jobId) continue;
    const job = await jobQueue().get(row.jobId);
    if (job && ["queued", "running"].includes(job.status)) continue;
    const reason = job?.status === "cancelled" ? "cancelled" : "failed";
    const updated = await db.pipelineExecution.updateMany({
      where: { id: row.id, status: { in: ["pending", "running"] } },
      data: { status: reason, completedAt: new Date(), error: reason === "failed" ? (job?.error?.message ?? "The worker running this execution stopped before it finished") : "The execution was cancelled" },
    });
    changed ||= updated.count > 0;
  }
  return changed;
}
