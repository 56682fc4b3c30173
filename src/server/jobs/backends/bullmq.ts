import "server-only";
import { hostname } from "node:os";
import type { Job as Row, JobSchedule } from "@prisma/client";
import { Queue, QueueEvents, Worker, type Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import { db } from "../../db";
import { AppError } from "../../errors";
import { publish, subscribe, subscribeAny } from "../../events/bus";
import { createRedis, redactUrl } from "../../redis";
import type { SessionUser } from "../../services/auth/session";
import type { JobDefinition } from "../definition";
import { isFinalJobStatus, type EnqueueOptions, type EnqueueResult, type JobBackendStatus, type JobFilter, type JobQueue, type JobRecord } from "../queue";
import type { ScheduleDriver } from "../schedules";
import { failedJobs, findJob, insertJob, listJobRows, toJobRecord } from "./job-rows";
import { Cancelled, finishJob, publishJobProgress, runJob, ShuttingDown, type RunEnv } from "./run-job";

/**
 * The scale-out backend (REDIS_URL): BullMQ delivers jobs to any number of worker
 * processes; the job's record (status, progress, result, error) stays a row of the app
 * database (PostgreSQL then), so get/list/cancel read the same data whichever process
 * asks and whether or not Redis still holds the delivery.
 *
 * - A delivery is a BullMQ job named after the definition, id `<row id>_<attempts so far>`,
 *   delayed to the row's runAt. BullMQ runs no retries of its own: a failed attempt
 *   that may retry is delivered again with the backoff (run-job.ts decides, as in-process).
 * - A worker holds a lock on the jobs it runs and renews it; a worker that dies (SIGKILL,
 *   lost machine) stops renewing, another worker's stalled check finds the job within
 *   `stalledMs` and hands it out again: it runs again while attempts remain, else it is
 *   marked failed ("the worker running it stopped"). It is never left `running`.
 * - Cron schedules are BullMQ job schedulers: Redis creates one delivery per tick, so a
 *   tick runs once however many workers listen (and the tick key makes a duplicate a no-op).
 * - Cancel: a queued job is cancelled in app state (its delivery is then skipped); a
 *   running one gets a `job.cancel_requested` event over the bus, which reaches the worker
 *   running it, and the cancel flag in its row, which the handler's next progress call reads.
 * - Enqueue writes the row first: if Redis refused the delivery, a sweep delivers queued
 *   rows that are overdue, so a job is late rather than lost.
 */
export interface BullMqQueueOptions {
  definitions: JobDefinition<any, any>[];
  concurrency: number;
  loadPrincipal: (userId: string) => Promise<SessionUser | null>;
  redisUrl: string;
  /** BullMQ's key prefix (QUARRY_REDIS_PREFIX + "bull"). */
  prefix: string;
  queueName?: string;
  /** How soon a dead worker's job is found: the lock's lifetime (renewed at half of it) and the stalled check's period. */
  stalledMs?: number;
  /** The safety sweep for rows whose delivery Redis never got. */
  sweepMs?: number;
}

const TICK_JOB = "quarry:schedule-tick";
export const WORKER_STOPPED = "the worker running it stopped";
const deliveryId = (rowId: string, attempts: number, suffix = "") => `${rowId}_${attempts}${suffix}`;
const rowIdOf = (deliveryId: string) => deliveryId.split("_")[0]!;

export class BullMqQueue implements JobQueue {
  private readonly env: RunEnv;
  private readonly queueName: string;
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker: Worker | null = null;
  private events: QueueEvents | null = null;
  private workerConnection: Redis | null = null;
  private eventsConnection: Redis | null = null;
  private readonly running = new Map<string, AbortController>();
  private offCancel: (() => void) | null = null;
  private sweep: NodeJS.Timeout | undefined;
  private tickHandler: ((scheduleId: string, at: Date) => Promise<void>) | null = null;

  constructor(private readonly options: BullMqQueueOptions) {
    this.env = { definitions: new Map(options.definitions.map((d) => [d.name, d])), loadPrincipal: options.loadPrincipal };
    this.queueName = options.queueName ?? "jobs";
    this.connection = createRedis(options.redisUrl, "worker");
    this.queue = new Queue(this.queueName, { connection: this.connection, prefix: options.prefix });
    this.queue.on("error", (error) => console.error("[jobs] BullMQ queue error:", error.message));
  }

  private get stalledMs(): number {
    return this.options.stalledMs ?? 30_000;
  }

  async enqueue<P>(definition: JobDefinition<P, unknown>, payload: P, options: EnqueueOptions): Promise<EnqueueResult> {
    const job = await insertJob(definition, payload, options);
    if (!job.existing) {
      publishJobProgress(job);
      await this.deliver(job.id, job.name, job.attempts, job.runAt).catch((error: Error) =>
        // The row is written; the sweep delivers it once Redis answers again.
        console.error(`[jobs] could not hand job ${job.id} to Redis (the sweep retries):`, error.message),
      );
    }
    return job;
  }

  private async deliver(rowId: string, name: string, attempts: number, runAt: Date, suffix = ""): Promise<void> {
    await this.queue.add(
      name,
      { jobId: rowId },
      {
        jobId: deliveryId(rowId, attempts, suffix),
        delay: Math.max(0, runAt.getTime() - Date.now()),
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
      },
    );
  }

  get(id: string): Promise<JobRecord | null> {
    return findJob(id);
  }

  list(filter: JobFilter = {}): Promise<{ jobs: JobRecord[]; total: number }> {
    return listJobRows(filter);
  }

  async cancel(id: string): Promise<JobRecord | null> {
    const now = new Date();
    const queued = await db.job.updateManyAndReturn({
      where: { id, status: "queued" },
      data: { status: "cancelled", finishedAt: now, cancelRequestedAt: now, message: "cancelled before it started" },
    });
    if (queued.length > 0) {
      // Its delivery, if still waiting, would be skipped anyway; removing it keeps the depth honest.
      await this.queue.remove(deliveryId(id, queued[0]!.attempts)).catch(() => undefined);
      publishJobProgress(toJobRecord(queued[0]!));
    } else {
      const flagged = await db.job.updateMany({ where: { id, status: "running", cancelRequestedAt: null }, data: { cancelRequestedAt: now } });
      if (flagged.count > 0) publish("job.cancel_requested", id, { jobId: id });
    }
    return this.get(id);
  }

  waitUntilFinished(id: string, timeoutMs = 60_000): Promise<JobRecord> {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (error: Error | null, job?: JobRecord) => {
        if (done) return;
        done = true;
        clearTimeout(timeout);
        off();
        clearInterval(poll);
        if (error) reject(error);
        else resolve(job!);
      };
      const check = () =>
        this.get(id).then(
          (job) => {
            if (!job) finish(new AppError("NOT_FOUND", `Job ${id} was not found`));
            else if (isFinalJobStatus(job.status)) finish(null, job);
          },
          (e) => finish(e as Error),
        );
      const off = subscribe("job.finished", id, () => void check());
      // Pub/sub is at-most-once (Redis may have been away): a slow re-read is the net.
      const poll = setInterval(() => void check(), 1000);
      const timeout = setTimeout(() => finish(new AppError("SERVICE_UNAVAILABLE", `Job ${id} did not finish in ${timeoutMs} ms`)), timeoutMs);
      void check();
    });
  }

  /** The Scheduler's tick, run by whichever worker gets a schedule's delivery. */
  setTickHandler(handler: (scheduleId: string, at: Date) => Promise<void>): void {
    this.tickHandler = handler;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    this.workerConnection = createRedis(this.options.redisUrl, "worker");
    this.worker = new Worker(this.queueName, (job) => this.process(job), {
      connection: this.workerConnection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
      name: `${hostname()}:${process.pid}`,
      lockDuration: this.stalledMs,
      stalledInterval: this.stalledMs,
      // One redelivery after a worker died; our own attempt count decides whether it runs.
      maxStalledCount: 1,
    });
    this.worker.on("error", (error) => console.error("[jobs] BullMQ worker error:", error.message));
    // A job BullMQ gave up on (stalled more than maxStalledCount) is failed in app state too.
    this.eventsConnection = createRedis(this.options.redisUrl, "worker");
    this.events = new QueueEvents(this.queueName, { connection: this.eventsConnection, prefix: this.options.prefix });
    this.events.on("failed", ({ jobId, failedReason }) => void this.deliveryFailed(jobId, failedReason));
    this.events.on("error", (error) => console.error("[jobs] BullMQ events error:", error.message));
    this.offCancel = subscribeAny("job.cancel_requested", ({ jobId }) => this.running.get(jobId)?.abort(new Cancelled("cancelled")));
    const sweepMs = this.options.sweepMs ?? 60_000;
    this.sweep = setInterval(() => void this.deliverOverdue(sweepMs), sweepMs);
    this.sweep.unref();
    await this.worker.waitUntilReady();
  }

  async stop(graceMs = 5000): Promise<void> {
    clearInterval(this.sweep);
    this.offCancel?.();
    this.offCancel = null;
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      const closing = worker.close();
      const late = await Promise.race([closing.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref())]);
      if (late) {
        // Still running: abort them; run-job.ts puts each back in the queue without spending an attempt.
        for (const controller of this.running.values()) controller.abort(new ShuttingDown("shutting down"));
        await Promise.race([closing, new Promise((r) => setTimeout(r, 2000).unref())]);
      }
    }
    await this.events?.close().catch(() => undefined);
    this.events = null;
    await this.queue.close().catch(() => undefined);
    for (const connection of [this.workerConnection, this.eventsConnection, this.connection]) connection?.disconnect();
  }

  async status(): Promise<JobBackendStatus> {
    const failed = await failedJobs();
    try {
      const [counts, workers, running] = await Promise.all([
        this.queue.getJobCounts("wait", "prioritized", "delayed", "active"),
        this.queue.getWorkers(),
        db.job.count({ where: { status: "running" } }),
      ]);
      return {
        backend: "bullmq",
        status: "ok",
        workers: workers.map((w) => ({
          name: w.name?.split(":").slice(-2).join(":") || "worker",
          address: w.addr ?? null,
          idleSeconds: w.idle === undefined ? null : Number(w.idle),
        })),
        depth: { waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0), delayed: counts.delayed ?? 0, running: Math.max(running, counts.active ?? 0) },
        failed,
        error: null,
      };
    } catch (error) {
      console.error("[status] Redis did not answer for the job queue:", (error as Error).message);
      return {
        backend: "bullmq",
        status: "degraded",
        workers: [],
        depth: { waiting: 0, delayed: 0, running: 0 },
        failed,
        error: `Redis (${redactUrl(this.options.redisUrl)}) did not answer`,
      };
    }
  }

  /** The schedule driver that keeps each schedule as a BullMQ job scheduler. */
  scheduleDriver(): ScheduleDriver {
    const schedulerId = (id: string) => `schedule-${id}`;
    return {
      arm: async (row: JobSchedule) => {
        await this.queue.upsertJobScheduler(
          schedulerId(row.id),
          { pattern: row.cron, ...(row.timezone ? { tz: row.timezone } : {}) },
          { name: TICK_JOB, data: { scheduleId: row.id }, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
        );
      },
      remove: async (id: string) => {
        await this.queue.removeJobScheduler(schedulerId(id));
      },
      sync: async (rows: JobSchedule[]) => {
        const wanted = new Set(rows.map((r) => schedulerId(r.id)));
        for (const existing of await this.queue.getJobSchedulers(0, -1)) {
          if (existing.key && !wanted.has(existing.key)) await this.queue.removeJobScheduler(existing.key);
        }
      },
      // The schedulers live in Redis: a process stopping must not remove them.
      stop: () => undefined,
    };
  }

  private async process(bullJob: BullJob): Promise<void> {
    if (bullJob.name === TICK_JOB) {
      const at = tickInstant(bullJob);
      if (this.tickHandler) await this.tickHandler((bullJob.data as { scheduleId: string }).scheduleId, at);
      return;
    }
    const rowId = (bullJob.data as { jobId?: string }).jobId ?? rowIdOf(bullJob.id ?? "");
    const row = await db.job.findUnique({ where: { id: rowId } });
    if (!row || isFinalJobStatus(row.status as JobRecord["status"])) return;
    const redelivered = bullJob.attemptsStarted > 1 || bullJob.stalledCounter > 0;
    if (row.status === "running") {
      // Running elsewhere, unless BullMQ hands it out again because that worker died.
      if (!redelivered) return;
      if (row.attempts >= row.maxAttempts || row.cancelRequestedAt) {
        await finishJob(row.id, row.cancelRequestedAt
          ? { status: "cancelled", message: "cancelled", error: null, errorCode: null }
          : { status: "failed", error: WORKER_STOPPED, errorCode: "SERVICE_UNAVAILABLE", message: WORKER_STOPPED });
        return;
      }
    } else if (row.runAt.getTime() > Date.now() + 1000) {
      return; // an early duplicate (the sweep); the row's own delivery comes at runAt
    }
    if (!this.env.definitions.has(row.name)) return;
    const claimed = await db.job.updateMany({
      where: { id: row.id, status: row.status, attempts: row.attempts },
      data: { status: "running", startedAt: new Date(), attempts: { increment: 1 }, finishedAt: null },
    });
    if (claimed.count === 0) return;
    const controller = new AbortController();
    this.running.set(row.id, controller);
    try {
      const claimedRow: Row = { ...row, status: "running", attempts: row.attempts + 1 };
      const outcome = await runJob(this.env, claimedRow, controller);
      if (outcome.kind === "retry") {
        // A shutdown gives the attempt back, so the same delivery id would clash with this one.
        const attempts = (await db.job.findUnique({ where: { id: row.id }, select: { attempts: true } }))?.attempts ?? claimedRow.attempts;
        const suffix = attempts < claimedRow.attempts ? `_i${Date.now()}` : "";
        await this.deliver(row.id, row.name, attempts, outcome.runAt, suffix).catch((error: Error) =>
          console.error(`[jobs] could not hand job ${row.id}'s retry to Redis (the sweep retries):`, error.message),
        );
      }
    } finally {
      this.running.delete(row.id);
    }
  }

  private async deliveryFailed(deliveryId: string, reason: string): Promise<void> {
    if (!/stalled/i.test(reason)) return;
    const id = rowIdOf(deliveryId);
    const stale = await db.job.findFirst({ where: { id, status: "running" } }).catch(() => null);
    if (!stale || this.running.has(id)) return;
    await db.job.updateMany({
      where: { id, status: "running" },
      data: { status: "failed", finishedAt: new Date(), error: WORKER_STOPPED, errorCode: "SERVICE_UNAVAILABLE", message: WORKER_STOPPED },
    });
    const row = await db.job.findUnique({ where: { id } });
    if (row) publishJobProgress(toJobRecord(row));
  }

  /** Queued rows overdue by more than a sweep: their delivery never reached Redis. */
  private async deliverOverdue(sweepMs: number): Promise<void> {
    try {
      const overdue = await db.job.findMany({
        where: { status: "queued", runAt: { lt: new Date(Date.now() - sweepMs) }, name: { in: [...this.env.definitions.keys()] } },
        take: 100,
      });
      for (const row of overdue) await this.deliver(row.id, row.name, row.attempts, new Date());
    } catch (error) {
      console.error("[jobs] the delivery sweep failed:", (error as Error).message);
    }
  }
}

/** The instant a scheduler's delivery stands for: BullMQ names it `repeat:<scheduler>:<millis>`. */
function tickInstant(job: BullJob): Date {
  const millis = Number((job.id ?? "").split(":").pop());
  if (Number.isFinite(millis) && millis > 0) return new Date(millis);
  return new Date(job.timestamp + (job.opts.delay ?? 0));
}

export type { Row as JobRow };
