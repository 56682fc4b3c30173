import "server-only";
import { createHash } from "node:crypto";
import { config } from "../../config";
import type { Webhook } from "@prisma/client";
import { db } from "../../db";
import { ReadCache } from "../../db/read-cache";
import { subscribeAny } from "../../events/bus";
import type { EventName, EventPayload } from "../../events/catalogue";
import { jobQueue, loadJobPrincipal } from "../../jobs";
import type { JobContext } from "../../jobs/definition";
import { webhookDeliveryJob } from "../../jobs/definitions/webhook-delivery";
import { decryptSecret } from "../crypto/secret-box";
import { postWebhook } from "./deliver";
import { ownerMaySee, SOURCE_EVENTS, webhookEventOf, type WebhookEvent } from "./events";

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const snakeKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [snake(k), v]));

/**
 * The active webhooks, read once and kept until any app-state write (db/read-cache.ts):
 * every query's status events pass through here, and most installs have no webhooks.
 */
const activeHooks = new ReadCache<"active", Webhook[]>(() => db.webhook.findMany({ where: { active: true } }), { max: 1, ttlMs: 30_000 });

/**
 * Turns catalogue events into webhook deliveries: one job per (webhook, event), keyed so
 * that the same event seen twice (two processes on the Redis bus) is delivered once. The
 * job carries the body, signed at each attempt; retries back off through the queue.
 */
export async function dispatchEvent<E extends EventName>(name: E, key: string, payload: EventPayload<E>): Promise<number> {
  const mapped = webhookEventOf(name, payload);
  if (!mapped) return 0;
  const subscribed = JSON.stringify(mapped.event); // `events` is a JSON array of names
  const hooks = (await activeHooks.get("active")).filter((hook) => hook.events.includes(subscribed));
  if (hooks.length === 0) return 0;
  let queued = 0;
  for (const hook of hooks) {
    const owner = await loadJobPrincipal(hook.ownerId);
    if (!owner || !(await ownerMaySee(owner, mapped.event, mapped.data))) continue;
    const fingerprint = createHash("sha256").update(`${name}:${key}:${JSON.stringify(payload)}`).digest("hex").slice(0, 32);
    const body = JSON.stringify({ event: mapped.event, occurred_at: new Date().toISOString(), data: snakeKeys(mapped.data) });
    const c = config();
    const job = await jobQueue().enqueue(webhookDeliveryJob, { webhookId: hook.id, event: mapped.event, body }, {
      principal: { id: hook.ownerId },
      idempotencyKey: `webhook:${hook.id}:${fingerprint}`,
      maxAttempts: c.QUARRY_WEBHOOK_MAX_ATTEMPTS,
      backoff: { type: "exponential", delayMs: c.QUARRY_WEBHOOK_RETRY_BASE_MS, maxDelayMs: 10 * 60_000 },
    });
    if (!job.existing) queued += 1;
  }
  return queued;
}

/** One attempt of a delivery job; a failure throws so the queue retries it (and the log says so). */
export async function attemptDelivery(payload: { webhookId: string; event: WebhookEvent | "webhook.test"; body: string }, ctx: JobContext, maxAttempts: number) {
  const hook = await db.webhook.findUnique({ where: { id: payload.webhookId } });
  if (!hook || !hook.active) return { skipped: true };
  const deliveryId = ctx.jobId;
  await db.webhookDelivery.upsert({
    where: { id: deliveryId },
    create: { id: deliveryId, webhookId: hook.id, event: payload.event, payload: payload.body },
    update: {},
  });
  const attempt = await postWebhook(hook.url, decryptSecret(hook.encryptedSecret), { event: payload.event, deliveryId, body: payload.body });
  const last = ctx.attempt >= maxAttempts;
  await db.webhookDelivery.update({
    where: { id: deliveryId },
    data: {
      attempts: ctx.attempt,
      status: attempt.ok ? "delivered" : last ? "failed" : "retrying",
      responseCode: attempt.responseCode,
      latencyMs: attempt.latencyMs,
      error: attempt.error,
      deliveredAt: attempt.ok ? new Date() : null,
    },
  });
  if (!attempt.ok) throw new Error(attempt.error ?? "The delivery failed");
  return { deliveryId, responseCode: attempt.responseCode, latencyMs: attempt.latencyMs };
}

const global = globalThis as unknown as { __quarryWebhookDispatcher?: () => void };

/** Boot: listen to the catalogue events webhooks can subscribe to (once per process). */
export function startWebhookDispatcher(): () => void {
  if (global.__quarryWebhookDispatcher) return global.__quarryWebhookDispatcher;
  const stops = SOURCE_EVENTS.map((name) =>
    subscribeAny(name, (payload, key) => {
      dispatchEvent(name, key, payload).catch((error) => console.error(`[webhooks] could not queue deliveries for ${name}:`, (error as Error).message));
    }),
  );
  const stop = () => {
    for (const s of stops) s();
    global.__quarryWebhookDispatcher = undefined;
  };
  global.__quarryWebhookDispatcher = stop;
  return stop;
}
