import { describe, expect, it } from "vitest";
import { rest, signedInUser } from "@/test/rest-client";

/**
 * A refresh token revoked on purpose answers 401 and nothing more; only a token that
 * was rotated and is presented again (a leak) signs every session of the user out.
 */
const login = async (email: string, password: string) => {
  const res = await rest("POST", "/auth/login", { body: { email, password } });
  expect(res.status).toBe(200);
  return { token: res.body.access_token as string, refreshToken: res.body.refresh_token as string };
};
const refresh = (refreshToken: string) => rest("POST", "/auth/refresh", { body: { refresh_token: refreshToken } });
const me = async (token: string) => (await rest("GET", "/auth/me", { token })).status;

/** The other session still works: its access token answers and its refresh token rotates. */
async function expectStillSignedIn(session: { token: string; refreshToken: string }) {
  expect(await me(session.token)).toBe(200);
  const rotated = await refresh(session.refreshToken);
  expect(rotated.status).toBe(200);
  expect(await me(rotated.body.access_token)).toBe(200);
}

describe("refresh tokens revoked on purpose", () => {
  it("logout: the logged-out refresh token answers 401, the user's other session stays", async () => {
    const first = await signedInUser();
    const other = await login(first.email, first.password);
    expect((await rest("POST", "/auth/logout", { token: first.token, body: { refresh_token: first.refreshToken } })).status).toBe(200);

    for (let i = 0; i < 2; i++) {
      const res = await refresh(first.refreshToken);
      expect(res.status).toBe(401);
      expect(res.body.detail).toMatch(/revoked/);
    }
    await expectStillSignedIn(other);
  });

  it("password change: old refresh tokens answer 401, the session it handed back stays", async () => {
    const user = await signedInUser();
    const changed = await rest("POST", "/auth/change-password", {
      token: user.token,
      body: { current_password: user.password, new_password: "changed-pass-42" },
    });
    expect(changed.status).toBe(200);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    await expectStillSignedIn({ token: changed.body.access_token, refreshToken: changed.body.refresh_token });
  });

  it("admin reset: old refresh tokens answer 401, a sign-in with the new password stays", async () => {
    const admin = await signedInUser("admin");
    const user = await signedInUser();
    const reset = await rest("POST", `/auth/users/${user.user.id}/reset-password`, {
      token: admin.token,
      body: { new_password: "reset-by-admin-7" },
    });
    expect(reset.status).toBe(200);
    const fresh = await login(user.email, "reset-by-admin-7");
    expect((await refresh(user.refreshToken)).status).toBe(401);
    await expectStillSignedIn(fresh);
  });

  it("deactivation: old refresh tokens answer 401 after reactivation, the new session stays", async () => {
    const admin = await signedInUser("admin");
    const user = await signedInUser();
    const status = (isActive: boolean) =>
      rest("PUT", `/admin/users/${user.user.id}/status`, { token: admin.token, body: { is_active: isActive } });
    expect((await status(false)).status).toBe(200);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await status(true)).status).toBe(200);
    const fresh = await login(user.email, user.password);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    await expectStillSignedIn(fresh);
  });

  it("sign-out everywhere: old refresh tokens answer 401 without affecting a later sign-in", async () => {
    const user = await signedInUser();
    expect((await rest("POST", "/auth/logout", { token: user.token, body: { everywhere: true } })).status).toBe(200);
    const fresh = await login(user.email, user.password);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    await expectStillSignedIn(fresh);
  });
});

describe("a rotated refresh token presented again", () => {
  it("signs every session of the user out, including ones signed in separately", async () => {
    const user = await signedInUser();
    const other = await login(user.email, user.password);
    const rotated = await refresh(user.refreshToken);
    expect(rotated.status).toBe(200);

    const replay = await refresh(user.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toMatch(/already used/);
    expect(await me(rotated.body.access_token)).toBe(401);
    expect(await me(other.token)).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    expect((await refresh(rotated.body.refresh_token)).status).toBe(401);
  });

  it("is detected even after the user logged out of the rotated session", async () => {
    const user = await signedInUser();
    const rotated = await refresh(user.refreshToken);
    const other = await login(user.email, user.password);
    await rest("POST", "/auth/logout", { token: rotated.body.access_token, body: { refresh_token: rotated.body.refresh_token } });
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect(await me(other.token)).toBe(401);
  });
});
