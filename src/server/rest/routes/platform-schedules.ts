import "server-only";
import { z } from "zod";
import { createSchedule, deleteSchedule, listScheduleRuns, listSchedules, updateSchedule } from "../../services/schedules";
import { defineRoute } from "../route";

/** InsightEngine's `/schedules` (scheduled saved queries), plus the run history. */
type Schedule = Awaited<ReturnType<typeof listSchedules>>[number];

const text = z.string();
const nullableText = text.nullable();
const restSchedule = z.object({
  id: text, query_id: text, query_title: text, frequency: nullableText, day_of_week: nullableText, day_of_month: z.number().nullable(),
  time: nullableText, cron: text, timezone: text, notify_emails: z.array(text), email_format: text, webhook_id: nullableText,
  active: z.boolean(), failure_count: z.number(), paused_reason: nullableText, last_run_at: nullableText, next_run_at: nullableText,
  created_by: text, created_at: text,
});
const insightSchedule = (s: Schedule): z.infer<typeof restSchedule> => ({
  id: s.id,
  query_id: s.savedQueryId,
  query_title: s.savedQueryTitle,
  frequency: s.spec.frequency ?? null,
  day_of_week: s.spec.dayOfWeek ?? null,
  day_of_month: s.spec.dayOfMonth ?? null,
  time: s.spec.time ?? null,
  cron: s.cron,
  timezone: s.timezone,
  notify_emails: s.notifyEmails,
  email_format: s.emailFormat,
  webhook_id: s.webhookId,
  active: s.active,
  failure_count: s.failureCount,
  paused_reason: s.pausedReason,
  last_run_at: s.lastRunAt,
  next_run_at: s.nextRunAt,
  created_by: s.ownerId,
  created_at: s.createdAt,
});

const tag = "schedules";
const fields = {
  frequency: z.enum(["hourly", "daily", "weekly", "monthly"]).optional(),
  day_of_week: z.string().max(20).optional(),
  day_of_month: z.number().int().optional(),
  time: z.string().max(5).optional(),
  cron: z.string().max(100).optional(),
  timezone: z.string().max(64).optional(),
  notify_emails: z.array(z.string().max(320)).max(50).optional(),
  email_format: z.enum(["csv", "link"]).optional(),
  webhook_id: z.string().max(100).nullable().optional(),
  active: z.boolean().optional(),
};
type Fields = { [K in keyof typeof fields]?: z.infer<(typeof fields)[K]> };
const toInput = (b: Fields) =>
  Object.fromEntries(
    Object.entries({
      frequency: b.frequency, dayOfWeek: b.day_of_week, dayOfMonth: b.day_of_month, time: b.time, cron: b.cron, timezone: b.timezone,
      notifyEmails: b.notify_emails, emailFormat: b.email_format, webhookId: b.webhook_id, active: b.active,
    }).filter(([, v]) => v !== undefined),
  );

export const scheduleRoutes = [
  defineRoute({
    method: "POST", path: "/schedules", format: "insight", auth: "user", procedure: "schedules.create", tag, successStatus: 201,
    summary: "Schedule a saved query (frequency/day_of_week/time or cron); results by email and/or webhook", response: restSchedule,
    exampleBody: { query_id: "3f2a…", frequency: "weekly", day_of_week: "monday", time: "08:00", notify_emails: ["team@example.com"] },
    body: z.object({ query_id: z.string({ error: "query_id is required" }).min(1, "query_id is required").max(100), ...fields })
      .refine((b) => b.frequency || b.cron, { message: "frequency or cron is required", path: ["frequency"] }),
    async handle({ principal, body }) {
      return { body: insightSchedule(await createSchedule(principal, { savedQueryId: body.query_id, ...toInput(body) })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/schedules", format: "insight", auth: "user", procedure: "schedules.list", tag,
    summary: "Your scheduled queries (admins: all)", response: z.object({ schedules: z.array(restSchedule), total: z.number() }),
    async handle({ principal }) {
      const items = await listSchedules(principal);
      return { body: { schedules: items.map(insightSchedule), total: items.length } };
    },
  }),
  defineRoute({
    method: "PUT", path: "/schedules/:id", format: "insight", auth: "user", procedure: "schedules.update", tag,
    summary: "Change, pause (active: false) or resume a schedule", response: restSchedule,
    body: z.object(fields),
    async handle({ principal, params, body }) {
      return { body: insightSchedule(await updateSchedule(principal, params.id!, toInput(body))) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/schedules/:id", format: "insight", auth: "user", procedure: "schedules.remove", tag,
    summary: "Delete a schedule", response: z.object({ message: text, id: text }),
    async handle({ principal, params }) {
      await deleteSchedule(principal, params.id!);
      return { body: { message: "Schedule deleted", id: params.id } };
    },
  }),
  defineRoute({
    method: "GET", path: "/schedules/:id/runs", format: "insight", auth: "user", procedure: "schedules.runs", tag,
    summary: "The schedule's run history",
    response: z.object({ runs: z.array(z.object({ id: text, status: text, query_run_id: nullableText, row_count: z.number().nullable(), error: nullableText, started_at: text, finished_at: nullableText })) }), addition: "The document has no run history; the issue asks for one",
    async handle({ principal, params }) {
      const runs = await listScheduleRuns(principal, params.id!, 50);
      return {
        body: {
          runs: runs.map((r) => ({ id: r.id, status: r.status, query_run_id: r.queryRunId, row_count: r.rowCount, error: r.error, started_at: r.startedAt, finished_at: r.finishedAt })),
        },
      };
    },
  }),
];
