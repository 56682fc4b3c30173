import "server-only";
import type { EventName, EventPayload } from "../../events/catalogue";
import { db } from "../../db";
import { accessTo } from "../access";
import type { SessionUser } from "../auth/session";
import { runOwnerId } from "../execution/run-records";

/**
 * The events a webhook can subscribe to, each derived from one catalogue event. The
 * InsightEngine spelling (`query_completed`) is accepted too.
 */
export const WEBHOOK_EVENTS = [
  "query.completed",
  "query.failed",
  "approval.requested",
  "approval.decided",
  "approval.executed",
  "schedule.run",
  "pipeline.finished",
  "pipeline.failed",
  "pipeline.approval.requested",
  "pipeline.approval.decided",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const normalizeWebhookEvent = (name: string): WebhookEvent | null => {
  const dotted = name.trim().toLowerCase().replace(/_/g, ".");
  return (WEBHOOK_EVENTS as readonly string[]).includes(dotted) ? (dotted as WebhookEvent) : null;
};

type Mapped = { event: WebhookEvent; data: Record<string, unknown> };

/** What a catalogue event means to webhooks (null: nothing to deliver). */
export function webhookEventOf<E extends EventName>(name: E, payload: EventPayload<E>): Mapped | null {
  const p = payload as unknown as Record<string, unknown>;
  switch (name) {
    case "query.status":
      if (p.status === "completed") return { event: "query.completed", data: p };
      if (p.status === "failed" || p.status === "rejected") return { event: "query.failed", data: p };
      return null;
    case "approval.submitted":
      return { event: "approval.requested", data: p };
    case "approval.reviewed":
      return p.status === "approved" || p.status === "rejected" ? { event: "approval.decided", data: p } : null;
    case "approval.committed":
      return { event: "approval.executed", data: p };
    case "schedule.run":
      return { event: "schedule.run", data: p };
    case "pipeline.finished":
      return { event: "pipeline.finished", data: p };
    case "pipeline.failed":
      return { event: "pipeline.failed", data: p };
    case "pipeline.approval_requested":
      return { event: "pipeline.approval.requested", data: p };
    case "pipeline.approval_decided":
      return { event: "pipeline.approval.decided", data: p };
    default:
      return null;
  }
}

/** The catalogue events the dispatcher listens to. */
export const SOURCE_EVENTS: EventName[] = ["query.status", "approval.submitted", "approval.reviewed", "approval.committed", "schedule.run", "pipeline.finished", "pipeline.failed", "pipeline.approval_requested", "pipeline.approval_decided"];

/**
 * Whether a webhook's owner may learn of this event: their own queries, schedules and
 * pipelines; approvals they asked for or may approve; admins everything. A webhook never
 * tells anyone more than the app would show them.
 */
export async function ownerMaySee(owner: SessionUser, event: WebhookEvent, data: Record<string, unknown>): Promise<boolean> {
  if (owner.role === "admin") return true;
  if (event === "query.completed" || event === "query.failed") {
    return (await runOwnerId(String(data.queryId))) === owner.id;
  }
  if (event.startsWith("approval.")) {
    const request = await db.approvalRequest.findUnique({ where: { id: String(data.approvalId) }, select: { requestedById: true, dataSourceId: true } });
    if (!request) return false;
    return request.requestedById === owner.id || (await accessTo(owner, request.dataSourceId)).canApprove;
  }
  if (event.startsWith("pipeline.approval.")) {
    // The pipeline's owner, and whoever may approve on every source it writes to.
    if (data.ownerId === owner.id) return true;
    const sources = Array.isArray(data.dataSourceIds) ? (data.dataSourceIds as string[]) : [];
    if (sources.length === 0) return false;
    for (const id of sources) if (!(await accessTo(owner, id)).canApprove) return false;
    return true;
  }
  return data.userId === owner.id;
}
