import "server-only";
import { z } from "zod";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, testWebhook, updateWebhook } from "../../services/webhooks";
import { WEBHOOK_EVENTS } from "../../services/webhooks/events";
import { authedProcedure } from "../../trpc";
import { deliveryDto, webhookDto, webhookId, webhookInput } from "./dto";

/** The answer to `create` is the only time the signing secret is shown. */
export const create = authedProcedure
  .input(webhookInput)
  .output(webhookDto.extend({ secret: z.string() }))
  .mutation(({ ctx, input }) => createWebhook(ctx.principal, input));

export const list = authedProcedure.output(z.array(webhookDto)).query(({ ctx }) => listWebhooks(ctx.principal));

export const events = authedProcedure.output(z.array(z.string())).query(() => [...WEBHOOK_EVENTS]);

export const update = authedProcedure
  .input(webhookId.extend({ events: z.array(z.string().max(64)).min(1).max(20).optional(), active: z.boolean().optional() }))
  .output(webhookDto)
  .mutation(({ ctx, input }) => updateWebhook(ctx.principal, input.id, input));

export const remove = authedProcedure
  .input(webhookId)
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await deleteWebhook(ctx.principal, input.id);
    return { ok: true as const };
  });

export const deliveries = authedProcedure
  .input(webhookId.extend({ limit: z.number().int().min(1).max(200).default(50) }))
  .output(z.array(deliveryDto))
  .query(({ ctx, input }) => listDeliveries(ctx.principal, input.id, input.limit));

export const test = authedProcedure.input(webhookId).output(deliveryDto).mutation(({ ctx, input }) => testWebhook(ctx.principal, input.id));
