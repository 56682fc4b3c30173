import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { rest, signedInUser } from "@/test/rest-client";
import { auditEntries, makeDataSource } from "./testing";

let admin: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  admin = await signedInUser("admin");
});

describe("/team/members (InsightEngine)", () => {
  it("invites by email with a temporary password that is returned once and signs in", async () => {
    const invited = await rest("POST", "/team/members", { token: admin.token, body: { email: "New@Example.test", role: "analyst" } });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email: "new@example.test", role: "analyst", must_change_password: true, is_active: true });
    expect(invited.body.joined_at).toBeTruthy();
    const temporary = invited.body.temporary_password as string;
    expect(temporary.length).toBeGreaterThanOrEqual(16);

    const stored = await db.user.findUniqueOrThrow({ where: { id: invited.body.id } });
    expect(stored.passwordHash).not.toContain(temporary);
    const login = await rest("POST", "/auth/login", { body: { email: "new@example.test", password: temporary } });
    expect(login.status).toBe(200);

    // Shown once: no other answer carries it.
    const members = await rest("GET", "/team/members", { token: admin.token });
    expect(members.status).toBe(200);
    expect(members.body.members).toContainEqual(expect.objectContaining({ id: invited.body.id, email: "new@example.test" }));
    expect(JSON.stringify(members.body)).not.toContain(temporary);
    expect(JSON.stringify((await rest("GET", `/auth/users/${invited.body.id}`, { token: admin.token })).body)).not.toContain(temporary);

    const [entry] = await auditEntries({ action: "invite_user", resourceId: invited.body.id });
    expect(entry?.details).not.toContain(temporary);
  });

  it("refuses a second invite for the same email (409) and a bad email (422), in InsightEngine's format", async () => {
    expect((await rest("POST", "/team/members", { token: admin.token, body: { email: "twice@example.test", role: "viewer" } })).status).toBe(201);
    const again = await rest("POST", "/team/members", { token: admin.token, body: { email: "twice@example.test", role: "viewer" } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("CONFLICT");
    const bad = await rest("POST", "/team/members", { token: admin.token, body: { email: "not-an-email", role: "viewer" } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: "email" })]);
  });

  it("paginates members with limit and paging headers", async () => {
    const res = await rest("GET", "/team/members?limit=1&page=2", { token: admin.token });
    expect(res.body.members).toHaveLength(1);
    expect(res.body).toMatchObject({ page: 2, limit: 1 });
    expect(res.headers.get("x-page")).toBe("2");
    expect(Number(res.headers.get("x-total-count"))).toBe(res.body.total);
    expect(res.body.total).toBe(await db.user.count());
  });

  it("revoke deactivates the member and signs them out everywhere", async () => {
    const member = await signedInUser("developer");
    const revoked = await rest("POST", `/team/members/${member.user.id}/revoke`, { token: admin.token });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: member.user.id, is_active: false });
    expect((await rest("GET", "/auth/me", { token: member.token })).status).toBe(401);
    expect((await rest("POST", "/auth/refresh", { body: { refresh_token: member.refreshToken } })).status).toBe(401);
    expect((await rest("POST", "/auth/login", { body: { email: member.email, password: member.password } })).status).toBe(403);
    expect(await auditEntries({ action: "revoke_member", resourceId: member.user.id })).toHaveLength(1);

    const unknown = await rest("POST", "/team/members/nobody/revoke", { token: admin.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("NOT_FOUND");
  });
});

