import "server-only";
import { publish } from "../realtime/bus";
import type { JobRecord, JobStatus } from "./queue";

/**
 * Job progress on the event bus, one channel per job. The events catalogue
 * (src/server/events) folds this in; until then subscribers use these names.
 */
export const JOB_PROGRESS_EVENT = "job.progress" as const;
export const jobChannel = (jobId: string) => `job:${jobId}`;

export interface JobProgressEvent {
  [key: string]: unknown;
  type: typeof JOB_PROGRESS_EVENT;
  job_id: string;
  name: string;
  status: JobStatus;
  progress: number;
  message: string;
}

export function publishJobProgress(job: Pick<JobRecord, "id" | "name" | "status" | "progress" | "message">): void {
  const event: JobProgressEvent = {
    type: JOB_PROGRESS_EVENT,
    job_id: job.id,
    name: job.name,
    status: job.status,
    progress: job.progress,
    message: job.message,
  };
  publish(jobChannel(job.id), event);
}
