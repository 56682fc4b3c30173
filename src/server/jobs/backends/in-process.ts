import "server-only";
import { EventEmitter } from "node:events";
import type { Job } from "@prisma/client";
import { db } from "../../db";
import { AppError } from "../../errors";
import { subscribe } from "../../events/bus";
import type { SessionUser } from "../../services/auth/session";
import type { JobDefinition } from "../definition";
import { isFinalJobStatus, type EnqueueOptions, type EnqueueResult, type JobBackendStatus, type JobFilter, type JobQueue, type JobRecord } from "../queue";
import { failedJobs, findJob, insertJob, listJobRows, toJobRecord } from "./job-rows";
import { Cancelled, publishJobProgress, runJob, ShuttingDown } from "./run-job";

export const SERVER_RESTARTED = "server restarted";
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface InProcessQueueOptions {
  definitions: JobDefinition<any, any>[];
  /** Jobs run at once by this worker. */
  concurrency: number;
  /** Loads the user a job runs as; null when they no longer exist or may not act. */
  loadPrincipal: (userId: string) => Promise<SessionUser | null>;
  /**
   * A slow sweep for jobs this process was not told about (written by another process);
   * enqueues here wake the worker at once and runAt/backoff arm a timer, so this is only a net.
   */
  sweepMs?: number;
}

/** Every in-process queue in this process hears every enqueue, and knows which jobs run here. */
const local = globalThis as unknown as { __quarryJobs?: { wake: EventEmitter; running: Map<string, AbortController> } };
const shared = (local.__quarryJobs ??= { wake: new EventEmitter().setMaxListeners(0), running: new Map() });


/**
 * The default backend: jobs are rows of the app database, so a restart loses none. One
 * worker loop per process with bounded concurrency, woken on enqueue and by a timer for
 * the next `runAt`; no polling loop. A job is claimed with a conditional update
 * (queued → running), so two queues on one database never run it twice.
 */
export class InProcessQueue implements JobQueue {
  private readonly definitions: Map<string, JobDefinition<any, any>>;
  private readonly mine = new Map<string, Promise<void>>();
  private started = false;
  private pumping = false;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private readonly onWake = () => void this.pump();

  constructor(private readonly options: InProcessQueueOptions) {
    this.definitions = new Map(options.definitions.map((d) => [d.name, d]));
  }

  async enqueue<P>(definition: JobDefinition<P, unknown>, payload: P, options: EnqueueOptions): Promise<EnqueueResult> {
    const job = await insertJob(definition, payload, options);
    if (!job.existing) {
      publishJobProgress(job);
      shared.wake.emit("enqueued");
    }
    return job;
  }

  get(id: string): Promise<JobRecord | null> {
    return findJob(id);
  }

  list(filter: JobFilter = {}): Promise<{ jobs: JobRecord[]; total: number }> {
    return listJobRows(filter);
  }

  async cancel(id: string): Promise<JobRecord | null> {
    const now = new Date();
    const queued = await db.job.updateMany({
      where: { id, status: "queued" },
      data: { status: "cancelled", finishedAt: now, cancelRequestedAt: now, message: "cancelled before it started" },
    });
    if (queued.count === 0) {
      await db.job.updateMany({ where: { id, status: "running", cancelRequestedAt: null }, data: { cancelRequestedAt: now } });
      shared.running.get(id)?.abort(new Cancelled("cancelled"));
    }
    const job = await this.get(id);
    if (job && queued.count > 0) publishJobProgress(job);
    return job;
  }

