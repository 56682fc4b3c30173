import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { rest, signedInUser } from "@/test/rest-client";
import { auditEntries, makeDataSource } from "./testing";

let admin: Awaited<ReturnType<typeof signedInUser>>;
let member: Awaited<ReturnType<typeof signedInUser>>;
let outsider: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  admin = await signedInUser("admin");
  member = await signedInUser("analyst");
  outsider = await signedInUser("developer");
});

async function groupWith(name: string, userId: string): Promise<string> {
  const group = await rest("POST", "/groups", { token: admin.token, body: { name } });
  expect(group.status).toBe(201);
  expect((await rest("POST", `/groups/${group.body.id}/users`, { token: admin.token, body: { user_id: userId } })).status).toBe(200);
  return group.body.id as string;
}

const visibleIds = async (token: string): Promise<string[]> => {
  const res = await rest("GET", "/datasources", { token });
  expect(res.status).toBe(200);
  return res.body.data.map((d: { id: string }) => d.id);
};

describe("/datasources/:id/permissions (QueryBase)", () => {
  it("grants a group read access: the data source appears in GET /datasources for its members only", async () => {
    const ds = await makeDataSource({ name: "Sales" });
    const groupId = await groupWith("Sales readers", member.user.id);
    expect(await visibleIds(member.token)).not.toContain(ds.id);
    expect((await rest("GET", `/datasources/${ds.id}/permissions`, { token: member.token })).status).toBe(404);

    const put = await rest("PUT", `/datasources/${ds.id}/permissions`, {
      token: admin.token,
      body: { permissions: [{ group_id: groupId, can_read: true, can_write: false, can_approve: false }] },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ message: "Permissions updated successfully", data_source_id: ds.id });

    expect(await visibleIds(member.token)).toContain(ds.id);
    expect(await visibleIds(outsider.token)).not.toContain(ds.id);
    const listed = (await rest("GET", "/datasources", { token: member.token })).body.data.find((d: { id: string }) => d.id === ds.id);
    expect(listed.permissions).toEqual({ can_read: true, can_write: false, can_approve: false });

    const got = await rest("GET", `/datasources/${ds.id}/permissions`, { token: member.token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      data_source_id: ds.id,
      permissions: [
        { group_id: groupId, group_name: "Sales readers", personal: false, can_read: true, can_write: false, can_approve: false },
      ],
    });
    expect((await rest("GET", `/datasources/${ds.id}/permissions`, { token: outsider.token })).status).toBe(404);

    const [entry] = await auditEntries({ action: "set_permissions", resourceId: ds.id });
    expect(JSON.parse(entry!.details)).toMatchObject({ before: [], after: [{ group: "Sales readers", read: true }] });
  });

  it("replaces the whole list: grants not sent are revoked", async () => {
    const ds = await makeDataSource();
    const a = await groupWith("Replace A", member.user.id);
    const b = await groupWith("Replace B", outsider.user.id);
    await rest("PUT", `/datasources/${ds.id}/permissions`, {
      token: admin.token,
      body: { permissions: [{ group_id: a }, { group_id: b, can_write: true }] },
    });
    expect(await db.dataSourcePermission.count({ where: { dataSourceId: ds.id } })).toBe(2);
    expect(await visibleIds(outsider.token)).toContain(ds.id);

    const replaced = await rest("PUT", `/datasources/${ds.id}/permissions`, {
      token: admin.token,
      body: { permissions: [{ group_id: b, can_read: true, can_approve: true }] },
    });
    expect(replaced.body.permissions).toEqual([expect.objectContaining({ group_id: b, can_write: false, can_approve: true })]);
    expect(await visibleIds(member.token)).not.toContain(ds.id);

    expect((await rest("PUT", `/datasources/${ds.id}/permissions`, { token: admin.token, body: { permissions: [] } })).status).toBe(200);
    expect(await db.dataSourcePermission.count({ where: { dataSourceId: ds.id } })).toBe(0);
    expect(await visibleIds(outsider.token)).not.toContain(ds.id);
  });

  it("answers unknown groups with 422 naming the field, unknown data sources with 404, and changes nothing", async () => {
    const ds = await makeDataSource();
    const good = await groupWith("Known", member.user.id);
    const unknown = await rest("PUT", `/datasources/${ds.id}/permissions`, {
      token: admin.token,
      body: { permissions: [{ group_id: good }, { group_id: "no-such-group" }] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ error: "validation failed", details: { field: "permissions.1.group_id" } });
    const repeated = await rest("PUT", `/datasources/${ds.id}/permissions`, {
      token: admin.token,
      body: { permissions: [{ group_id: good }, { group_id: good }] },
    });
    expect(repeated.status).toBe(422);
    expect(await db.dataSourcePermission.count({ where: { dataSourceId: ds.id } })).toBe(0);

    const missing = await rest("PUT", `/datasources/${ds.id}/permissions`, { token: admin.token, body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.details.field).toBe("permissions");
    const noDs = await rest("PUT", "/datasources/no-such-ds/permissions", { token: admin.token, body: { permissions: [] } });
    expect(noDs.status).toBe(404);
    expect(noDs.body.error).toBe("not found");
    expect((await rest("GET", "/datasources/no-such-ds/permissions", { token: admin.token })).status).toBe(404);
  });
});

describe("PUT /permissions/:resource_id (InsightEngine)", () => {
  it("grants one user read, write or approve through their personal group, and none takes it away", async () => {
    const ds = await makeDataSource();
    const user = await signedInUser("analyst");
    const write = await rest("PUT", `/permissions/${ds.id}`, { token: admin.token, body: { user_id: user.user.id, permission: "write" } });
    expect(write.status).toBe(200);
    expect(write.body).toMatchObject({
      resource_id: ds.id,
      user_id: user.user.id,
      permission: "write",
      effective: { can_read: true, can_write: true, can_approve: false },
    });
    expect(await visibleIds(user.token)).toContain(ds.id);
    const grants = await rest("GET", `/datasources/${ds.id}/permissions`, { token: user.token });
    expect(grants.body.permissions).toEqual([
      expect.objectContaining({ group_name: `user:${user.email}`, personal: true, can_write: true }),
    ]);

    const approve = await rest("PUT", `/permissions/${ds.id}`, { token: admin.token, body: { user_id: user.user.id, permission: "approve" } });
    expect(approve.body.effective).toEqual({ can_read: true, can_write: true, can_approve: true });
    expect(await db.group.count({ where: { name: `user:${user.email}` } })).toBe(1);

    const none = await rest("PUT", `/permissions/${ds.id}`, { token: admin.token, body: { user_id: user.user.id, permission: "none" } });
    expect(none.body.effective).toEqual({ can_read: false, can_write: false, can_approve: false });
    expect(await visibleIds(user.token)).not.toContain(ds.id);
    expect(await db.group.count({ where: { name: `user:${user.email}` } })).toBe(0);
    expect(await auditEntries({ action: "set_user_permission", resourceId: ds.id })).toHaveLength(3);
  });

  it("caps a viewer at read and keeps access from other groups after none", async () => {
    const ds = await makeDataSource();
    const viewer = await signedInUser("viewer");
    const capped = await rest("PUT", `/permissions/${ds.id}`, { token: admin.token, body: { user_id: viewer.user.id, permission: "write" } });
    expect(capped.body.effective).toEqual({ can_read: true, can_write: false, can_approve: false });

    const team = await groupWith("Viewer team", viewer.user.id);
    await rest("PUT", `/datasources/${ds.id}/permissions`, {
      token: admin.token,
      body: { permissions: [{ group_id: team }, { group_id: (await db.group.findUniqueOrThrow({ where: { name: `user:${viewer.email}` } })).id }] },
    });
    const none = await rest("PUT", `/permissions/${ds.id}`, { token: admin.token, body: { user_id: viewer.user.id, permission: "none" } });
    expect(none.body.effective.can_read).toBe(true);
  });

  it("keeps personal groups, which carry emails, away from non-admins", async () => {
    const ds = await makeDataSource();
    const alice = await signedInUser("analyst");
    const bob = await signedInUser("analyst");
    for (const u of [alice, bob]) {
      await rest("PUT", `/permissions/${ds.id}`, { token: admin.token, body: { user_id: u.user.id, permission: "read" } });
    }
    const seenByAlice = await rest("GET", `/datasources/${ds.id}/permissions`, { token: alice.token });
    expect(seenByAlice.body.permissions.map((g: { group_name: string }) => g.group_name)).toEqual([`user:${alice.email}`]);
    const seenByAdmin = await rest("GET", `/datasources/${ds.id}/permissions`, { token: admin.token });
    expect(seenByAdmin.body.permissions).toHaveLength(2);

    const personal = await db.group.findUniqueOrThrow({ where: { name: `user:${bob.email}` } });
    expect((await rest("GET", `/groups/${personal.id}`, { token: alice.token })).status).toBe(404);
    expect((await rest("GET", `/groups/${personal.id}`, { token: admin.token })).status).toBe(200);
    const listed = await rest("GET", "/groups?page_size=1000", { token: alice.token });
    expect(JSON.stringify(listed.body)).not.toContain(bob.email);
    const adminList = await rest("GET", "/groups?search=user:&page_size=1000", { token: admin.token });
    expect(adminList.body.data.map((g: { name: string }) => g.name)).toContain(`user:${bob.email}`);

    const share = await rest("POST", `/groups/${personal.id}/users`, { token: admin.token, body: { user_id: alice.user.id } });
    expect(share.status).toBe(400);
    expect(await db.groupMember.count({ where: { groupId: personal.id } })).toBe(1);
  });

  it("answers bad input with 422 and an unknown data source with 404, in InsightEngine's format", async () => {
    const ds = await makeDataSource();
    const bad = await rest("PUT", `/permissions/${ds.id}`, { token: admin.token, body: { user_id: member.user.id, permission: "owner" } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: [expect.objectContaining({ field: "permission" })] });
    const ghost = await rest("PUT", `/permissions/${ds.id}`, { token: admin.token, body: { user_id: "ghost", permission: "read" } });
    expect(ghost.status).toBe(422);
    expect(ghost.body.error.details).toEqual([expect.objectContaining({ field: "user_id" })]);
    const noDs = await rest("PUT", "/permissions/no-such-ds", { token: admin.token, body: { user_id: member.user.id, permission: "read" } });
    expect(noDs.status).toBe(404);
    expect(noDs.body.error.code).toBe("NOT_FOUND");
  });
});
