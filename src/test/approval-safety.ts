import { expect } from "vitest";
import { db } from "@/server/db";
import { grant } from "./fixtures";
import { rest, signedInUser } from "./rest-client";

/**
 * Shared steps of the "nothing runs before commit" tests: a requester (can_write), an
 * approver (can_approve) and someone who holds both; REST and tRPC callers for each.
 */
export type Person = Awaited<ReturnType<typeof signedInUser>>;

export async function approvalPeople(dataSourceId: string) {
  const requester = await signedInUser("analyst");
  const approver = await signedInUser("developer");
  const both = await signedInUser("developer");
  const reader = await signedInUser("analyst");
  const requesterGroup = await grant(requester.user.id, dataSourceId, { canRead: true, canWrite: true });
  await grant(approver.user.id, dataSourceId, { canRead: true, canApprove: true });
  await grant(both.user.id, dataSourceId, { canRead: true, canWrite: true, canApprove: true });
  await grant(reader.user.id, dataSourceId, { canRead: true });
  return { requester, approver, both, reader, requesterGroup };
}

export async function trpcAs(person: Person) {
  const { createCaller } = await import("@/server/routers/_app");
  const { sessionFromBearer } = await import("@/server/services/auth/session");
  return createCaller({ session: await sessionFromBearer(person.token), sessionError: null, meta: {}, bearerToken: null });
}

export const submitSql = (person: Person, dataSourceId: string, sql: string) =>
  rest("POST", "/queries", { token: person.token, body: { data_source_id: dataSourceId, query_text: sql } });

/** Files `sql` (202 expected) and returns the approval id. */
export async function fileRequest(person: Person, dataSourceId: string, sql: string): Promise<string> {
  const res = await submitSql(person, dataSourceId, sql);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.approval_id as string;
}

export const approve = (person: Person, id: string) =>
  rest("POST", `/approvals/${id}/review`, { token: person.token, body: { decision: "approved", comments: "ok" } });

export const commit = (person: Person, id: string) => rest("POST", `/transactions/${id}/commit`, { token: person.token });

export const approvalCount = (dataSourceId: string) => db.approvalRequest.count({ where: { dataSourceId } });

export const statusOf = async (id: string) => (await db.approvalRequest.findUniqueOrThrow({ where: { id } })).status;

/**
 * Files, approves and checks that the request was NOT previewed: no preview, a reason
 * shown instead, high risk. Returns the approval's REST view after the approval.
 */
export async function approveUnpreviewable(requester: Person, approver: Person, dataSourceId: string, sql: string, reason: RegExp) {
  const id = await fileRequest(requester, dataSourceId, sql);
  const approved = await approve(approver, id);
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  const view = approved.body.approval;
  expect(view.status).toBe("approved");
  expect(view.preview).toBeNull();
  expect(view.preview_unavailable_reason).toMatch(reason);
  expect(view.risk_level).toBe("high");
  expect(view.risk_reasons.join(" ")).toMatch(/Cannot be previewed/);
  return { id, view };
}
