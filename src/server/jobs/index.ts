import "server-only";
import { config } from "../config";
import { toSessionUser, type SessionUser } from "../services/auth/session";
import { findUserById } from "../services/auth/users";
import { redisPrefix, redisUrl } from "../redis";
import { BullMqQueue } from "./backends/bullmq";
import { InProcessQueue } from "./backends/in-process";
import type { JobDefinition } from "./definition";
import type { JobQueue } from "./queue";
import { jobDefinitions } from "./registry";
import { Scheduler } from "./schedules";

export type { JobContext, JobDefinition, Backoff } from "./definition";
export { defineJob } from "./definition";
export type { EnqueueOptions, JobBackendStatus, JobQueue, JobRecord, JobStatus, JobFilter } from "./queue";

/** The user a job runs as, if they still exist and may act. */
export async function loadJobPrincipal(userId: string): Promise<SessionUser | null> {
  const user = await findUserById(userId);
  return user && user.isActive ? toSessionUser(user) : null;
}

interface Jobs {
  queue: JobQueue;
  scheduler: Scheduler;
}

const global = globalThis as unknown as { __quarryJobRuntime?: Jobs };

/** BullMQ over Redis when REDIS_URL is set (several processes), else the in-process backend. */
function create(): Jobs {
  const url = redisUrl();
  if (url) {
    const queue = new BullMqQueue({
      definitions: jobDefinitions,
      concurrency: config().QUARRY_JOB_CONCURRENCY,
      loadPrincipal: loadJobPrincipal,
      redisUrl: url,
      prefix: `${redisPrefix()}bull`,
      stalledMs: config().QUARRY_JOB_STALLED_MS,
    });
    const scheduler = new Scheduler(queue, jobDefinitions, queue.scheduleDriver());
    queue.setTickHandler((scheduleId, at) => scheduler.tick(scheduleId, at));
    return { queue, scheduler };
  }
  const queue = new InProcessQueue({
    definitions: jobDefinitions,
    concurrency: config().QUARRY_JOB_CONCURRENCY,
    loadPrincipal: loadJobPrincipal,
    sweepMs: 60_000,
  });
  return { queue, scheduler: new Scheduler(queue, jobDefinitions) };
}

/** This process's queue (enqueue, get, list, cancel work without the worker running). */
export function jobQueue(): JobQueue {
  return (global.__quarryJobRuntime ??= create()).queue;
}

/** This process's schedules: `jobSchedules().schedule(definition, {cron, payload, principal})`. */
export function jobSchedules(): Scheduler {
  return (global.__quarryJobRuntime ??= create()).scheduler;
}

/** Runs `definition` at every tick of `cron` (croner syntax, seconds optional) as `principal`. */
export function schedule<P>(
  definition: JobDefinition<P, unknown>,
  cron: string,
  payload: P,
  principal: { id: string },
  options: { name?: string; timezone?: string; enabled?: boolean } = {},
) {
  return jobSchedules().schedule(definition, { ...options, cron, payload, principal });
}

/**
 * Boot: reconcile and start the worker, then arm the persisted schedules. Tests call it
 * per file. A web-only process (`worker: false`) enqueues, reads and cancels jobs and
 * keeps the schedules in place, but runs none.
 */
export async function startJobs(options: { worker?: boolean } = {}): Promise<void> {
  if (options.worker !== false) await jobQueue().start();
  await jobSchedules().start();
}

/** Shutdown: no new ticks, running jobs get `graceMs` to finish, then go back to the queue. */
export async function stopJobs(graceMs?: number): Promise<void> {
  const runtime = global.__quarryJobRuntime;
  if (!runtime) return;
  runtime.scheduler.stop();
  await runtime.queue.stop(graceMs);
}
