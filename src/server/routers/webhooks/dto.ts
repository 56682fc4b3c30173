import "server-only";
import { z } from "zod";

export const webhookDto = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  ownerId: z.string(),
  createdAt: z.string(),
  lastDelivery: z.object({ status: z.string(), responseCode: z.number().nullable(), at: z.string() }).nullable(),
});

export const deliveryDto = z.object({
  id: z.string(),
  event: z.string(),
  status: z.string(),
  attempts: z.number(),
  responseCode: z.number().nullable(),
  latencyMs: z.number().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

export const webhookId = z.object({ id: z.string().min(1).max(100) });
export const webhookInput = z.object({
  url: z.string().trim().min(1, "url is required").max(2000),
  events: z.array(z.string().max(64)).min(1, "at least one event").max(20),
  active: z.boolean().optional(),
});
