import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { subscribeAny } from "@/server/events/bus";
import type { EventName } from "@/server/events/catalogue";
import { sessionFromBearer } from "@/server/services/auth/session";
import { grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

/** The approval lifecycle on the bus: each step of a real flow publishes its catalogue event. */
const APPROVAL_EVENTS = [
  "approval.submitted",
  "approval.reviewed",
  "approval.previewed",
  "approval.committed",
  "approval.failed",
  "approval.retried",
  "approval.rolled_back",
  "approval.reverted",
] as const satisfies readonly EventName[];

let dataSourceId = "";
const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-approval-events-")), "bank.sqlite");
const seen: { event: EventName; key: string; payload: Record<string, unknown> }[] = [];
const offs: (() => void)[] = [];

beforeAll(async () => {
  const sqlite = new Database(file);
  sqlite.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER NOT NULL)");
  const insert = sqlite.prepare("INSERT INTO accounts VALUES (?, ?, 100)");
  for (let i = 1; i <= 5; i++) insert.run(i, `owner${i}`);
  sqlite.close();
  dataSourceId = (await db.dataSource.create({ data: { name: "bank-events", engine: "sqlite", database: file } })).id;
  for (const event of APPROVAL_EVENTS) {
    offs.push(subscribeAny(event, (payload, key) => seen.push({ event, key, payload: { ...payload } })));
  }
});
afterAll(() => offs.forEach((off) => off()));

const eventsOf = (id: string) => seen.filter((e) => e.key === id).map(({ event, payload }) => ({ event, ...payload }));

async function people() {
  const requester = await signedInUser("analyst");
  const approver = await signedInUser("developer");
  await grant(requester.user.id, dataSourceId, { canRead: true, canWrite: true });
  await grant(approver.user.id, dataSourceId, { canRead: true, canApprove: true });
  const { createCaller } = await import("@/server/routers/_app");
  const approverCalls = createCaller({ session: await sessionFromBearer(approver.token), sessionError: null, meta: {}, bearerToken: null });
  const submit = async (sql: string) => {
    const res = await rest("POST", "/queries", { token: requester.token, body: { data_source_id: dataSourceId, query_text: sql } });
    expect(res.status).toBe(202);
    return res.body.approval_id as string;
  };
  return { requesterId: requester.user.id, approverId: approver.user.id, approverCalls, submit };
}

const balances = () => {
  const sqlite = new Database(file, { readonly: true });
  try {
    return (sqlite.prepare("SELECT balance FROM accounts ORDER BY id").all() as { balance: number }[]).map((r) => r.balance);
  } finally {
    sqlite.close();
  }
};

describe("approval lifecycle events on SQLite", () => {
  it("submit → approve (which previews) → preview again → commit (with backup) → revert publishes each step, keyed by the approval", async () => {
    const { requesterId, approverId, approverCalls, submit } = await people();
    await db.dataSource.update({ where: { id: dataSourceId }, data: { backupBeforeCommit: true } });
    try {
      const before = balances();
      const id = await submit("UPDATE accounts SET balance = balance + 1 WHERE id IN (1, 2)");
      expect(eventsOf(id)).toEqual([{ event: "approval.submitted", approvalId: id, userId: requesterId }]);
      await approverCalls.approvals.review({ id, decision: "approved", comments: "ok" });
      await approverCalls.approvals.preview({ id });
      const committed = await approverCalls.approvals.commit({ id });
      expect(balances()[0]).toBe(before[0]! + 1);
      await approverCalls.approvals.revert({ id });
      expect(balances()).toEqual(before);
      expect(eventsOf(id)).toEqual([
        { event: "approval.submitted", approvalId: id, userId: requesterId },
        { event: "approval.reviewed", approvalId: id, userId: approverId, decision: "approved", status: "approved" },
        // The approval that makes a request approved previews it; the explicit preview is a second dry run.
        { event: "approval.previewed", approvalId: id, userId: approverId, affectedRows: 2 },
        { event: "approval.previewed", approvalId: id, userId: approverId, affectedRows: 2 },
        { event: "approval.committed", approvalId: id, userId: approverId, affectedRows: 2, backupTable: committed.backupTable },
        { event: "approval.reverted", approvalId: id, userId: approverId },
      ]);
      expect(committed.backupTable).toMatch(/^quarry_backup_/);
    } finally {
      await db.dataSource.update({ where: { id: dataSourceId }, data: { backupBeforeCommit: false } });
    }
  });

  it("a rejection is a reviewed event with the request's new status, and nothing after it", async () => {
    const { approverId, approverCalls, submit } = await people();
    const id = await submit("DELETE FROM accounts WHERE id = 3");
    await approverCalls.approvals.review({ id, decision: "rejected", comments: "no" });
    await expect(approverCalls.approvals.commit({ id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(eventsOf(id).map((e) => e.event)).toEqual(["approval.submitted", "approval.reviewed"]);
    expect(eventsOf(id)[1]).toMatchObject({ userId: approverId, decision: "rejected", status: "rejected" });
  });

  it("approve → roll back publishes rolled_back; a refused step publishes nothing", async () => {
    const { approverCalls, submit } = await people();
    const id = await submit("UPDATE accounts SET balance = 0 WHERE id = 4");
    await approverCalls.approvals.review({ id, decision: "approved", comments: "" });
    await approverCalls.approvals.rollback({ id });
    await expect(approverCalls.approvals.rollback({ id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(approverCalls.approvals.revert({ id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(eventsOf(id).map((e) => e.event)).toEqual(["approval.submitted", "approval.reviewed", "approval.previewed", "approval.rolled_back"]);
  });

  it("a commit that fails (the rows drifted from the preview) publishes failed with the error; a retry publishes retried", async () => {
    const { approverId, approverCalls, submit } = await people();
    const id = await submit("UPDATE accounts SET owner = 'drifted' WHERE balance = 777");
    await approverCalls.approvals.review({ id, decision: "approved", comments: "" });
    const sqlite = new Database(file);
    try {
      sqlite.exec("UPDATE accounts SET balance = 777 WHERE id = 5");
      await expect(approverCalls.approvals.commit({ id })).rejects.toMatchObject({ code: "CONFLICT" });
    } finally {
      sqlite.exec("UPDATE accounts SET balance = 100 WHERE id = 5");
      sqlite.close();
    }
    expect(eventsOf(id).map((e) => e.event)).toEqual(["approval.submitted", "approval.reviewed", "approval.previewed", "approval.failed"]);
    expect(eventsOf(id).at(-1)).toEqual({
      event: "approval.failed",
      approvalId: id,
      userId: approverId,
      error: expect.stringMatching(/would now change 1 rows, but the preview changed 0/),
    });
    await approverCalls.approvals.retry({ id });
    expect(eventsOf(id).at(-1)).toEqual({ event: "approval.retried", approvalId: id, userId: approverId });
  });
});
