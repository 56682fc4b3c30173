import "server-only";
import type { Schedule } from "@prisma/client";
import { z } from "zod";
import { db } from "../../db";
import { notFound, validationFailed } from "../../errors";
import { jobSchedules } from "../../jobs";
import { scheduledQueryJob } from "../../jobs/definitions/scheduled-query";
import { recordAudit } from "../audit";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { getSavedQuery } from "../saved-queries";
import { cronOf, nextRunOf, type ScheduleSpec } from "./cron";

/**
 * Schedules of saved queries. Each is a row here plus one job schedule (jobs/schedules.ts),
 * which enqueues one `scheduled-query` job per tick across all workers; the job runs the
 * query with the owner's permissions as they are at run time.
 */
export interface ScheduleInput extends ScheduleSpec {
  savedQueryId: string;
  timezone?: string;
  notifyEmails?: string[];
  emailFormat?: "csv" | "link";
  webhookId?: string | null;
  active?: boolean;
}

export interface ScheduleView {
  id: string;
  savedQueryId: string;
  savedQueryTitle: string;
  cron: string;
  timezone: string;
  spec: ScheduleSpec;
  notifyEmails: string[];
  emailFormat: "csv" | "link";
  webhookId: string | null;
  active: boolean;
  failureCount: number;
  pausedReason: string | null;
  lastRunAt: string | null;
  nextRunAt: string | null;
  ownerId: string;
  createdAt: string;
}

export interface ScheduleRunView {
  id: string;
  status: string;
  queryRunId: string | null;
  rowCount: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

const jobScheduleName = (id: string) => `saved-query-schedule:${id}`;
const emails = z.array(z.string().trim().email("an email address").max(320)).max(50);

const toView = (s: Schedule & { savedQuery: { title: string } }): ScheduleView => ({
  id: s.id,
  savedQueryId: s.savedQueryId,
  savedQueryTitle: s.savedQuery.title,
  cron: s.cron,
  timezone: s.timezone,
  spec: JSON.parse(s.spec) as ScheduleSpec,
  notifyEmails: JSON.parse(s.notifyEmails) as string[],
  emailFormat: s.emailFormat === "link" ? "link" : "csv",
  webhookId: s.webhookId,
  active: s.active,
  failureCount: s.failureCount,
  pausedReason: s.pausedReason,
  lastRunAt: s.lastRunAt?.toISOString() ?? null,
  nextRunAt: s.active ? (nextRunOf(s.cron, s.timezone)?.toISOString() ?? null) : null,
  ownerId: s.ownerId,
  createdAt: s.createdAt.toISOString(),
});

const include = { savedQuery: { select: { title: true } } } as const;

function checkTimezone(tz: string): string {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    throw validationFailed([{ field: "timezone", message: "an IANA time zone such as Europe/Berlin or UTC" }]);
  }
}

async function checkWebhook(ownerId: string, webhookId: string | null | undefined) {
  if (!webhookId) return;
  const hook = await db.webhook.findUnique({ where: { id: webhookId } });
  if (!hook || hook.ownerId !== ownerId) throw validationFailed([{ field: "webhook_id", message: "one of your webhooks" }]);
}

function parseEmails(list: string[] | undefined): string[] {
  const parsed = emails.safeParse(list ?? []);
  if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => ({ field: `notify_emails.${i.path.join(".")}`, message: i.message })));
  return [...new Set(parsed.data.map((e) => e.toLowerCase()))];
}

async function load(principal: Principal, id: string) {
  const user = requireActingUser(principal);
  const s = await db.schedule.findUnique({ where: { id }, include });
  if (!s || (s.ownerId !== user.id && user.role !== "admin")) throw notFound("Schedule", id);
  return s;
}

/** Re-creates the job schedule from the row (cron, time zone, active). */
async function arm(s: Schedule): Promise<void> {
  const scheduler = jobSchedules();
  const existing = (await scheduler.list()).find((j) => j.name === jobScheduleName(s.id));
  if (existing) await scheduler.remove(existing.id);
  await scheduler.schedule(scheduledQueryJob, { name: jobScheduleName(s.id), cron: s.cron, timezone: s.timezone, payload: { scheduleId: s.id }, principal: { id: s.ownerId }, enabled: s.active });
}

