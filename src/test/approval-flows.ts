import { expect, it } from "vitest";
import { grant } from "./fixtures";
import { rest, signedInUser } from "./rest-client";

/**
 * The approval flow, the same against every engine: each engine's test file supplies
 * a data source whose table `accounts(id primary key, owner text, balance int)` holds
 * ids 1..5 with balance 100, and a way to read balances straight from the database.
 */
export interface ApprovalFixture {
  dataSourceId: () => string;
  table: string;
  balances: () => Promise<number[]>;
}

export function approvalFlowTests(fx: ApprovalFixture) {
  const people = async () => {
    const requester = await signedInUser("analyst");
    const approver = await signedInUser("developer");
    await grant(requester.user.id, fx.dataSourceId(), { canRead: true, canWrite: true });
    await grant(approver.user.id, fx.dataSourceId(), { canRead: true, canApprove: true });
    return { requester, approver };
  };
  const submit = async (token: string, sql: string) =>
    rest("POST", "/queries", { token, body: { data_source_id: fx.dataSourceId(), query_text: sql } });

  it("files a write as a pending approval (202) and changes nothing", async () => {
    const { requester } = await people();
    const before = await fx.balances();
    const res = await submit(requester.token, `UPDATE ${fx.table} SET balance = balance + 1 WHERE id = 1`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "pending_approval", requires_approval: true });
    expect(res.body.approval_id).toBeTruthy();
    expect(await fx.balances()).toEqual(before);
  });

  it("request → reject: nothing runs, and a rejected request cannot be committed", async () => {
    const { requester, approver } = await people();
    const before = await fx.balances();
    const id = (await submit(requester.token, `DELETE FROM ${fx.table} WHERE id = 2`)).body.approval_id;
    const rejected = await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "rejected", comments: "no" } });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe("rejected");
    expect((await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "approved" } })).status).toBe(409);
    expect((await rest("POST", `/transactions/${id}/commit`, { token: approver.token })).status).toBe(409);
    expect(await fx.balances()).toEqual(before);
  });

  it("request → approve → preview → commit changes the data exactly once", async () => {
    const { requester, approver } = await people();
    const before = await fx.balances();
    const id = (await submit(requester.token, `UPDATE ${fx.table} SET balance = balance + 10 WHERE id IN (3, 4)`)).body.approval_id;
    const approved = await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "approved", comments: "ok" } });
    expect(approved.body.status).toBe("approved");
    const detail = await rest("GET", `/approvals/${id}`, { token: approver.token });
    expect(detail.body.preview.affected_rows).toBe(2);
    expect(detail.body.preview.before.map((r: { balance: number }) => Number(r.balance))).toEqual([before[2], before[3]]);
    expect(detail.body.preview.after.map((r: { balance: number }) => Number(r.balance))).toEqual([before[2]! + 10, before[3]! + 10]);
    expect(await fx.balances()).toEqual(before); // the preview was rolled back

    const commit = await rest("POST", `/transactions/${id}/commit`, { token: approver.token });
    expect(commit.status).toBe(200);
    expect(commit.body).toMatchObject({ message: "Transaction committed successfully", row_count: 2 });
    expect((await rest("POST", `/transactions/${id}/commit`, { token: approver.token })).status).toBe(409);
    const after = await fx.balances();
    expect(after[2]).toBe(before[2]! + 10);
    expect(after[3]).toBe(before[3]! + 10);
    expect((await rest("GET", `/approvals/${id}`, { token: requester.token })).body.status).toBe("executed");
  });

  it("request → approve → rollback leaves the data unchanged", async () => {
    const { requester, approver } = await people();
    const before = await fx.balances();
    const id = (await submit(requester.token, `UPDATE ${fx.table} SET balance = 0 WHERE id = 5`)).body.approval_id;
    await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "approved" } });
    const rolled = await rest("POST", `/transactions/${id}/rollback`, { token: approver.token });
    expect(rolled.status).toBe(200);
    expect((await rest("POST", `/transactions/${id}/commit`, { token: approver.token })).status).toBe(409);
    expect(await fx.balances()).toEqual(before);
  });

  it("two concurrent commits execute once", async () => {
    const { requester, approver } = await people();
    const before = await fx.balances();
    const id = (await submit(requester.token, `UPDATE ${fx.table} SET balance = balance + 1 WHERE id = 1`)).body.approval_id;
    await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "approved" } });
    const results = await Promise.all([
      rest("POST", `/transactions/${id}/commit`, { token: approver.token }),
      rest("POST", `/transactions/${id}/commit`, { token: requester.token }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await fx.balances())[0]).toBe(before[0]! + 1);
  });

  it("refuses self-approval, unknown ids and non-approvers", async () => {
    const { requester, approver } = await people();
    const id = (await submit(requester.token, `UPDATE ${fx.table} SET owner = 'x' WHERE id = 1`)).body.approval_id;
    const self = await rest("POST", `/approvals/${id}/review`, { token: requester.token, body: { decision: "approved" } });
    expect(self.status).toBe(403);
    expect(self.body.error).toBe("forbidden");
    expect((await rest("GET", "/approvals/00000000-0000-0000-0000-000000000000", { token: approver.token })).status).toBe(404);
    const stranger = await signedInUser("developer");
    expect((await rest("POST", `/approvals/${id}/review`, { token: stranger.token, body: { decision: "approved" } })).status).toBe(404);
    const bad = await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "maybe" } });
    expect(bad.status).toBe(422);
    const counts = await rest("GET", "/approvals/counts", { token: approver.token });
    expect(counts.body.pending).toBeGreaterThanOrEqual(1);
  });

  it("backs up the changed rows when the data source asks, and reverts with one call", async () => {
    const { requester, approver } = await people();
    const { db } = await import("@/server/db");
    await db.dataSource.update({ where: { id: fx.dataSourceId() }, data: { backupBeforeCommit: true } });
    try {
      const before = await fx.balances();
      const id = (await submit(requester.token, `UPDATE ${fx.table} SET balance = balance * 2 WHERE id IN (1, 2)`)).body.approval_id;
      await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "approved" } });
      const commit = await rest("POST", `/transactions/${id}/commit`, { token: approver.token });
      expect(commit.body.approval.backup_table).toMatch(/^quarry_backup_/);
      expect((await fx.balances()).slice(0, 2)).toEqual([before[0]! * 2, before[1]! * 2]);
      const { createCaller } = await import("@/server/routers/_app");
      const { sessionFromBearer } = await import("@/server/services/auth/session");
      const caller = createCaller({ session: await sessionFromBearer(approver.token), sessionError: null, meta: {}, bearerToken: null });
      expect((await caller.approvals.revert({ id })).status).toBe("reverted");
      expect(await fx.balances()).toEqual(before);
      await expect(caller.approvals.revert({ id })).rejects.toMatchObject({ code: "CONFLICT" });
    } finally {
      await db.dataSource.update({ where: { id: fx.dataSourceId() }, data: { backupBeforeCommit: false } });
    }
  });

  it("only an approver other than the requester previews: the requester gets 403 (tRPC and REST) and nothing changes", async () => {
    const { requester, approver } = await people();
    await grant(requester.user.id, fx.dataSourceId(), { canApprove: true });
    const before = await fx.balances();
    const id = (await submit(requester.token, `UPDATE ${fx.table} SET balance = 0 WHERE id = 2`)).body.approval_id;
    const { createCaller } = await import("@/server/routers/_app");
    const { sessionFromBearer } = await import("@/server/services/auth/session");
    const as = async (token: string) => createCaller({ session: await sessionFromBearer(token), sessionError: null, meta: {}, bearerToken: null });
    await expect((await as(requester.token)).approvals.preview({ id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await rest("POST", `/approvals/${id}/review`, { token: requester.token, body: { decision: "approved" } })).status).toBe(403);
    expect(await fx.balances()).toEqual(before);
    expect((await rest("GET", `/approvals/${id}`, { token: requester.token })).body.preview).toBeNull();
    expect((await (await as(approver.token)).approvals.preview({ id })).preview?.affectedRows).toBe(1);
    expect(await fx.balances()).toEqual(before);
  });

  it("refuses a commit whose affected row count drifted from the preview, and runs nothing", async () => {
    const { requester, approver } = await people();
    const run = async (sql: string) => {
      const id = (await submit(requester.token, sql)).body.approval_id;
      await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "approved" } });
      return id as string;
    };
    const drifting = await run(`UPDATE ${fx.table} SET owner = 'drifted' WHERE balance = 555`);
    expect((await rest("GET", `/approvals/${drifting}`, { token: approver.token })).body.preview.affected_rows).toBe(0);
    // Another approved change makes one row match after the preview.
    expect((await rest("POST", `/transactions/${await run(`UPDATE ${fx.table} SET balance = 555 WHERE id = 5`)}/commit`, { token: approver.token })).status).toBe(200);
    const moved = await fx.balances();
    const res = await rest("POST", `/transactions/${drifting}/commit`, { token: approver.token });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toMatch(/would now change 1 rows, but the preview changed 0/);
    expect(await fx.balances()).toEqual(moved);
    expect((await rest("POST", `/transactions/${await run(`UPDATE ${fx.table} SET balance = 100 WHERE id = 5`)}/commit`, { token: approver.token })).status).toBe(200);
  });

  it("refuses multi-statement input (403) without filing anything", async () => {
    const { requester } = await people();
    const before = await fx.balances();
    const { db } = await import("@/server/db");
    const count = await db.approvalRequest.count({ where: { dataSourceId: fx.dataSourceId() } });
    const res = await submit(requester.token, `UPDATE ${fx.table} SET balance = 1 WHERE id = 1; DELETE FROM ${fx.table}`);
    expect(res.status).toBe(403);
    expect(await db.approvalRequest.count({ where: { dataSourceId: fx.dataSourceId() } })).toBe(count);
    expect(await fx.balances()).toEqual(before);
  });

  it("rates an UPDATE without WHERE as high risk", async () => {
    const { requester } = await people();
    const id = (await submit(requester.token, `UPDATE ${fx.table} SET balance = 0`)).body.approval_id;
    const detail = await rest("GET", `/approvals/${id}`, { token: requester.token });
    expect(detail.body.risk_level).toBe("high");
    expect(detail.body.risk_reasons.join(" ")).toMatch(/without WHERE/);
  });
}
