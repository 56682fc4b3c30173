import "server-only";
import type { z } from "zod";
import type { SessionUser } from "../services/auth/session";
import type { JobPrincipal } from "../services/principal";

/** How long to wait before attempt n+1 after attempt n failed. */
export interface Backoff {
  type: "exponential" | "fixed";
  /** The first retry's delay; exponential doubles it per attempt. */
  delayMs: number;
  /** Cap for exponential growth. */
  maxDelayMs?: number;
}

/** What a handler gets besides its payload. */
export interface JobContext {
  jobId: string;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
  /**
   * Who acts: a job principal for the user the job runs as (loaded fresh at run time,
   * so a revoked grant or a deactivated account stops it). Handlers pass it to
   * services, which re-check access; audit entries it causes name the job.
   */
  principal: JobPrincipal;
  /** Aborted when the job is cancelled or the worker shuts down; long handlers check it between steps. */
  signal: AbortSignal;
  /** Records progress (0-100) and a short message, and publishes a job-progress event. */
  progress(percent: number, message?: string): Promise<void>;
}

/**
 * A job: its name, the shape of its payload and the handler. Handlers call services
 * (never tRPC) with `ctx.principal`; their return value is stored as the job's result
 * (JSON). Register each definition in `registry.ts`.
 */
export interface JobDefinition<P = unknown, R = unknown> {
  name: string;
  payloadSchema: z.ZodType<P>;
  run(payload: P, ctx: JobContext): Promise<R>;
  /** Default attempts when the enqueue call names none (1 = no retry). */
  maxAttempts?: number;
  backoff?: Backoff;
  /**
   * Who besides the job's own user (and admins) may see it, e.g. everyone who may read
   * the data source a schema sync refreshes (they get its id when a sync is already queued).
   */
  visibleTo?(user: SessionUser, payload: P): Promise<boolean>;
}

/** Keeps payload and result types tied to the handler. */
export function defineJob<P, R>(definition: JobDefinition<P, R>): JobDefinition<P, R> {
  return definition;
}

export const DEFAULT_BACKOFF: Backoff = { type: "exponential", delayMs: 1000, maxDelayMs: 5 * 60_000 };

/** The delay before the attempt after `failedAttempt` (1-based). */
export function backoffDelay(backoff: Backoff, failedAttempt: number): number {
  if (backoff.type === "fixed") return backoff.delayMs;
  const delay = backoff.delayMs * 2 ** Math.max(0, failedAttempt - 1);
  return Math.min(delay, backoff.maxDelayMs ?? Number.MAX_SAFE_INTEGER);
}
