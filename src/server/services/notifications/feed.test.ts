import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { publish } from "@/server/events/bus";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { userPrincipal } from "@/server/services/principal";
import { grant } from "@/test/fixtures";
import { notificationFeed, type Notification } from "./feed";

const mk = (role: "analyst" | "developer") => createUser({ email: `feed-${role}-${Math.random().toString(36).slice(2)}@example.test`, password: "correct-horse-9", role });

/** Collects what a user's feed yields while `act` runs. */
async function collect(user: Awaited<ReturnType<typeof mk>>, act: () => Promise<void>): Promise<Notification[]> {
  const controller = new AbortController();
  const got: Notification[] = [];
  const feed = notificationFeed(userPrincipal(toSessionUser(user)), controller.signal);
  const reading = (async () => {
    for await (const n of feed) got.push(n);
  })();
  await new Promise((r) => setTimeout(r, 20));
  await act();
  await new Promise((r) => setTimeout(r, 300));
  controller.abort();
  await reading;
  return got;
}

describe("in-app notifications", () => {
  it("tells approvers of a new request, the requester of its moves, and nobody else", async () => {
    const ds = await db.dataSource.create({ data: { name: `feed-${Date.now()}`, engine: "sqlite", database: "/tmp/x.sqlite" } });
    const requester = await mk("developer");
    const approver = await mk("developer");
    const outsider = await mk("analyst");
    await grant(requester.id, ds.id, { canRead: true, canWrite: true });
    await grant(approver.id, ds.id, { canRead: true, canApprove: true });
    const request = await db.approvalRequest.create({ data: { dataSourceId: ds.id, requestedById: requester.id, sql: "DELETE FROM t", kind: "write", operation: "DELETE" } });

    const submit = async () => publish("approval.submitted", request.id, { approvalId: request.id, userId: requester.id });
    const toApprover = await collect(approver, submit);
    expect(toApprover).toEqual([expect.objectContaining({ kind: "approval.requested", id: request.id, role: "approver", status: "pending" })]);
    expect(await collect(outsider, submit)).toEqual([]);
    expect(await collect(requester, submit)).toEqual([]);

    const approve = async () => {
      await db.approvalRequest.update({ where: { id: request.id }, data: { status: "approved" } });
      publish("approval.reviewed", request.id, { approvalId: request.id, userId: approver.id, decision: "approved", status: "approved" });
    };
    const toRequester = await collect(requester, approve);
    expect(toRequester).toEqual([expect.objectContaining({ kind: "approval.updated", role: "requester", status: "approved", message: "Your request is now approved" })]);
    expect(await collect(outsider, approve)).toEqual([]);
  });
});
