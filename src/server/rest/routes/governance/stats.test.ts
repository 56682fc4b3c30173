import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { createUser } from "@/server/services/auth/users";
import { rest, signedInUser } from "@/test/rest-client";

/** This file's app database holds exactly what beforeAll makes, so the counts are exact. */
let admin: Awaited<ReturnType<typeof signedInUser>>;
const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);

beforeAll(async () => {
  expect(await db.user.count()).toBe(0);
  admin = await signedInUser("admin"); // login 1 (admin)
  const a = await signedInUser("analyst"); // login 2 (a)
  await rest("POST", "/auth/login", { body: { email: a.email, password: a.password } }); // login 3 (a again)
  await createUser({ email: "dev@example.test", password: "long-enough-1", role: "developer" });
  const idle = await createUser({ email: "idle@example.test", password: "long-enough-1", role: "viewer" });
  await db.user.update({ where: { id: idle.id }, data: { isActive: false } });
  expect((await rest("POST", "/auth/register", { body: { email: "self@example.test", password: "long-enough-1" } })).status).toBe(201);
  for (const password of ["wrong-one-1", "wrong-two-2"]) {
    expect((await rest("POST", "/auth/login", { body: { email: a.email, password } })).status).toBe(401);
  }
  // Older history: inside 7 days but not 24 hours, and beyond 7 days.
  const old = (action: string, createdAt: Date, outcome = "success") =>
    db.auditEntry.create({ data: { action, resourceType: "session", outcome, createdAt, userId: a.user.id } });
  await old("login", ago(72));
  await old("login", ago(24 * 10));
  await old("login", ago(48), "failure");
  await db.user.update({ where: { id: idle.id }, data: { createdAt: ago(24 * 30) } });
});

describe("GET /auth/admin/stats", () => {
  it("counts users by role and status, sign-ins, failures and registrations", async () => {
    const res = await rest("GET", "/auth/admin/stats", { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      total_users: 5,
      users_by_role: { admin: 1, developer: 1, analyst: 1, viewer: 2 },
      active_users: 4,
      inactive_users: 1,
      logins_24h: 3,
      logins_7d: 4,
      active_users_24h: 2,
      failed_logins_24h: 2,
      registrations_7d: 1,
      new_users_7d: 4,
    });
    expect(Date.parse(res.body.generated_at)).not.toBeNaN();
  });

  it("is for admins only", async () => {
    const analyst = await signedInUser("analyst");
    const res = await rest("GET", "/auth/admin/stats", { token: analyst.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
  });
});
