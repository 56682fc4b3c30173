import "server-only";
import { z } from "zod";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, testWebhook } from "../../services/webhooks";
import { defineRoute } from "../route";

/** InsightEngine's `/webhooks`, plus the delivery log and the test button. */
type Hook = Awaited<ReturnType<typeof listWebhooks>>[number];
type Delivery = Awaited<ReturnType<typeof listDeliveries>>[number];

const text = z.string();
const restHook = z.object({
  id: text, url: text, event: text.optional(), events: z.array(text), active: z.boolean(), created_by: text.nullable(), created_at: text,
  last_delivery: z.object({ status: text, response_code: z.number().nullable(), at: text }).nullable(),
});
const restDelivery = z.object({
  id: text, event: text, status: text, attempts: z.number(), response_code: z.number().nullable(), latency_ms: z.number().nullable(),
  error: text.nullable(), created_at: text, delivered_at: text.nullable(),
});
const insightHook = (h: Hook): z.infer<typeof restHook> => ({
  id: h.id,
  url: h.url,
  event: h.events[0],
  events: h.events,
  active: h.active,
  created_by: h.ownerId,
  created_at: h.createdAt,
  last_delivery: h.lastDelivery ? { status: h.lastDelivery.status, response_code: h.lastDelivery.responseCode, at: h.lastDelivery.at } : null,
});
const insightDelivery = (d: Delivery): z.infer<typeof restDelivery> => ({
  id: d.id, event: d.event, status: d.status, attempts: d.attempts, response_code: d.responseCode,
  latency_ms: d.latencyMs, error: d.error, created_at: d.createdAt, delivered_at: d.deliveredAt,
});
const tag = "webhooks";
const why = "The document has no delivery log or test; the issue asks for both";

export const webhookRoutes = [
  defineRoute({
    method: "POST", path: "/webhooks", format: "insight", auth: "user", procedure: "webhooks.create", tag, successStatus: 201,
    summary: "Register a webhook for events; the signing secret is in this answer only",
    response: restHook.extend({ secret: text, signature: z.object({ header: text, timestamp_header: text, scheme: text }) }),
    exampleBody: { url: "https://hooks.example.com/quarry", events: ["query.completed"] },
    body: z
      .object({
        url: z.string({ error: "url is required" }).trim().min(1, "url is required").max(2000),
        event: z.string().max(64).optional(),
        events: z.array(z.string().max(64)).max(20).optional(),
        active: z.boolean().optional(),
      })
      .refine((b) => b.event || b.events?.length, { message: "event or events is required", path: ["event"] }),
    async handle({ principal, body }) {
      const events = [...new Set([...(body.event ? [body.event] : []), ...(body.events ?? [])])];
      const h = await createWebhook(principal, { url: body.url, events, active: body.active });
      return {
        body: {
          ...insightHook(h),
          secret: h.secret,
          signature: { header: "X-Quarry-Signature", timestamp_header: "X-Quarry-Timestamp", scheme: "sha256=HMAC-SHA256(secret, timestamp + '.' + body)" },
        },
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/webhooks", format: "insight", auth: "user", procedure: "webhooks.list", tag,
    summary: "Your webhooks (admins: all)", response: z.object({ webhooks: z.array(restHook), total: z.number() }),
    async handle({ principal }) {
      const hooks = await listWebhooks(principal);
      return { body: { webhooks: hooks.map(insightHook), total: hooks.length } };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/webhooks/:id", format: "insight", auth: "user", procedure: "webhooks.remove", tag,
    summary: "Delete a webhook", response: z.object({ message: text, id: text }),
    async handle({ principal, params }) {
      await deleteWebhook(principal, params.id!);
      return { body: { message: "Webhook deleted", id: params.id } };
    },
  }),
  defineRoute({
    method: "GET", path: "/webhooks/:id/deliveries", format: "insight", auth: "user", procedure: "webhooks.deliveries", tag, addition: why,
    summary: "The delivery log: status, attempts, response code, latency", response: z.object({ deliveries: z.array(restDelivery) }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    async handle({ principal, params, query }) {
      return { body: { deliveries: (await listDeliveries(principal, params.id!, query.limit)).map(insightDelivery) } };
    },
  }),
  defineRoute({
    method: "POST", path: "/webhooks/:id/test", format: "insight", auth: "user", procedure: "webhooks.test", tag, addition: why,
    summary: "Send a signed test delivery now", response: restDelivery,
    async handle({ principal, params }) {
      return { body: insightDelivery(await testWebhook(principal, params.id!)) };
    },
  }),
];
