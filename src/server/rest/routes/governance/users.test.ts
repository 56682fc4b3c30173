import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { rest, signedInUser } from "@/test/rest-client";
import { auditEntries } from "./testing";

let admin: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  admin = await signedInUser("admin");
});

describe("/auth/users (QueryBase)", () => {
  it("creates, reads, updates and deletes a user, auditing each change", async () => {
    const created = await rest("POST", "/auth/users", {
      token: admin.token,
      body: { email: "Nia@Example.test", username: "nia", password: "long-enough-1", role: "user", full_name: "Nia Ng" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: "nia@example.test",
      username: "nia",
      full_name: "Nia Ng",
      // QueryBase spells the analyst role `user` (stored as analyst).
      role: "user",
      active: true,
      is_active: true,
    });
    const id = created.body.id as string;

    const got = await rest("GET", `/auth/users/${id}`, { token: admin.token });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, email: "nia@example.test", groups: [], last_login: null });

    const updated = await rest("PUT", `/auth/users/${id}`, {
      token: admin.token,
      body: { role: "developer", full_name: "Nia N.", email: "nia.n@example.test" },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, role: "developer", full_name: "Nia N.", email: "nia.n@example.test" });
    expect(updated.body.updated_at).toBeTruthy();

    const deleted = await rest("DELETE", `/auth/users/${id}`, { token: admin.token });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ message: "User deleted successfully" });
    const gone = await rest("GET", `/auth/users/${id}`, { token: admin.token });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: "not found" });

    for (const action of ["create_user", "update_user", "delete_user"]) {
      const [entry] = await auditEntries({ action, resourceId: id });
      expect(entry, action).toBeDefined();
      expect(entry!.userId).toBe(admin.user.id);
    }
    const [update] = await auditEntries({ action: "update_user", resourceId: id });
    expect(JSON.parse(update!.details).changes.role).toEqual({ from: "analyst", to: "developer" });
  });

  it("lists users with filters, page/page_size or limit, and paging headers", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await rest("POST", "/auth/users", {
        token: admin.token,
        body: { email: `pager${i}@example.test`, password: "long-enough-1", role: "viewer" },
      });
      expect(res.status).toBe(201);
    }
    const page = await rest("GET", "/auth/users?search=pager&page=2&page_size=2", { token: admin.token });
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(1);
    expect(page.body).toMatchObject({ total: 3, page: 2, page_size: 2, total_pages: 2 });
    expect(page.headers.get("x-total-count")).toBe("3");
    expect(page.headers.get("x-page")).toBe("2");
    expect(page.headers.get("x-page-size")).toBe("2");
    expect(page.headers.get("x-total-pages")).toBe("2");

    const limited = await rest("GET", "/auth/users?search=pager&limit=1", { token: admin.token });
    expect(limited.body.data).toHaveLength(1);
    expect(limited.headers.get("x-total-pages")).toBe("3");

    const admins = await rest("GET", "/auth/users?role=admin", { token: admin.token });
    expect(admins.body.data.every((u: { role: string }) => u.role === "admin")).toBe(true);
    expect(admins.body.data.map((u: { id: string }) => u.id)).toContain(admin.user.id);
    expect(JSON.stringify(page.body)).not.toMatch(/password|argon2/i);
  });

  it("refuses duplicates with 409 and bad input with 422 naming the field", async () => {
    const body = { email: "dupe@example.test", username: "dupe", password: "long-enough-1" };
    expect((await rest("POST", "/auth/users", { token: admin.token, body })).status).toBe(201);
    const sameEmail = await rest("POST", "/auth/users", { token: admin.token, body: { ...body, username: "other" } });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error).toBe("conflict");
    const sameName = await rest("POST", "/auth/users", { token: admin.token, body: { ...body, email: "x@example.test" } });
    expect(sameName.status).toBe(409);

    const badEmail = await rest("POST", "/auth/users", { token: admin.token, body: { ...body, email: "nope" } });
    expect(badEmail.status).toBe(422);
    expect(badEmail.body).toMatchObject({ error: "validation failed", details: { field: "email" } });
    const short = await rest("POST", "/auth/users", { token: admin.token, body: { email: "s@example.test", password: "short" } });
    expect(short.body.details.field).toBe("password");
    const badRole = await rest("POST", "/auth/users", {
      token: admin.token,
      body: { email: "r@example.test", password: "long-enough-1", role: "root" },
    });
    expect(badRole.status).toBe(422);
    expect(badRole.body.details.field).toBe("role");

    const other = await rest("POST", "/auth/users", {
      token: admin.token,
      body: { email: "taken-later@example.test", password: "long-enough-1" },
    });
    const clash = await rest("PUT", `/auth/users/${other.body.id}`, { token: admin.token, body: { email: "DUPE@example.test" } });
    expect(clash.status).toBe(409);
    const clashName = await rest("PUT", `/auth/users/${other.body.id}`, { token: admin.token, body: { username: "dupe" } });
    expect(clashName.status).toBe(409);
  });

  it("answers unknown ids with 404 in QueryBase's format", async () => {
    for (const [method, path, body] of [
      ["GET", "/auth/users/no-such-user", undefined],
      ["PUT", "/auth/users/no-such-user", { full_name: "x" }],
      ["DELETE", "/auth/users/no-such-user", undefined],
      ["POST", "/auth/users/no-such-user/reset-password", { new_password: "long-enough-1" }],
    ] as const) {
      const res = await rest(method, path, { token: admin.token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error).toBe("not found");
    }
  });

  it("lets a user read and change only themselves, and only name, username and email", async () => {
    const me = await signedInUser("analyst");
    const other = await signedInUser("analyst");

    const self = await rest("GET", `/auth/users/${me.user.id}`, { token: me.token });
    expect(self.status).toBe(200);
    expect(self.body.email).toBe(me.email);
    expect((await rest("GET", `/auth/users/${other.user.id}`, { token: me.token })).status).toBe(403);
    expect((await rest("PUT", `/auth/users/${other.user.id}`, { token: me.token, body: { full_name: "x" } })).status).toBe(403);

    const promote = await rest("PUT", `/auth/users/${me.user.id}`, { token: me.token, body: { role: "admin" } });
    expect(promote.status).toBe(403);
    expect(promote.body.error).toBe("forbidden");
    const sneaky = await rest("PUT", `/auth/users/${me.user.id}`, {
      token: me.token,
      body: { full_name: "Sneaky", role: "admin" },
    });
    expect(sneaky.status).toBe(403);
    expect((await rest("PUT", `/auth/users/${me.user.id}`, { token: me.token, body: { active: false } })).status).toBe(403);
    const row = await db.user.findUniqueOrThrow({ where: { id: me.user.id } });
    expect(row).toMatchObject({ role: "analyst", isActive: true, fullName: "Test analyst" });

    const renamed = await rest("PUT", `/auth/users/${me.user.id}`, {
      token: me.token,
      body: { full_name: "Me Myself", username: "me_myself", email: "me.myself@example.test" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ full_name: "Me Myself", username: "me_myself", email: "me.myself@example.test", role: "user" });
    const login = await rest("POST", "/auth/login", { body: { email: "me.myself@example.test", password: me.password } });
    expect(login.status).toBe(200);
  });

  it("reset-password: admin only, not for oneself, at least 8 characters, signs the target out", async () => {
    const target = await signedInUser("developer");
    const path = `/auth/users/${target.user.id}/reset-password`;

    const own = await rest("POST", `/auth/users/${admin.user.id}/reset-password`, {
      token: admin.token,
      body: { new_password: "long-enough-2" },
    });
    expect(own.status).toBe(400);
    expect(own.body.details).toMatch(/change-password/);
    const short = await rest("POST", path, { token: admin.token, body: { new_password: "short" } });
    expect(short.status).toBe(422);
    expect(short.body.details.field).toBe("new_password");
    expect((await rest("POST", path, { token: target.token, body: { new_password: "long-enough-2" } })).status).toBe(403);
    expect((await rest("GET", "/auth/me", { token: target.token })).status).toBe(200);

    const ok = await rest("POST", path, { token: admin.token, body: { new_password: "fresh-password-3" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ message: "Password reset successfully" });
    expect((await rest("GET", "/auth/me", { token: target.token })).status).toBe(401);
    expect((await rest("POST", "/auth/refresh", { body: { refresh_token: target.refreshToken } })).status).toBe(401);
    expect((await rest("POST", "/auth/login", { body: { email: target.email, password: target.password } })).status).toBe(401);
    expect((await rest("POST", "/auth/login", { body: { email: target.email, password: "fresh-password-3" } })).status).toBe(200);
    expect(await auditEntries({ action: "reset_password", resourceId: target.user.id })).toHaveLength(1);
  });

  it("signs a user out when an admin deactivates them, and refuses deleting oneself", async () => {
    const target = await signedInUser("viewer");
    const off = await rest("PUT", `/auth/users/${target.user.id}`, { token: admin.token, body: { active: false } });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await rest("GET", "/auth/me", { token: target.token })).status).toBe(401);
    expect((await rest("POST", "/auth/refresh", { body: { refresh_token: target.refreshToken } })).status).toBe(401);

    await signedInUser("admin"); // so the refusal below is about "yourself", not "the last admin"
    const self = await rest("DELETE", `/auth/users/${admin.user.id}`, { token: admin.token });
    expect(self.status).toBe(400);
    expect(self.body.details).toMatch(/your own account/);
    expect(await db.user.findUnique({ where: { id: admin.user.id } })).not.toBeNull();
  });
});
