import "server-only";
import { randomBytes } from "node:crypto";
import type { Webhook } from "@prisma/client";
import { db } from "../../db";
import { notFound, validationFailed } from "../../errors";
import { recordAudit } from "../audit";
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { postWebhook } from "./deliver";
import { normalizeWebhookEvent, type WebhookEvent } from "./events";
import { resolveWebhookTarget } from "./target";

/**
 * Webhooks: an HTTPS endpoint subscribed to catalogue events. Each has its own signing
 * secret, shown once at creation and stored encrypted. Owners see and manage their own;
 * admins see all.
 */
export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  ownerId: string;
  createdAt: string;
  lastDelivery: { status: string; responseCode: number | null; at: string } | null;
}

export interface DeliveryView {
  id: string;
  event: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

const toView = (w: Webhook & { deliveries?: { status: string; responseCode: number | null; createdAt: Date }[] }): WebhookView => {
  const last = w.deliveries?.[0];
  return {
    id: w.id,
    url: w.url,
    events: JSON.parse(w.events) as WebhookEvent[],
    active: w.active,
    ownerId: w.ownerId,
    createdAt: w.createdAt.toISOString(),
    lastDelivery: last ? { status: last.status, responseCode: last.responseCode, at: last.createdAt.toISOString() } : null,
  };
};

export const toDeliveryView = (d: {
  id: string; event: string; status: string; attempts: number; responseCode: number | null; latencyMs: number | null; error: string | null; createdAt: Date; deliveredAt: Date | null;
}): DeliveryView => ({
  id: d.id,
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  responseCode: d.responseCode,
  latencyMs: d.latencyMs,
  error: d.error,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
});

function parseEvents(names: string[]): WebhookEvent[] {
  const events = [...new Set(names.map((n) => normalizeWebhookEvent(n)))];
  const unknown = names.filter((n) => !normalizeWebhookEvent(n));
  if (unknown.length || events.length === 0) {
    throw validationFailed([{ field: "events", message: unknown.length ? `unknown event(s): ${unknown.join(", ")}` : "at least one event" }]);
  }
  return events as WebhookEvent[];
}

const lastDelivery = { deliveries: { orderBy: { createdAt: "desc" as const }, take: 1, select: { status: true, responseCode: true, createdAt: true } } };

async function load(principal: Principal, id: string): Promise<Webhook> {
  const user = requireActingUser(principal);
  const w = await db.webhook.findUnique({ where: { id } });
  if (!w || (w.ownerId !== user.id && user.role !== "admin")) throw notFound("Webhook", id);
  return w;
}

export async function createWebhook(principal: Principal, input: { url: string; events: string[]; active?: boolean }): Promise<WebhookView & { secret: string }> {
  const user = requireActingUser(principal);
  const events = parseEvents(input.events);
  await resolveWebhookTarget(input.url);
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const w = await db.webhook.create({
    data: { ownerId: user.id, url: input.url, events: JSON.stringify(events), encryptedSecret: encryptSecret(secret), active: input.active ?? true },
  });
  await recordAudit(auditActorOf(principal), { action: "create_webhook", resourceType: "webhook", resourceId: w.id, details: { events, host: new URL(input.url).host } });
  return { ...toView(w), secret };
}

export async function listWebhooks(principal: Principal): Promise<WebhookView[]> {
  const user = requireActingUser(principal);
  const rows = await db.webhook.findMany({ where: user.role === "admin" ? {} : { ownerId: user.id }, include: lastDelivery, orderBy: { createdAt: "desc" } });
  return rows.map(toView);
}

export async function updateWebhook(principal: Principal, id: string, patch: { events?: string[]; active?: boolean }): Promise<WebhookView> {
  await load(principal, id);
  const w = await db.webhook.update({
    where: { id },
    data: { ...(patch.events ? { events: JSON.stringify(parseEvents(patch.events)) } : {}), ...(patch.active !== undefined ? { active: patch.active } : {}) },
    include: lastDelivery,
  });
  return toView(w);
}

export async function deleteWebhook(principal: Principal, id: string): Promise<void> {
  await load(principal, id);
  await db.webhook.delete({ where: { id } });
  await recordAudit(auditActorOf(principal), { action: "delete_webhook", resourceType: "webhook", resourceId: id });
}

export async function listDeliveries(principal: Principal, id: string, limit = 50): Promise<DeliveryView[]> {
  await load(principal, id);
  const rows = await db.webhookDelivery.findMany({ where: { webhookId: id }, orderBy: { createdAt: "desc" }, take: Math.min(limit, 200) });
  return rows.map(toDeliveryView);
}

/** The test button: one signed `webhook.test` delivery now (no retries), recorded in the log. */
export async function testWebhook(principal: Principal, id: string): Promise<DeliveryView> {
  const w = await load(principal, id);
  const delivery = await db.webhookDelivery.create({ data: { webhookId: w.id, event: "webhook.test", payload: "{}" } });
  const body = JSON.stringify({ event: "webhook.test", delivery_id: delivery.id, occurred_at: new Date().toISOString(), data: { webhook_id: w.id, message: "Test delivery from Quarry" } });
  const attempt = await postWebhook(w.url, decryptSecret(w.encryptedSecret), { event: "webhook.test", deliveryId: delivery.id, body });
  const row = await db.webhookDelivery.update({
    where: { id: delivery.id },
    data: {
      payload: body,
      attempts: 1,
      status: attempt.ok ? "delivered" : "failed",
      responseCode: attempt.responseCode,
      latencyMs: attempt.latencyMs,
      error: attempt.error,
      deliveredAt: attempt.ok ? new Date() : null,
    },
  });
  return toDeliveryView(row);
}
