import "server-only";
import { Cron } from "croner";
import type { JobSchedule } from "@prisma/client";
import { db } from "../db";
import { AppError, conflict, notFound, validationFailed } from "../errors";
import type { JobDefinition } from "./definition";
import type { JobQueue } from "./queue";

/**
 * Cron schedules through the queue: each tick enqueues one job with the idempotency
 * key `<schedule name>:<tick time>`, so two schedulers (two processes, or a tick
 * delivered twice) never run a tick twice. Schedules are rows (JobSchedule) and are
 * reloaded at boot; ticks missed while no scheduler ran are not replayed.
 */
export interface ScheduleView {
  id: string;
  name: string;
  jobName: string;
  cron: string;
  timezone: string | null;
  payload: unknown;
  principalId: string;
  enabled: boolean;
  lastTickAt: Date | null;
  nextRunAt: Date | null;
}

function parseCron(pattern: string, timezone?: string | null): Cron {
  try {
    return new Cron(pattern, { timezone: timezone ?? undefined, paused: true });
  } catch (error) {
    throw validationFailed([{ field: "cron", message: (error as Error).message.replace(/^CronPattern: /, "") }]);
  }
}

function toView(row: JobSchedule): ScheduleView {
  const next = row.enabled ? parseCron(row.cron, row.timezone).nextRun() : null;
  return {
    id: row.id,
    name: row.name,
    jobName: row.jobName,
    cron: row.cron,
    timezone: row.timezone,
    payload: JSON.parse(row.payload),
    principalId: row.principalId,
    enabled: row.enabled,
    lastTickAt: row.lastTickAt,
    nextRunAt: next,
  };
}

/** The instant a tick stands for: the pattern's latest slot at or before now (timers fire a little late). */
export function tickTime(cron: Cron, now = new Date()): Date {
  const floored = new Date(Math.floor(now.getTime() / 1000) * 1000);
  if (cron.match(floored)) return floored;
  return cron.previousRuns(1, new Date(floored.getTime() + 1000))[0] ?? floored;
}

export const tickKey = (scheduleName: string, at: Date) => `${scheduleName}:${at.toISOString()}`;

export interface NewSchedule<P> {
  /** Unique; defaults to the definition's name. */
  name?: string;
  cron: string;
  timezone?: string;
  payload: P;
  /** The user each job runs as. Routes pass the caller, never a user the caller picked. */
  principal: { id: string };
  enabled?: boolean;
}

/**
 * What fires a schedule's ticks. In-process: croner timers in each process that runs the
 * scheduler (the tick key keeps two processes from running a tick twice). BullMQ: a job
 * scheduler in Redis per schedule, so one delivery per tick for all workers
 * (backends/bullmq.ts).
 */
export interface ScheduleDriver {
  /** Starts firing an enabled schedule (again with the same id: replaces it). */
  arm(row: JobSchedule): Promise<void>;
  /** Stops firing it for good (disabled or deleted). */
  remove(id: string): Promise<void>;
  /** At start: `rows` are every enabled schedule; anything else the driver fires is dropped. */
  sync(rows: JobSchedule[]): Promise<void>;
  /** This process stops (a Redis-held schedule keeps firing for the other workers). */
  stop(): void;
}

class CronerDriver implements ScheduleDriver {
  private readonly crons = new Map<string, Cron>();
  private running = false;

  constructor(private readonly onTick: (row: JobSchedule, at: Date) => void) {}

  async arm(row: JobSchedule): Promise<void> {
    if (!this.running || !row.enabled) return;
    await this.remove(row.id);
    const cron = new Cron(row.cron, { timezone: row.timezone ?? undefined, unref: true }, (self) => this.onTick(row, tickTime(self)));
    this.crons.set(row.id, cron);
  }

  async remove(id: string): Promise<void> {
    this.crons.get(id)?.stop();
    this.crons.delete(id);
  }

  async sync(): Promise<void> {
    this.running = true;
  }

  stop(): void {
    this.running = false;
    for (const cron of this.crons.values()) cron.stop();
    this.crons.clear();
  }
}

export class Scheduler {
  private readonly driver: ScheduleDriver;
  private running = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly definitions: JobDefinition<any, any>[],
    driver?: ScheduleDriver,
  ) {
    this.driver =
      driver ??
      new CronerDriver((row, at) =>
        this.tick(row.id, at).catch((error) => console.error(`[jobs] schedule ${row.name} could not enqueue its job:`, (error as Error).message)),
      );
  }

  private definition(name: string): JobDefinition<any, any> {
    const found = this.definitions.find((d) => d.name === name);
    if (!found) throw new AppError("NOT_FOUND", `Job definition ${name} was not found`);
    return found;
  }

  /** Creates (or, with the same name, refuses) a schedule and arms it when the scheduler runs. */
  async schedule<P>(definition: JobDefinition<P, unknown>, input: NewSchedule<P>): Promise<ScheduleView> {
    this.definition(definition.name);
    parseCron(input.cron, input.timezone);
    const payload = definition.payloadSchema.safeParse(input.payload);
    if (!payload.success) {
      throw validationFailed(payload.error.issues.map((i) => ({ field: `payload.${i.path.join(".")}`, message: i.message })));
    }
    const name = input.name ?? definition.name;
    if (await db.jobSchedule.findUnique({ where: { name } })) throw conflict(`A schedule named ${name} already exists`);
    const row = await db.jobSchedule.create({
      data: {
        name,
        jobName: definition.name,
        cron: input.cron,
        timezone: input.timezone ?? null,
        payload: JSON.stringify(payload.data),
        principalId: input.principal.id,
        enabled: input.enabled ?? true,
      },
    });
    if (row.enabled) await this.driver.arm(row);
    return toView(row);
  }

  async list(): Promise<ScheduleView[]> {
    return (await db.jobSchedule.findMany({ orderBy: { name: "asc" } })).map(toView);
  }

  async get(id: string): Promise<ScheduleView> {
    const row = await db.jobSchedule.findUnique({ where: { id } });
    if (!row) throw notFound("Schedule", id);
    return toView(row);
  }

  async setEnabled(id: string, enabled: boolean): Promise<ScheduleView> {
    await this.get(id);
    const row = await db.jobSchedule.update({ where: { id }, data: { enabled } });
    await this.driver.remove(id);
    if (row.enabled) await this.driver.arm(row);
    return toView(row);
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.driver.remove(id);
    await db.jobSchedule.delete({ where: { id } });
  }

  /** Loads every enabled schedule and arms a timer for each. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const rows = await db.jobSchedule.findMany({ where: { enabled: true } });
    await this.driver.sync(rows);
    for (const row of rows) await this.driver.arm(row);
  }

  stop(): void {
    this.running = false;
    this.driver.stop();
  }

  /** Enqueues the job for one tick; safe to call twice for the same tick. */
  async tick(scheduleId: string, at: Date): Promise<void> {
    const row = await db.jobSchedule.findUnique({ where: { id: scheduleId } });
    if (!row || !row.enabled) return;
    const definition = this.definition(row.jobName);
    await this.queue.enqueue(definition, JSON.parse(row.payload), {
      principal: { id: row.principalId },
      idempotencyKey: tickKey(row.name, at),
      scheduleId: row.id,
    });
    await db.jobSchedule.updateMany({ where: { id: row.id }, data: { lastTickAt: at } });
  }
}
