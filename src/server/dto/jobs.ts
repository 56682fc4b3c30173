import "server-only";
import { z } from "zod";
import { JOB_STATUSES, type JobRecord } from "../jobs/queue";

export const jobDto = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(JOB_STATUSES),
  progress: z.number(),
  message: z.string(),
  attempts: z.number(),
  maxAttempts: z.number(),
  result: z.unknown(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  principalId: z.string(),
  cancelRequested: z.boolean(),
  scheduleId: z.string().nullable(),
  runAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type JobDto = z.infer<typeof jobDto>;

/** Payloads stay server-side: they may name things the viewer of a shared job need not see. */
export function toJobDto(job: JobRecord): JobDto {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    progress: job.progress,
    message: job.message,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    result: job.result,
    error: job.error && { code: job.error.code, message: job.error.message },
    principalId: job.principalId,
    cancelRequested: job.cancelRequested,
    scheduleId: job.scheduleId,
    runAt: job.runAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    createdAt: job.createdAt.toISOString(),
  };
}

export const jobIdInput = z.object({ id: z.string().min(1).max(100) });
