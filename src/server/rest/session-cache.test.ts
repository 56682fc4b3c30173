import { describe, expect, it } from "vitest";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * Bearer sessions are cached for a moment (services/auth/session-cache.ts); every way a
 * session ends or changes must still take effect on the very next request.
 */
async function warmed() {
  const admin = await signedInUser("admin");
  const member = await signedInUser("analyst");
  // Two requests: the second is served from the cache.
  expect((await rest("GET", "/auth/me", { token: member.token })).status).toBe(200);
  expect((await rest("GET", "/auth/me", { token: member.token })).status).toBe(200);
  return { admin, member };
}

describe("cached bearer sessions", () => {
  it("logout revokes the access token at once", async () => {
    const { member } = await warmed();
    expect((await rest("POST", "/auth/logout", { token: member.token, body: {} })).status).toBe(200);
    expect((await rest("GET", "/auth/me", { token: member.token })).status).toBe(401);
  });

  it("signing out everywhere ends the session at once", async () => {
    const { member } = await warmed();
    expect((await rest("POST", "/auth/logout", { token: member.token, body: { everywhere: true } })).status).toBe(200);
    expect((await rest("GET", "/datasources", { token: member.token })).status).toBe(401);
  });

  it("deactivation by an admin ends the session at once", async () => {
    const { admin, member } = await warmed();
    const res = await rest("PUT", `/admin/users/${member.user.id}/status`, { token: admin.token, body: { is_active: false } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await rest("GET", "/auth/me", { token: member.token })).status).toBe(401);
  });

  it("a role change is seen on the next request", async () => {
    const { admin, member } = await warmed();
    const res = await rest("PUT", `/admin/users/${member.user.id}/role`, { token: admin.token, body: { role: "viewer" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const me = await rest("GET", "/auth/me", { token: member.token });
    expect(me.body.role).toBe("viewer");
  });

  it("deleting the user ends the session at once", async () => {
    const { admin, member } = await warmed();
    expect((await rest("DELETE", `/admin/users/${member.user.id}`, { token: admin.token })).status).toBe(200);
    expect((await rest("GET", "/auth/me", { token: member.token })).status).toBe(401);
  });
});
