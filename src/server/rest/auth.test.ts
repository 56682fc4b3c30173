import { describe, expect, it } from "vitest";
import { rest, signedInUser } from "@/test/rest-client";
import { createUser } from "@/server/services/auth/users";
import { db } from "@/server/db";

describe("POST /auth/login", () => {
  it("signs in with JSON email/password and answers the union of documented fields", async () => {
    await createUser({ email: "ann@example.test", password: "s3cret-pass", role: "analyst", fullName: "Ann Example" });
    const res = await rest("POST", "/auth/login", { body: { email: "ann@example.test", password: "s3cret-pass" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    expect(res.body.access_token).toMatch(/^ey/);
    expect(res.body.token).toBe(res.body.access_token);
    expect(res.body.refresh_token).toMatch(/^ey/);
    expect(res.body.user).toMatchObject({ email: "ann@example.test", name: "Ann Example", role: "analyst" });
    expect(JSON.stringify(res.body)).not.toContain("passwordHash");
  });

  it("accepts form-encoded username=&password= (ETL Builder clients)", async () => {
    const user = await createUser({ email: "bob@example.test", username: "bob", password: "s3cret-pass", role: "viewer" });
    const res = await rest("POST", "/auth/login", { form: { username: "bob", password: "s3cret-pass" } });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(user.id);
  });

  it("refuses a wrong password with 401 in QueryBase's format and audits it", async () => {
    await createUser({ email: "cy@example.test", password: "s3cret-pass", role: "viewer" });
    const res = await rest("POST", "/auth/login", { body: { email: "cy@example.test", password: "nope-nope" } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: "unauthorized" });
    expect(typeof res.body.details).toBe("string");
    const entry = await db.auditEntry.findFirst({ where: { action: "login", outcome: "failure", actor: "cy@example.test" } });
    expect(entry).not.toBeNull();
  });

  it("throttles repeated failures with 429 and Retry-After, even for the right password", async () => {
    await createUser({ email: "dee@example.test", password: "s3cret-pass", role: "viewer" });
    for (let i = 0; i < 10; i++) {
      const res = await rest("POST", "/auth/login", { body: { email: "dee@example.test", password: `wrong-${i}` } });
      expect([401, 429]).toContain(res.status);
    }
    const locked = await rest("POST", "/auth/login", { body: { email: "dee@example.test", password: "s3cret-pass" } });
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe("rate limit exceeded");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("answers missing fields with 422 naming the field", async () => {
    const res = await rest("POST", "/auth/login", { body: { password: "whatever-1" } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: "validation failed", details: { field: "email" } });
  });

  it("refuses a deactivated account", async () => {
    const user = await createUser({ email: "eve@example.test", password: "s3cret-pass", role: "viewer" });
    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    const res = await rest("POST", "/auth/login", { body: { email: "eve@example.test", password: "s3cret-pass" } });
    expect(res.status).toBe(403);
  });
});

describe("GET /auth/me", () => {
  it("returns the caller with rate-limit headers", async () => {
    const { token, email } = await signedInUser("developer");
    const res = await rest("GET", "/auth/me", { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email, role: "developer", is_active: true });
    expect(res.headers.get("x-ratelimit-limit")).toBe("600");
    expect(Number(res.headers.get("x-ratelimit-remaining"))).toBeLessThan(600);
    expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
  });

  it("rejects missing, tampered and garbage tokens with 401", async () => {
    const { token } = await signedInUser();
    expect((await rest("GET", "/auth/me")).status).toBe(401);
    const [h, p, s] = token.split(".");
    const tampered = `${h}.${p!.slice(0, -2)}xx.${s}`;
    expect((await rest("GET", "/auth/me", { token: tampered })).status).toBe(401);
    expect((await rest("GET", "/auth/me", { token: "not-a-jwt" })).status).toBe(401);
    const res = await rest("GET", "/auth/me", { headers: { authorization: "Basic abc" } });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("unauthorized");
  });

  it("does not accept a refresh token as an access token", async () => {
    const { refreshToken } = await signedInUser();
    expect((await rest("GET", "/auth/me", { token: refreshToken })).status).toBe(401);
  });
});

describe("token lifecycle", () => {
  it("logout revokes the access token and the refresh token", async () => {
    const { token, refreshToken } = await signedInUser();
    const out = await rest("POST", "/auth/logout", { token, body: { refresh_token: refreshToken } });
    expect(out.status).toBe(200);
    const after = await rest("GET", "/auth/me", { token });
    expect(after.status).toBe(401);
    expect(after.body.details).toMatch(/revoked/);
    const refreshed = await rest("POST", "/auth/refresh", { body: { refresh_token: refreshToken } });
    expect(refreshed.status).toBe(401);
    expect(refreshed.body).toMatchObject({ error_code: "UNAUTHORIZED" });
    expect(refreshed.body.timestamp).toBeTruthy();
  });

  it("refresh rotates the pair, by body or by bearer, and detects reuse", async () => {
    const { refreshToken } = await signedInUser();
    const first = await rest("POST", "/auth/refresh", { body: { refresh_token: refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(refreshToken);
    expect((await rest("GET", "/auth/me", { token: first.body.access_token })).status).toBe(200);

    const second = await rest("POST", "/auth/refresh", { token: first.body.refresh_token });
    expect(second.status).toBe(200);

    // Replaying the first refresh token: leaked; every session of the user ends.
    const replay = await rest("POST", "/auth/refresh", { body: { refresh_token: refreshToken } });
    expect(replay.status).toBe(401);
    expect((await rest("GET", "/auth/me", { token: second.body.access_token })).status).toBe(401);
  });

  it("change-password checks the current password, signs out other sessions, returns new tokens", async () => {
    const { token, email, password } = await signedInUser();
    const wrong = await rest("POST", "/auth/change-password", {
      token,
      body: { current_password: "not-it-at-all", new_password: "brand-new-pass" },
    });
    expect(wrong.status).toBe(400);
    const short = await rest("POST", "/auth/change-password", {
      token,
      body: { current_password: password, new_password: "short" },
    });
    expect(short.status).toBe(422);
    const ok = await rest("POST", "/auth/change-password", {
      token,
      body: { current_password: password, new_password: "brand-new-pass" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.message).toMatch(/changed/i);
    expect((await rest("GET", "/auth/me", { token })).status).toBe(401);
    expect((await rest("GET", "/auth/me", { token: ok.body.access_token })).status).toBe(200);
    expect((await rest("POST", "/auth/login", { body: { email, password } })).status).toBe(401);
    expect((await rest("POST", "/auth/login", { body: { email, password: "brand-new-pass" } })).status).toBe(200);
  });
});

describe("POST /auth/register", () => {
  it("creates a viewer and returns tokens (201)", async () => {
    const res = await rest("POST", "/auth/register", {
      body: { username: "john_doe", email: "John@Example.test", password: "SecurePassword123!", full_name: "John Doe" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: "john_doe", email: "john@example.test", full_name: "John Doe", role: "viewer" });
    expect((await rest("GET", "/auth/me", { token: res.body.access_token })).body.username).toBe("john_doe");
  });

  it("refuses a duplicate email with 409 in ETL Builder's format", async () => {
    const body = { email: "dup@example.test", password: "SecurePassword123!" };
    expect((await rest("POST", "/auth/register", { body })).status).toBe(201);
    const again = await rest("POST", "/auth/register", { body: { ...body, username: "other" } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error_code: "CONFLICT" });
  });

  it("refuses a short password with 422 listing the field", async () => {
    const res = await rest("POST", "/auth/register", { body: { email: "x@example.test", password: "short" } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: "password" })]);
  });
});
