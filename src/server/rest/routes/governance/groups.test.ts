import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { rest, signedInUser } from "@/test/rest-client";
import { auditEntries } from "./testing";

let admin: Awaited<ReturnType<typeof signedInUser>>;
let analyst: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  admin = await signedInUser("admin");
  analyst = await signedInUser("analyst");
});

const createGroup = async (name: string, description = "") => {
  const res = await rest("POST", "/groups", { token: admin.token, body: { name, description } });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
};

describe("/groups (QueryBase)", () => {
  it("creates, reads, renames and deletes a group, auditing each change", async () => {
    const created = await rest("POST", "/groups", { token: admin.token, body: { name: "Developers", description: "Dev team" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Developers", description: "Dev team", member_count: 0 });
    const id = created.body.id as string;

    const got = await rest("GET", `/groups/${id}`, { token: admin.token });
    expect(got.body).toMatchObject({ id, name: "Developers", members: [] });

    const renamed = await rest("PUT", `/groups/${id}`, { token: admin.token, body: { name: "Development Team", description: "Updated" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: "Development Team", description: "Updated" });
    expect(renamed.body.updated_at).toBeTruthy();

    const deleted = await rest("DELETE", `/groups/${id}`, { token: admin.token });
    expect(deleted.body).toEqual({ message: "Group deleted successfully" });
    const gone = await rest("GET", `/groups/${id}`, { token: admin.token });
    expect(gone.status).toBe(404);
    expect(gone.body.error).toBe("not found");

    for (const action of ["create_group", "update_group", "delete_group"]) {
      expect(await auditEntries({ action, resourceId: id }), action).toHaveLength(1);
    }
  });

  it("refuses duplicate names (409), bad names (422) and unknown ids (404)", async () => {
    await createGroup("Analysts");
    const dup = await rest("POST", "/groups", { token: admin.token, body: { name: "Analysts" } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe("conflict");
    const other = await createGroup("Finance");
    expect((await rest("PUT", `/groups/${other.id}`, { token: admin.token, body: { name: "Analysts" } })).status).toBe(409);

    const empty = await rest("POST", "/groups", { token: admin.token, body: { name: "  " } });
    expect(empty.status).toBe(422);
    expect(empty.body.details.field).toBe("name");
    const reserved = await rest("POST", "/groups", { token: admin.token, body: { name: "user:someone@example.test" } });
    expect(reserved.status).toBe(422);
    expect(reserved.body.details.field).toBe("name");

    for (const [method, path, body] of [
      ["GET", "/groups/nope", undefined],
      ["PUT", "/groups/nope", { name: "x" }],
      ["DELETE", "/groups/nope", undefined],
      ["POST", "/groups/nope/users", { user_id: analyst.user.id }],
      ["DELETE", "/groups/nope/users", { user_id: analyst.user.id }],
    ] as const) {
      expect((await rest(method, path, { token: admin.token, body })).status, `${method} ${path}`).toBe(404);
    }
  });

  it("lists groups to any signed-in user, with members shown to admins only", async () => {
    const group = await createGroup("Visible", "seen by all");
    await rest("POST", `/groups/${group.id}/users`, { token: admin.token, body: { user_id: analyst.user.id } });

    const list = await rest("GET", "/groups?page_size=2", { token: analyst.token });
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeLessThanOrEqual(2);
    expect(Number(list.headers.get("x-total-count"))).toBe(list.body.total);
    expect(list.headers.get("x-page-size")).toBe("2");
    const all = await rest("GET", "/groups?search=Visible", { token: analyst.token });
    expect(all.body.data).toEqual([expect.objectContaining({ id: group.id, member_count: 1, description: "seen by all" })]);
    expect(all.body.data[0].members).toBeUndefined();

    const asAnalyst = await rest("GET", `/groups/${group.id}`, { token: analyst.token });
    expect(asAnalyst.status).toBe(200);
    expect(asAnalyst.body).toMatchObject({ name: "Visible", member_count: 1 });
    expect(asAnalyst.body.members).toBeUndefined();
    expect(JSON.stringify(asAnalyst.body)).not.toContain(analyst.email);

    const asAdmin = await rest("GET", `/groups/${group.id}`, { token: admin.token });
    expect(asAdmin.body.members).toEqual([expect.objectContaining({ id: analyst.user.id, email: analyst.email })]);
  });
});

describe("/groups/:id/users", () => {
  it("adds and removes members with user_id in the body, auditing both", async () => {
    const group = await createGroup("Members");
    const path = `/groups/${group.id}/users`;
    const added = await rest("POST", path, { token: admin.token, body: { user_id: analyst.user.id } });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ message: "User added to group successfully", added: true });
    const again = await rest("POST", path, { token: admin.token, body: { user_id: analyst.user.id } });
    expect(again.body.added).toBe(false);
    expect(await db.groupMember.count({ where: { groupId: group.id } })).toBe(1);

    const detail = await rest("GET", `/auth/users/${analyst.user.id}`, { token: analyst.token });
    expect(detail.body.groups).toContainEqual({ id: group.id, name: "Members" });

    const removed = await rest("DELETE", path, { token: admin.token, body: { user_id: analyst.user.id } });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ message: "User removed from group successfully" });
    const notMember = await rest("DELETE", path, { token: admin.token, body: { user_id: analyst.user.id } });
    expect(notMember.status).toBe(404);

    expect(await auditEntries({ action: "add_group_member", resourceId: group.id })).toHaveLength(1);
    expect(await auditEntries({ action: "remove_group_member", resourceId: group.id })).toHaveLength(1);
  });

  it("answers an unknown or missing user_id with 422 naming the field", async () => {
    const group = await createGroup("Strict");
    const unknown = await rest("POST", `/groups/${group.id}/users`, { token: admin.token, body: { user_id: "ghost" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.details.field).toBe("user_id");
    const missing = await rest("DELETE", `/groups/${group.id}/users`, { token: admin.token, body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.details.field).toBe("user_id");
  });
});