describe("/admin/users (Analytics Assistant)", () => {
  it("lists, changes role and status, and deletes", async () => {
    const target = await signedInUser("viewer");
    const list = await rest("GET", "/admin/users?is_active=true&page_size=500", { token: admin.token });
    expect(list.status).toBe(200);
    expect(list.body.users.map((u: { id: string }) => u.id)).toContain(target.user.id);
    expect(list.body.users.every((u: { is_active: boolean }) => u.is_active)).toBe(true);
    expect(list.headers.get("x-total-count")).toBe(String(list.body.total));

    const role = await rest("PUT", `/admin/users/${target.user.id}/role`, { token: admin.token, body: { role: "user" } });
    expect(role.status).toBe(200);
    expect(role.body.user.role).toBe("analyst");
    const badRole = await rest("PUT", `/admin/users/${target.user.id}/role`, { token: admin.token, body: { role: "owner" } });
    expect(badRole.status).toBe(422);
    expect(badRole.body.error.details).toEqual([expect.objectContaining({ field: "role" })]);

    const off = await rest("PUT", `/admin/users/${target.user.id}/status`, { token: admin.token, body: { status: "inactive" } });
    expect(off.status).toBe(200);
    expect(off.body.user.is_active).toBe(false);
    expect((await rest("GET", "/auth/me", { token: target.token })).status).toBe(401);
    const on = await rest("PUT", `/admin/users/${target.user.id}/status`, { token: admin.token, body: { is_active: true } });
    expect(on.body.user.is_active).toBe(true);
    // Reactivation does not revive tokens issued before the sign-out.
    expect((await rest("GET", "/auth/me", { token: target.token })).status).toBe(401);
    expect((await rest("PUT", `/admin/users/${target.user.id}/status`, { token: admin.token, body: {} })).status).toBe(422);

    for (const action of ["change_role", "deactivate_user", "activate_user"]) {
      expect(await auditEntries({ action, resourceId: target.user.id }), action).toHaveLength(1);
    }

    const deleted = await rest("DELETE", `/admin/users/${target.user.id}`, { token: admin.token });
    expect(deleted.status).toBe(200);
    // Deleting keeps the row as an anonymised tombstone (see users/delete-user.test.ts).
    expect(await db.user.findUnique({ where: { id: target.user.id } })).toMatchObject({ isActive: false, deletedAt: expect.any(Date) });
    expect((await rest("GET", "/admin/users", { token: admin.token })).body.users ?? []).not.toContainEqual(
      expect.objectContaining({ id: target.user.id }),
    );
    const again = await rest("DELETE", `/admin/users/${target.user.id}`, { token: admin.token });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("NOT_FOUND");
  });
});

describe("/admin/system", () => {
  it("reports the app, its database, each data source's last known status, jobs and the process", async () => {
    const down = await makeDataSource({ name: "Warehouse", status: "error" });
    await db.dataSource.update({ where: { id: down.id }, data: { lastError: "connection refused", lastCheckedAt: new Date() } });
    const res = await rest("GET", "/admin/system/status", { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "ok",
      database: { status: "ok" },
      jobs: { backend: "in-process", status: "ok", queue_depth: { waiting: 0, delayed: 0, running: 0 }, error: null },
      node_version: process.version,
    });
    // Nothing started the worker in this test file: no live worker is claimed.
    expect(res.body.jobs.workers).toEqual([]);
    expect(res.body.jobs.failed).toMatchObject({ total: expect.any(Number), recent: expect.any(Array) });
    expect(res.body.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(res.body.memory.rss_bytes).toBeGreaterThan(0);
    expect(res.body.redis).toEqual({ configured: false, status: "off", latency_ms: null, error: null });
    const loop = res.body.event_loop as { delay_p50_ms: number; delay_p99_ms: number; delay_max_ms: number };
    expect(Object.keys(loop).sort()).toEqual(["delay_max_ms", "delay_p50_ms", "delay_p99_ms"]);
    expect(loop.delay_p50_ms).toBeGreaterThan(0); // a timer never fires early: some delay is always measured
    expect(loop.delay_p99_ms).toBeGreaterThanOrEqual(loop.delay_p50_ms);
    expect(loop.delay_max_ms).toBeGreaterThanOrEqual(loop.delay_p99_ms);
    expect(res.body.data_sources).toContainEqual(
      expect.objectContaining({ id: down.id, name: "Warehouse", status: "error", error: "connection refused" }),
    );
  });

  it("clears every data source's cached schema and says which", async () => {
    const cached = await makeDataSource({ name: "Cached", schemaCache: JSON.stringify({ tables: [] }) });
    const plain = await makeDataSource({ name: "Plain" });
    const res = await rest("POST", "/admin/system/cache/clear", { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.cleared.schema_cache).toEqual([{ id: cached.id, name: "Cached" }]);
    expect(res.body.cleared.count).toBe(1);
    const row = await db.dataSource.findUniqueOrThrow({ where: { id: cached.id } });
    expect(row.schemaCache).toBeNull();
    expect(row.lastSyncedAt).toBeNull();
    expect((await db.dataSource.findUniqueOrThrow({ where: { id: plain.id } })).updatedAt).toEqual(plain.updatedAt);

    const [entry] = await auditEntries({ action: "clear_cache", userId: admin.user.id });
    const details = JSON.parse(entry!.details);
    expect(details).toMatchObject({ data_sources: ["Cached"] });
    expect(details.memory_caches).toContain("sessions");
    const empty = await rest("POST", "/admin/system/cache/clear", { token: admin.token });
    expect(empty.body).toMatchObject({ message: "No cached schemas to clear", cleared: { count: 0 } });
  });
});
