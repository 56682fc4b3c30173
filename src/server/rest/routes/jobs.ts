import "server-only";
import { z } from "zod";
import { toJobDto, type JobDto } from "../../dto/jobs";
import { JOB_STATUSES } from "../../jobs/queue";
import { getJobFor } from "../../services/jobs";
import { defineRoute } from "../route";

const tag = "jobs";

/** InsightEngine's answer to a queued job: `in_progress` until it ended, plus where to poll. */
export const restSyncSchemaAnswer = z.object({
  job_id: z.string(), status: z.enum(["completed", "failed", "cancelled", "in_progress"]), job_status: z.enum(JOB_STATUSES), poll_url: z.string(),
});

export function syncSchemaAnswer(job: JobDto): z.infer<typeof restSyncSchemaAnswer> {
  const ended = job.status === "completed" || job.status === "failed" || job.status === "cancelled";
  return { job_id: job.id, status: ended ? (job.status as "completed" | "failed" | "cancelled") : "in_progress", job_status: job.status, poll_url: `/api/v1/jobs/${job.id}` };
}

export const restJob = z.object({
  job_id: z.string(), id: z.string(), type: z.string(), status: z.enum(JOB_STATUSES), progress: z.number(), message: z.string(),
  attempts: z.number(), max_attempts: z.number(), result: z.unknown(), error: z.object({ code: z.string(), message: z.string() }).nullable(),
  cancel_requested: z.boolean(), run_at: z.string(), started_at: z.string().nullable(), finished_at: z.string().nullable(), created_at: z.string(),
});

export function jobBody(job: JobDto): z.infer<typeof restJob> {
  return {
    job_id: job.id,
    id: job.id,
    type: job.name,
    status: job.status,
    progress: job.progress,
    message: job.message,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    result: job.result ?? null,
    error: job.error,
    cancel_requested: job.cancelRequested,
    run_at: job.runAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    created_at: job.createdAt,
  };
}

export const jobRoutes = [
  defineRoute({
    method: "GET", path: "/jobs/:id", format: "insight", auth: "user", procedure: "jobs.get", tag,
    summary: "A background job's status, progress and result (yours; admins: any)", response: restJob,
    addition: "polls the job_id that POST /databases/:id/sync-schema answers; the documents name no such route",
    async handle({ principal, params }) {
      return { body: jobBody(toJobDto(await getJobFor(principal, params.id!))) };
    },
  }),
];
