import "server-only";
import { FINAL_RUN_STATUSES } from "@/lib/final-statuses";
import type { Backoff, JobDefinition } from "./definition";

/**
 * The one way to run work in the background. The in-process backend
 * (`backends/in-process.ts`) keeps jobs in app state; a BullMQ backend (scale-out)
 * implements the same interface. Nothing outside `backends/` knows which one runs.
 */
export const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_JOB_STATUSES: readonly JobStatus[] = FINAL_RUN_STATUSES;
export const isFinalJobStatus = (s: JobStatus) => FINAL_JOB_STATUSES.includes(s);

export interface EnqueueOptions {
  /** The user the job runs as (its handler acts with their permissions, re-checked when it runs). */
  principal: { id: string };
  /**
   * Unique per definition: enqueueing the same key again answers the existing job.
   * `keyScope: "forever"` (default) holds for the job's whole life, so a schedule tick
   * never runs twice; `"active"` only while it is queued or running, so a finished sync
   * does not block the next one.
   */
  idempotencyKey?: string;
  keyScope?: "forever" | "active";
  /** Not before this instant (default: now). */
  runAt?: Date;
  /** Runs in total, first one included (default: the definition's, else 1). */
  maxAttempts?: number;
  backoff?: Backoff;
  /** The schedule that enqueued it, if any. */
  scheduleId?: string;
}

export interface JobError {
  code: string;
  message: string;
}

export interface JobRecord {
  id: string;
  name: string;
  payload: unknown;
  status: JobStatus;
  progress: number;
  message: string;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  result: unknown;
  error: JobError | null;
  idempotencyKey: string | null;
  principalId: string;
  cancelRequested: boolean;
  scheduleId: string | null;
  createdAt: Date;
}

export interface JobFilter {
  principalId?: string;
  name?: string;
  status?: JobStatus | JobStatus[];
  limit?: number;
  offset?: number;
}

export interface EnqueueResult extends JobRecord {
  /** True when the idempotency key matched a job that already existed. */
  existing: boolean;
}

/** What /admin/system/status shows about the jobs backend (read live, never assumed). */
export interface JobBackendStatus {
  backend: "in-process" | "bullmq";
  status: "ok" | "degraded";
  /** Processes taking jobs now (BullMQ: the workers Redis knows; in-process: this one, if started). */
  workers: { name: string; address: string | null; idleSeconds: number | null }[];
  /** Jobs waiting to run (due or delayed) and running now. */
  depth: { waiting: number; delayed: number; running: number };
  /** Failed jobs in app state, and the latest few. */
  failed: { total: number; recent: { id: string; name: string; error: string | null; finishedAt: Date | null }[] };
  /** Why the status is degraded (e.g. Redis unreachable). */
  error: string | null;
}

export interface JobQueue {
  enqueue<P>(definition: JobDefinition<P, unknown>, payload: P, options: EnqueueOptions): Promise<EnqueueResult>;
  get(id: string): Promise<JobRecord | null>;
  list(filter?: JobFilter): Promise<{ jobs: JobRecord[]; total: number }>;
  /**
   * A queued job is cancelled at once; a running one has its `ctx.signal` aborted and
   * ends `cancelled` when its handler gives up (cooperative). A finished job is returned as is.
   */
  cancel(id: string): Promise<JobRecord | null>;
  /** Resolves once the job is completed, failed or cancelled (or rejects after `timeoutMs`). */
  waitUntilFinished(id: string, timeoutMs?: number): Promise<JobRecord>;
  /** Reconciles jobs a dead process left running, then starts taking jobs. */
  start(): Promise<void>;
  /** Stops taking jobs; running ones get `graceMs` to finish, then their signal aborts and they go back to the queue. */
  stop(graceMs?: number): Promise<void>;
  /** Live workers, queue depth and failed jobs. */
  status(): Promise<JobBackendStatus>;
}