export async function createSchedule(principal: Principal, input: ScheduleInput): Promise<ScheduleView> {
  const user = requireActingUser(principal);
  // The owner must be able to read the saved query (404 otherwise).
  await getSavedQuery(principal, input.savedQueryId);
  const timezone = checkTimezone(input.timezone ?? "UTC");
  const cron = cronOf(input, timezone);
  await checkWebhook(user.id, input.webhookId);
  const s = await db.schedule.create({
    data: {
      ownerId: user.id,
      savedQueryId: input.savedQueryId,
      cron,
      timezone,
      spec: JSON.stringify({ frequency: input.frequency, dayOfWeek: input.dayOfWeek, dayOfMonth: input.dayOfMonth, time: input.time, cron: input.cron }),
      notifyEmails: JSON.stringify(parseEmails(input.notifyEmails)),
      emailFormat: input.emailFormat ?? "csv",
      webhookId: input.webhookId ?? null,
      active: input.active ?? true,
    },
    include,
  });
  await arm(s);
  await recordAudit(auditActorOf(principal), { action: "create_schedule", resourceType: "schedule", resourceId: s.id, details: { cron } });
  return toView(s);
}

export async function listSchedules(principal: Principal): Promise<ScheduleView[]> {
  const user = requireActingUser(principal);
  const rows = await db.schedule.findMany({ where: user.role === "admin" ? {} : { ownerId: user.id }, include, orderBy: { createdAt: "desc" } });
  return rows.map(toView);
}

export async function getSchedule(principal: Principal, id: string): Promise<ScheduleView> {
  return toView(await load(principal, id));
}

export async function updateSchedule(principal: Principal, id: string, patch: Partial<ScheduleInput>): Promise<ScheduleView> {
  const current = await load(principal, id);
  const timezone = patch.timezone ? checkTimezone(patch.timezone) : current.timezone;
  const timing = patch.cron || patch.frequency || patch.time || patch.dayOfWeek || patch.dayOfMonth;
  const spec = timing ? { frequency: patch.frequency, dayOfWeek: patch.dayOfWeek, dayOfMonth: patch.dayOfMonth, time: patch.time, cron: patch.cron } : (JSON.parse(current.spec) as ScheduleSpec);
  const cron = timing || patch.timezone ? cronOf(spec, timezone) : current.cron;
  await checkWebhook(current.ownerId, patch.webhookId);
  const resumed = patch.active === true && !current.active;
  const s = await db.schedule.update({
    where: { id },
    data: {
      cron,
      timezone,
      spec: JSON.stringify(spec),
      ...(patch.notifyEmails ? { notifyEmails: JSON.stringify(parseEmails(patch.notifyEmails)) } : {}),
      ...(patch.emailFormat ? { emailFormat: patch.emailFormat } : {}),
      ...(patch.webhookId !== undefined ? { webhookId: patch.webhookId } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      // Resuming a paused schedule starts its failure count again.
      ...(resumed ? { failureCount: 0, pausedReason: null } : {}),
    },
    include,
  });
  await arm(s);
  await recordAudit(auditActorOf(principal), { action: "update_schedule", resourceType: "schedule", resourceId: id });
  return toView(s);
}

export async function deleteSchedule(principal: Principal, id: string): Promise<void> {
  await load(principal, id);
  const scheduler = jobSchedules();
  const existing = (await scheduler.list()).find((j) => j.name === jobScheduleName(id));
  if (existing) await scheduler.remove(existing.id);
  await db.schedule.delete({ where: { id } });
  await recordAudit(auditActorOf(principal), { action: "delete_schedule", resourceType: "schedule", resourceId: id });
}

export async function listScheduleRuns(principal: Principal, id: string, limit = 50): Promise<ScheduleRunView[]> {
  await load(principal, id);
  const runs = await db.scheduleRun.findMany({ where: { scheduleId: id }, orderBy: { startedAt: "desc" }, take: Math.min(limit, 200) });
  return runs.map((r) => ({
    id: r.id,
    status: r.status,
    queryRunId: r.queryRunId,
    rowCount: r.rowCount,
    error: r.error,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}

/** Pauses a schedule (the job schedule stops ticking); used after too many failures in a row. */
export async function pauseSchedule(id: string, reason: string): Promise<void> {
  const s = await db.schedule.update({ where: { id }, data: { active: false, pausedReason: reason } });
  await arm(s);
}
