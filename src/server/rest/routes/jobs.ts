import "server-only";
import { toJobDto, type JobDto } from "../../dto/jobs";
import { getJobFor } from "../../services/jobs";
import { defineRoute } from "../route";

const tag = "jobs";

/** InsightEngine's answer to a queued job: `in_progress` until it ended, plus where to poll. */
export function syncSchemaAnswer(job: JobDto) {
  const ended = job.status === "completed" || job.status === "failed" || job.status === "cancelled";
  return { job_id: job.id, status: ended ? job.status : "in_progress", job_status: job.status, poll_url: `/api/v1/jobs/${job.id}` };
}

export function jobBody(job: JobDto) {
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
    summary: "A background job's status, progress and result (yours; admins: any)",
    addition: "polls the job_id that POST /databases/:id/sync-schema answers; the documents name no such route",
    async handle({ principal, params }) {
      return { body: jobBody(toJobDto(await getJobFor(principal, params.id!))) };
    },
  }),
];