  waitUntilFinished(id: string, timeoutMs = 60_000): Promise<JobRecord> {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (error: Error | null, job?: JobRecord) => {
        if (done) return;
        done = true;
        clearTimeout(timeout);
        unsubscribe();
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
      // Events only reach this process; a slow re-read covers a job another process runs.
      const poll = setInterval(() => void check(), 1000);
      const unsubscribe = () => {
        off();
        clearInterval(poll);
      };
      const timeout = setTimeout(() => finish(new AppError("SERVICE_UNAVAILABLE", `Job ${id} did not finish in ${timeoutMs} ms`)), timeoutMs);
      void check();
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.reconcile();
    this.started = true;
    shared.wake.on("enqueued", this.onWake);
    if (this.options.sweepMs) this.sweep = setInterval(this.onWake, this.options.sweepMs).unref();
    void this.pump();
  }

  async stop(graceMs = 5000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    shared.wake.off("enqueued", this.onWake);
    clearTimeout(this.timer);
    clearInterval(this.sweep);
    const all = Promise.allSettled([...this.mine.values()]);
    const grace = new Promise<"late">((r) => setTimeout(() => r("late"), graceMs).unref());
    if ((await Promise.race([all, grace])) === "late") {
      for (const id of this.mine.keys()) shared.running.get(id)?.abort(new ShuttingDown("shutting down"));
      await Promise.race([all, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
  }

  async status(): Promise<JobBackendStatus> {
    const now = new Date();
    const [waiting, delayed, running, failed] = await Promise.all([
      db.job.count({ where: { status: "queued", runAt: { lte: now } } }),
      db.job.count({ where: { status: "queued", runAt: { gt: now } } }),
      db.job.count({ where: { status: "running" } }),
      failedJobs(),
    ]);
    return {
      backend: "in-process",
      status: "ok",
      workers: this.started ? [{ name: `in-process:${process.pid}`, address: null, idleSeconds: null }] : [],
      depth: { waiting, delayed, running },
      failed,
      error: null,
    };
  }

  /**
   * Jobs left `running` by a process that died: back to the queue while attempts remain,
   * else failed. Jobs running in this process (another queue instance) are not touched.
   */
  private async reconcile(): Promise<void> {
    const stale = await db.job.findMany({ where: { status: "running", id: { notIn: [...shared.running.keys()] } } });
    const now = new Date();
    for (const row of stale) {
      const retry = row.attempts < row.maxAttempts && row.cancelRequestedAt === null;
      await db.job.updateMany({
        where: { id: row.id, status: "running" },
        data: retry
          ? { status: "queued", runAt: now, message: "requeued after a server restart" }
          : { status: row.cancelRequestedAt ? "cancelled" : "failed", finishedAt: now, error: SERVER_RESTARTED, errorCode: "SERVICE_UNAVAILABLE" },
      });
    }
  }

  /** Claims and starts jobs until the concurrency bound or the due queue runs out; then arms the timer. */
  private async pump(): Promise<void> {
    if (!this.started) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.started && this.mine.size < this.options.concurrency) {
          const next = await db.job.findFirst({
            where: { status: "queued", runAt: { lte: new Date() }, name: { in: [...this.definitions.keys()] } },
            orderBy: [{ runAt: "asc" }, { createdAt: "asc" }],
          });
          if (!next) break;
          const claimed = await db.job.updateMany({
            where: { id: next.id, status: "queued" },
            data: { status: "running", startedAt: new Date(), attempts: { increment: 1 }, finishedAt: null },
          });
          if (claimed.count === 0) continue;
          this.launch({ ...next, status: "running", attempts: next.attempts + 1 });
        }
      } while (this.pumpAgain && this.started);
      await this.armTimer();
    } catch (error) {
      console.error("[jobs] the worker loop failed:", (error as Error).message);
    } finally {
      this.pumping = false;
    }
  }

  private async armTimer(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.started || this.mine.size >= this.options.concurrency) return;
    const next = await db.job.findFirst({
      where: { status: "queued", name: { in: [...this.definitions.keys()] } },
      orderBy: { runAt: "asc" },
      select: { runAt: true },
    });
    if (!next) return;
    const delay = Math.min(Math.max(0, next.runAt.getTime() - Date.now()) + 5, MAX_TIMER_MS);
    this.timer = setTimeout(this.onWake, delay);
    this.timer.unref();
  }

  private launch(row: Job): void {
    const controller = new AbortController();
    shared.running.set(row.id, controller);
    const run = this.execute(row, controller)
      .catch((error) => console.error(`[jobs] could not record the end of job ${row.id}:`, (error as Error).message))
      .finally(() => {
        shared.running.delete(row.id);
        this.mine.delete(row.id);
        void this.pump();
      });
    this.mine.set(row.id, run);
  }

  private async execute(row: Job, controller: AbortController): Promise<void> {
    // The same run-and-record rules as the BullMQ backend (run-job.ts); a retry's runAt is
    // picked up by the timer the pump re-arms.
    await runJob({ definitions: this.definitions, loadPrincipal: this.options.loadPrincipal }, row, controller);
  }
}

