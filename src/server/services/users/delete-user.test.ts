import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { makeDataSource } from "@/server/rest/routes/governance/testing";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * Deleting a user keeps what they did: approval requests (executed ones included),
 * reviews, history and the audit trail survive with their foreign keys, while the user
 * becomes an anonymised, inactive tombstone that answers 404 like a deleted one.
 */
let admin: Awaited<ReturnType<typeof signedInUser>>;
beforeAll(async () => {
  admin = await signedInUser("admin");
});

async function userWithRecords() {
  const user = await signedInUser("developer");
  const reviewer = await signedInUser("developer");
  const ds = await makeDataSource();
  const requested = await db.approvalRequest.create({
    data: {
      dataSourceId: ds.id,
      requestedById: user.user.id,
      sql: "UPDATE t SET a = 1 WHERE id = 2",
      kind: "write",
      operation: "UPDATE",
      status: "executed",
      executedAt: new Date(),
      executedById: user.user.id,
      affectedRows: 1,
    },
  });
  await db.approvalReview.create({ data: { approvalId: requested.id, reviewerId: reviewer.user.id, decision: "approved" } });
  // The user reviewed someone else's request too.
  const reviewed = await db.approvalRequest.create({
    data: { dataSourceId: ds.id, requestedById: reviewer.user.id, sql: "DELETE FROM t WHERE id = 3", kind: "write", operation: "DELETE", status: "executed" },
  });
  await db.approvalReview.create({ data: { approvalId: reviewed.id, reviewerId: user.user.id, decision: "approved", comments: "ok" } });
  const run = await db.queryRun.create({ data: { userId: user.user.id, dataSourceId: ds.id, sql: "SELECT 1", kind: "read", status: "completed" } });
  const group = await db.group.create({ data: { name: `team-${Math.random().toString(36).slice(2)}` } });
  await db.groupMember.create({ data: { groupId: group.id, userId: user.user.id } });
  return { user, reviewer, ds, requested, reviewed, run, group };
}

describe.each([
  ["QueryBase", (id: string) => `/auth/users/${id}`],
  ["Analytics Assistant", (id: string) => `/admin/users/${id}`],
] as const)("DELETE user (%s route)", (_name, pathOf) => {
  it("answers as documented and keeps approvals, reviews, history and audit entries", async () => {
    const fx = await userWithRecords();
    const auditBefore = await db.auditEntry.count({ where: { userId: fx.user.user.id } });
    expect(auditBefore).toBeGreaterThan(0);

    const res = await rest("DELETE", pathOf(fx.user.user.id), { token: admin.token });
    expect(res.status).toBe(200);

    const requested = await db.approvalRequest.findUnique({ where: { id: fx.requested.id }, include: { reviews: true } });
    expect(requested).toMatchObject({ status: "executed", requestedById: fx.user.user.id });
    expect(requested!.reviews).toHaveLength(1);
    const reviewed = await db.approvalRequest.findUnique({ where: { id: fx.reviewed.id }, include: { reviews: true } });
    expect(reviewed!.reviews).toEqual([expect.objectContaining({ reviewerId: fx.user.user.id, comments: "ok" })]);
    expect(await db.queryRun.findUnique({ where: { id: fx.run.id } })).not.toBeNull();

    const audit = await db.auditEntry.findMany({ where: { userId: fx.user.user.id } });
    expect(audit.length).toBe(auditBefore);
    // Entries keep the label they were written with.
    expect(audit.every((e) => e.actor === fx.user.email)).toBe(true);
    const deletion = await db.auditEntry.findFirst({ where: { action: "delete_user", resourceId: fx.user.user.id } });
    expect(JSON.parse(deletion!.details)).toMatchObject({ email: fx.user.email });
  });

  it("anonymises the user, revokes every session and removes memberships", async () => {
    const fx = await userWithRecords();
    await rest("DELETE", pathOf(fx.user.user.id), { token: admin.token });
    const row = await db.user.findUniqueOrThrow({ where: { id: fx.user.user.id } });
    expect(row.isActive).toBe(false);
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row.email).not.toContain(fx.user.email.split("@")[0]!);
    expect(row.email).toMatch(/@deleted\.invalid$/);
    expect(row.username).toMatch(/^deleted-/);
    expect(row.fullName).toBe("Deleted user");
    expect(await db.groupMember.count({ where: { userId: fx.user.user.id } })).toBe(0);

    expect((await rest("GET", "/auth/me", { token: fx.user.token })).status).toBe(401);
    expect((await rest("POST", "/auth/refresh", { body: { refresh_token: fx.user.refreshToken } })).status).toBe(401);
    expect((await rest("POST", "/auth/login", { body: { email: fx.user.email, password: fx.user.password } })).status).toBe(401);
    expect((await rest("POST", "/auth/login", { body: { email: row.email, password: "!deleted" } })).status).toBe(401);
    // The old address is free for a new account.
    const again = await rest("POST", "/auth/users", { token: admin.token, body: { email: fx.user.email, password: "another-pass-1" } });
    expect(again.status).toBe(201);
  });

  it("afterwards the user is gone from every user-facing answer (404 on repeat, not listed)", async () => {
    const fx = await userWithRecords();
    await rest("DELETE", pathOf(fx.user.user.id), { token: admin.token });
    const repeat = await rest("DELETE", pathOf(fx.user.user.id), { token: admin.token });
    expect(repeat.status).toBe(404);
    expect((await rest("GET", `/auth/users/${fx.user.user.id}`, { token: admin.token })).status).toBe(404);
    expect((await rest("PUT", `/auth/users/${fx.user.user.id}`, { token: admin.token, body: { full_name: "Back" } })).status).toBe(404);
    expect((await rest("PUT", `/admin/users/${fx.user.user.id}/status`, { token: admin.token, body: { is_active: true } })).status).toBe(404);
    expect(
      (await rest("POST", `/auth/users/${fx.user.user.id}/reset-password`, { token: admin.token, body: { new_password: "revive-me-1" } })).status,
    ).toBe(404);
    expect((await rest("POST", `/groups/${fx.group.id}/users`, { token: admin.token, body: { user_id: fx.user.user.id } })).status).toBe(422);
    const listed = await rest("GET", "/auth/users?page_size=100", { token: admin.token });
    expect(JSON.stringify(listed.body)).not.toContain(fx.user.user.id);
  });
});

describe("guards that still hold", () => {
  it("refuses deleting yourself and the last admin", async () => {
    expect((await rest("DELETE", `/admin/users/${admin.user.id}`, { token: admin.token })).status).toBeGreaterThanOrEqual(400);
    expect(await db.user.findUnique({ where: { id: admin.user.id } })).toMatchObject({ deletedAt: null, isActive: true });
  });
});
