import "server-only";
import { db } from "../../db";
import { subscribeAny } from "../../events/bus";
import type { EventName } from "../../events/catalogue";
import { accessTo } from "../access";
import { requireActingUser, type Principal } from "../principal";

/**
 * In-app notifications for one signed-in user, from the event bus: approvers hear of new
 * requests on sources they may approve (and of every change that moves the pending count);
 * requesters hear their own request move (approved, rejected, executed, failed...); owners
 * hear of schedule runs that failed or paused. Nothing about a request the user could not open.
 */
export interface Notification {
  kind: "approval.requested" | "approval.updated" | "schedule.failed";
  /** For approvals: the request; for schedules: the schedule. */
  id: string;
  status: string;
  /** You asked for it (requester) or you may review it (approver). */
  role: "requester" | "approver" | "owner";
  message: string;
}

const APPROVAL_EVENTS: EventName[] = [
  "approval.submitted",
  "approval.reviewed",
  "approval.committed",
  "approval.failed",
  "approval.retried",
  "approval.rolled_back",
  "approval.reverted",
];

async function approvalNotification(userId: string, event: EventName, approvalId: string, actorId: string, principal: Principal): Promise<Notification | null> {
  const user = requireActingUser(principal);
  const request = await db.approvalRequest.findUnique({ where: { id: approvalId }, select: { requestedById: true, dataSourceId: true, status: true, operation: true } });
  if (!request) return null;
  const requester = request.requestedById === userId;
  const approver = !requester && (await accessTo(user, request.dataSourceId)).canApprove;
  if (!requester && !approver) return null;
  if (event === "approval.submitted") {
    if (!approver || actorId === userId) return null;
    return { kind: "approval.requested", id: approvalId, status: request.status, role: "approver", message: `A ${request.operation} statement waits for your review` };
  }
  // The requester is told about moves made by someone else; approvers only need the count refreshed.
  return {
    kind: "approval.updated",
    id: approvalId,
    status: request.status,
    role: requester ? "requester" : "approver",
    message: requester ? `Your request is now ${request.status.replace(/_/g, " ")}` : `A request is now ${request.status.replace(/_/g, " ")}`,
  };
}

/**
 * Yields the user's notifications until `signal` aborts. Events are queued while one is
 * being checked, so none is lost to a slow permission lookup.
 */
export async function* notificationFeed(principal: Principal, signal: AbortSignal): AsyncGenerator<Notification> {
  const user = requireActingUser(principal);
  const queue: Notification[] = [];
  let wake: (() => void) | null = null;
  const push = (n: Notification | null) => {
    if (!n) return;
    queue.push(n);
    wake?.();
  };
  const stops = APPROVAL_EVENTS.map((name) =>
    subscribeAny(name, (payload) => {
      const p = payload as unknown as { approvalId: string; userId: string };
      approvalNotification(user.id, name, p.approvalId, p.userId, principal).then(push, () => undefined);
    }),
  );
  stops.push(
    subscribeAny("schedule.run", (p) => {
      if (p.userId === user.id && p.status === "failed") {
        push({ kind: "schedule.failed", id: p.scheduleId, status: p.paused ? "paused" : "failed", role: "owner", message: p.paused ? "A schedule failed too often and was paused" : "A scheduled query failed" });
      }
    }),
  );
  const aborted = new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  try {
    while (!signal.aborted) {
      while (queue.length) yield queue.shift()!;
      await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
      wake = null;
    }
  } finally {
    for (const stop of stops) stop();
  }
}
