import "server-only";
import type { Job } from "@prisma/client";
import { db } from "../../db";
import { AppError, isAppError } from "../../errors";
import { publish } from "../../events/bus";
import type { SessionUser } from "../../services/auth/session";
import { backoffDelay, type JobContext, type JobDefinition } from "../definition";
import { isFinalJobStatus, type JobRecord } from "../queue";
import { storedBackoff, toJobRecord } from "./job-rows";
import { jobPrincipal } from "../../services/principal";

/**
 * Running one claimed job row and recording how it ended, for the BullMQ backend (the
 * same rules as the in-process one): a user error fails at once, any other failure
 * retries with the row's backoff while attempts remain, a cancel ends `cancelled`, a
 * shutdown puts the job back without spending an attempt. The backend only decides how
 * the next run is delivered (`retryAt`).
 */
export class Cancelled extends Error {}
export class ShuttingDown extends Error {}

export type RunOutcome =
  | { kind: "completed" | "failed" | "cancelled" }
  /** Queued again: the backend delivers it at `runAt`. */
  | { kind: "retry"; runAt: Date };

export interface RunEnv {
  definitions: Map<string, JobDefinition<any, any>>;
  loadPrincipal: (userId: string) => Promise<SessionUser | null>;
}

export async function runJob(env: RunEnv, row: Job, controller: AbortController): Promise<RunOutcome> {
  const definition = env.definitions.get(row.name);
  const running = { id: row.id, name: row.name, status: "running" as const, progress: row.progress, message: row.message };
  publishJobProgress(running);
  try {
    if (!definition) throw new AppError("NOT_FOUND", `Job definition ${row.name} is not registered in this worker`);
    const payload = definition.payloadSchema.safeParse(JSON.parse(row.payload));
    if (!payload.success) throw new AppError("VALIDATION_ERROR", `The stored payload no longer fits job ${row.name}`);
    const user = await env.loadPrincipal(row.principalId);
    if (!user) throw new AppError("FORBIDDEN", "The user this job runs as no longer exists or is deactivated");
    const ctx: JobContext = {
      jobId: row.id,
      attempt: row.attempts,
      principal: jobPrincipal(user, { id: row.id, name: row.name }),
      signal: controller.signal,
      progress: (percent, message) => reportProgress(row, running, controller, percent, message),
    };
    if (row.cancelRequestedAt) controller.abort(new Cancelled("cancelled"));
    controller.signal.throwIfAborted();
    const result = await definition.run(payload.data, ctx);
    await finishJob(row.id, { status: "completed", progress: 100, result: JSON.stringify(result ?? null), error: null, errorCode: null });
    return { kind: "completed" };
  } catch (error) {
    return failed(row, controller, error);
  }
}

async function reportProgress(
  row: Job,
  running: { id: string; name: string; status: "running"; progress: number; message: string },
  controller: AbortController,
  percent: number,
  message?: string,
): Promise<void> {
  running.progress = Math.max(0, Math.min(100, Math.round(Number.isFinite(percent) ? percent : 0)));
  if (message !== undefined) running.message = message.slice(0, 500);
  const updated = await db.job.updateManyAndReturn({
    where: { id: row.id, status: "running" },
    data: { progress: running.progress, message: running.message },
    select: { cancelRequestedAt: true },
  });
  // A cancel whose bus event was lost (Redis away) still reaches the handler here.
  if (updated[0]?.cancelRequestedAt && !controller.signal.aborted) controller.abort(new Cancelled("cancelled"));
  publishJobProgress(running);
}

async function failed(row: Job, controller: AbortController, error: unknown): Promise<RunOutcome> {
  const reason = controller.signal.aborted ? controller.signal.reason : undefined;
  if (reason instanceof ShuttingDown) {
    const runAt = new Date();
    await finishJob(row.id, { status: "queued", attempts: row.attempts - 1, runAt, message: "interrupted by a shutdown; will run again" }, false);
    return { kind: "retry", runAt };
  }
  const cancelRequested = reason instanceof Cancelled || (await db.job.count({ where: { id: row.id, cancelRequestedAt: { not: null } } })) > 0;
  if (cancelRequested) {
    await finishJob(row.id, { status: "cancelled", message: "cancelled", error: null, errorCode: null });
    return { kind: "cancelled" };
  }
  const appError = isAppError(error) ? error : null;
  if (!appError) console.error(`[jobs] job ${row.id} (${row.name}) failed:`, error);
  const code = appError?.code ?? "INTERNAL";
  // Never store server paths or stack traces: unexpected errors keep a generic message.
  const message = appError && appError.actor !== "bug" ? appError.message : "The job failed unexpectedly";
  // A user error (no access, bad input) fails the same way every time: no retry.
  if (row.attempts < row.maxAttempts && appError?.actor !== "user") {
    const runAt = new Date(Date.now() + backoffDelay(storedBackoff(row), row.attempts));
    await finishJob(row.id, { status: "queued", runAt, error: message, errorCode: code, message: `attempt ${row.attempts} failed; retrying` }, false);
    return { kind: "retry", runAt };
  }
  await finishJob(row.id, { status: "failed", error: message, errorCode: code });
  return { kind: "failed" };
}

export async function finishJob(id: string, data: Parameters<typeof db.job.update>[0]["data"], final = true): Promise<void> {
  const row = await db.job.update({ where: { id }, data: { ...data, ...(final ? { finishedAt: new Date() } : {}) } });
  publishJobProgress(toJobRecord(row));
}

/** Every change of a job's state goes on the bus; a final one also as `job.finished`. */
export function publishJobProgress(job: Pick<JobRecord, "id" | "name" | "status" | "progress" | "message">): void {
  const event = { jobId: job.id, name: job.name, status: job.status, progress: job.progress, message: job.message };
  publish("job.progress", job.id, event);
  if (isFinalJobStatus(job.status)) publish("job.finished", job.id, event);
}
