import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * Only an active admin can call these routes, so the last active admin can only be
 * demoted, deactivated or deleted by themself. Each test starts with exactly one.
 */
let solo: Awaited<ReturnType<typeof signedInUser>>;

beforeEach(async () => {
  solo = await signedInUser("admin");
  await db.user.updateMany({ where: { role: "admin", id: { not: solo.user.id } }, data: { isActive: false } });
});

async function unchanged() {
  const row = await db.user.findUniqueOrThrow({ where: { id: solo.user.id } });
  expect(row).toMatchObject({ role: "admin", isActive: true });
  expect((await rest("GET", "/auth/me", { token: solo.token })).status).toBe(200);
}

describe("the last active admin", () => {
  it("cannot be demoted (409, nothing changed)", async () => {
    const viaAdmin = await rest("PUT", `/admin/users/${solo.user.id}/role`, { token: solo.token, body: { role: "analyst" } });
    expect(viaAdmin.status).toBe(409);
    expect(viaAdmin.body.error).toMatchObject({ code: "CONFLICT" });
    expect(viaAdmin.body.error.message).toMatch(/last active administrator/);
    const viaQueryBase = await rest("PUT", `/auth/users/${solo.user.id}`, { token: solo.token, body: { role: "viewer", full_name: "Z" } });
    expect(viaQueryBase.status).toBe(409);
    expect(viaQueryBase.body).toMatchObject({ error: "conflict", code: "CONFLICT" });
    await unchanged();
    expect((await db.user.findUniqueOrThrow({ where: { id: solo.user.id } })).fullName).toBe("Test admin");
  });

  it("cannot be deactivated or revoked (409, nothing changed)", async () => {
    const status = await rest("PUT", `/admin/users/${solo.user.id}/status`, { token: solo.token, body: { is_active: false } });
    expect(status.status).toBe(409);
    const spelled = await rest("PUT", `/admin/users/${solo.user.id}/status`, { token: solo.token, body: { status: "inactive" } });
    expect(spelled.status).toBe(409);
    const put = await rest("PUT", `/auth/users/${solo.user.id}`, { token: solo.token, body: { active: false } });
    expect(put.status).toBe(409);
    const revoke = await rest("POST", `/team/members/${solo.user.id}/revoke`, { token: solo.token });
    expect(revoke.status).toBe(409);
    expect(revoke.body.error.code).toBe("CONFLICT");
    await unchanged();
  });

  it("cannot be deleted (409, nothing changed)", async () => {
    const viaAdmin = await rest("DELETE", `/admin/users/${solo.user.id}`, { token: solo.token });
    expect(viaAdmin.status).toBe(409);
    const viaQueryBase = await rest("DELETE", `/auth/users/${solo.user.id}`, { token: solo.token });
    expect(viaQueryBase.status).toBe(409);
    await unchanged();
  });

  it("inactive admins do not count, and a second active admin lifts the rule", async () => {
    expect(await db.user.count({ where: { role: "admin", isActive: false } })).toBeGreaterThan(0);
    const other = await signedInUser("admin");
    // Now two active admins: demoting the other works, which leaves solo last again.
    const demote = await rest("PUT", `/admin/users/${other.user.id}/role`, { token: solo.token, body: { role: "user" } });
    expect(demote.status).toBe(200);
    expect(demote.body.user.role).toBe("analyst");
    expect((await rest("PUT", `/admin/users/${solo.user.id}/role`, { token: solo.token, body: { role: "developer" } })).status).toBe(409);

    const third = await signedInUser("admin");
    const stepDown = await rest("PUT", `/admin/users/${solo.user.id}/role`, { token: solo.token, body: { role: "developer" } });
    expect(stepDown.status).toBe(200);
    // solo is a developer now: the admin routes are closed to them at once.
    expect((await rest("GET", "/admin/users", { token: solo.token })).status).toBe(403);
    expect((await rest("DELETE", `/admin/users/${third.user.id}`, { token: third.token })).status).toBe(409);
  });
});
