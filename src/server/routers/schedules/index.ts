import "server-only";
import { z } from "zod";
import { createSchedule, deleteSchedule, getSchedule, listScheduleRuns, listSchedules, updateSchedule } from "../../services/schedules";
import { FREQUENCIES } from "../../services/schedules/cron";
import { authedProcedure, createTRPCRouter } from "../../trpc";

const scheduleDto = z.object({
  id: z.string(),
  savedQueryId: z.string(),
  savedQueryTitle: z.string(),
  cron: z.string(),
  timezone: z.string(),
  spec: z.object({ frequency: z.enum(FREQUENCIES).optional(), dayOfWeek: z.string().optional(), dayOfMonth: z.number().optional(), time: z.string().optional(), cron: z.string().optional() }),
  notifyEmails: z.array(z.string()),
  emailFormat: z.enum(["csv", "link"]),
  webhookId: z.string().nullable(),
  active: z.boolean(),
  failureCount: z.number(),
  pausedReason: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  ownerId: z.string(),
  createdAt: z.string(),
});
const runDto = z.object({ id: z.string(), status: z.string(), queryRunId: z.string().nullable(), rowCount: z.number().nullable(), error: z.string().nullable(), startedAt: z.string(), finishedAt: z.string().nullable() });

export const scheduleInput = z.object({
  savedQueryId: z.string().min(1, "saved query is required").max(100),
  frequency: z.enum(FREQUENCIES).optional(),
  dayOfWeek: z.string().max(20).optional(),
  dayOfMonth: z.number().int().optional(),
  time: z.string().max(5).optional(),
  cron: z.string().max(100).optional(),
  timezone: z.string().max(64).optional(),
  notifyEmails: z.array(z.string().max(320)).max(50).optional(),
  emailFormat: z.enum(["csv", "link"]).optional(),
  webhookId: z.string().max(100).nullable().optional(),
  active: z.boolean().optional(),
});
const id = z.object({ id: z.string().min(1).max(100) });

export const schedulesRouter = createTRPCRouter({
  create: authedProcedure.input(scheduleInput).output(scheduleDto).mutation(({ ctx, input }) => createSchedule(ctx.principal, input)),
  list: authedProcedure.output(z.array(scheduleDto)).query(({ ctx }) => listSchedules(ctx.principal)),
  get: authedProcedure.input(id).output(scheduleDto).query(({ ctx, input }) => getSchedule(ctx.principal, input.id)),
  update: authedProcedure
    .input(id.extend({ patch: scheduleInput.partial().omit({ savedQueryId: true }) }))
    .output(scheduleDto)
    .mutation(({ ctx, input }) => updateSchedule(ctx.principal, input.id, input.patch)),
  remove: authedProcedure
    .input(id)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteSchedule(ctx.principal, input.id);
      return { ok: true as const };
    }),
  runs: authedProcedure
    .input(id.extend({ limit: z.number().int().min(1).max(200).default(50) }))
    .output(z.array(runDto))
    .query(({ ctx, input }) => listScheduleRuns(ctx.principal, input.id, input.limit)),
});
