import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { createContext } from "../context";
import { getAuthSecret } from "../services/auth/secrets";
import { revokeAllSessions, revokeTokenId } from "../services/auth/tokens";
import { createUser } from "../services/auth/users";
import { db } from "../db";

async function uiCookie(userId: string, sid = randomUUID()) {
  const token = await encode({ token: { sub: userId, sid, iat_ms: Date.now() }, secret: getAuthSecret() });
  return { sid, headers: new Headers({ cookie: `other=1; next-auth.session-token=${token}` }) };
}

describe("UI sessions (next-auth cookie)", () => {
  it("resolve to the same user store as bearer tokens", async () => {
    const user = await createUser({ email: "ui@example.test", password: "ui-password-1", role: "developer" });
    const { headers } = await uiCookie(user.id);
    const ctx = await createContext(headers, { allowCookie: true });
    expect(ctx.session?.user).toMatchObject({ id: user.id, role: "developer" });
    expect(ctx.session?.via).toBe("cookie");
  });

  it("are ignored where cookies are not allowed (the REST API)", async () => {
    const user = await createUser({ email: "ui2@example.test", password: "ui-password-1", role: "viewer" });
    const { headers } = await uiCookie(user.id);
    const ctx = await createContext(headers, { allowCookie: false });
    expect(ctx.session).toBeNull();
  });

  it("stop working once signed out, deactivated, or signed out everywhere", async () => {
    const user = await createUser({ email: "ui3@example.test", password: "ui-password-1", role: "viewer" });
    const first = await uiCookie(user.id);
    await revokeTokenId(first.sid, new Date(Date.now() + 3600_000));
    expect((await createContext(first.headers, { allowCookie: true })).sessionError?.code).toBe("UNAUTHORIZED");

    const second = await uiCookie(user.id);
    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    expect((await createContext(second.headers, { allowCookie: true })).session).toBeNull();
    await db.user.update({ where: { id: user.id }, data: { isActive: true } });
    expect((await createContext(second.headers, { allowCookie: true })).session).not.toBeNull();

    await new Promise((r) => setTimeout(r, 5));
    await revokeAllSessions(user.id);
    expect((await createContext(second.headers, { allowCookie: true })).session).toBeNull();
  });

  it("reject a cookie signed with another secret", async () => {
    const user = await createUser({ email: "ui4@example.test", password: "ui-password-1", role: "viewer" });
    const forged = await encode({ token: { sub: user.id, sid: "x", iat_ms: Date.now() }, secret: "not-the-secret-".repeat(3) });
    const ctx = await createContext(new Headers({ cookie: `next-auth.session-token=${forged}` }), { allowCookie: true });
    expect(ctx.session).toBeNull();
  });
});
