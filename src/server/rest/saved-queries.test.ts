import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";

/** Saved queries over REST and tRPC: version diff, folders, group shares, share links, and who may touch what. */
let admin: Awaited<ReturnType<typeof signedInUser>>;
let owner: Awaited<ReturnType<typeof signedInUser>>;
let member: Awaited<ReturnType<typeof signedInUser>>;
let attacker: Awaited<ReturnType<typeof signedInUser>>;
let dsId = "";
let teamId = "";

async function callerFor(token: string) {
  const { createCaller } = await import("@/server/routers/_app");
  const { sessionFromBearer } = await import("@/server/services/auth/session");
  return createCaller({ session: await sessionFromBearer(token), sessionError: null, meta: {}, bearerToken: token });
}

beforeAll(async () => {
  admin = await signedInUser("admin");
  owner = await signedInUser("analyst");
  member = await signedInUser("analyst");
  attacker = await signedInUser("analyst");
  const created = await rest("POST", "/datasources", { token: admin.token, body: { name: `sq-${Date.now()}`, type: "sqlite", database_name: demoDatabaseFile() } });
  dsId = created.body.id;
  // Everyone holds an ordinary read grant on the data source.
  for (const u of [owner, member, attacker]) await grant(u.user.id, dsId, { canRead: true });
  teamId = (await db.group.create({ data: { name: `team-${Date.now()}`, members: { create: [{ userId: owner.user.id }, { userId: member.user.id }] } } })).id;
});

async function saved(title: string, sql = "SELECT id FROM products") {
  const res = await rest("POST", "/saved-queries", { token: owner.token, body: { title, sql, database_id: dsId } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe("version diff", () => {
  it("answers line hunks between any two versions, 404 for unknown ones, 422 for bad params", async () => {
    const id = await saved("Diffed", "SELECT id\nFROM products");
    await rest("PUT", `/saved-queries/${id}`, { token: owner.token, body: { sql: "SELECT id, name\nFROM products\nORDER BY id" } });
    const versions = await rest("GET", `/saved-queries/${id}/versions`, { token: owner.token });
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const diff = await rest("GET", `/saved-queries/${id}/versions/diff?from=1&to=2`, { token: owner.token });
    expect(diff.status).toBe(200);
    expect(diff.body).toMatchObject({ from: 1, to: 2, added: 2, removed: 1, changed_fields: [] });
    expect(diff.body.hunks[0].lines[0]).toEqual({ kind: "remove", text: "SELECT id", old_line: 1, new_line: null });
    expect(diff.body.sql_diff).toContain("+ORDER BY id");
    expect(diff.body.to_version.sql).toBe("SELECT id, name\nFROM products\nORDER BY id");

    const unknown = await rest("GET", `/saved-queries/${id}/versions/diff?from=1&to=7`, { token: owner.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("NOT_FOUND");
    for (const q of ["from=1", "from=x&to=2", "from=0&to=2", "from=1.5&to=2"]) {
      const bad = await rest("GET", `/saved-queries/${id}/versions/diff?${q}`, { token: owner.token });
      expect(bad.status, q).toBe(422);
      expect(bad.body.error.code).toBe("VALIDATION_ERROR");
      expect(bad.body.error.details.length, q).toBeGreaterThan(0);
    }
    const trpc = await (await callerFor(owner.token)).savedQueries.diff({ id, from: 2, to: 1 });
    expect(trpc.hunks[0]!.lines.filter((l) => l.kind === "add").map((l) => l.text)).toEqual(["SELECT id"]);
  });

  it("keeps the chart settings with the query and each version", async () => {
    const chart = { type: "bar", x: "name", y: ["price"], series: null };
    const res = await rest("POST", "/saved-queries", { token: owner.token, body: { title: "Charted", sql: "SELECT name, price FROM products", chart } });
    expect(res.body.chart).toEqual(chart);
    const pie = { type: "pie", x: "name", y: ["price"], series: null };
    const put = await rest("PUT", `/saved-queries/${res.body.id}`, { token: owner.token, body: { chart: pie } });
    expect(put.body).toMatchObject({ version: 2, chart: pie });
    const diff = await rest("GET", `/saved-queries/${res.body.id}/versions/diff?from=1&to=2`, { token: owner.token });
    expect(diff.body.changed_fields).toEqual(["chart"]);
    const bad = await rest("POST", "/saved-queries", { token: owner.token, body: { title: "x", sql: "SELECT 1", chart: { type: "radar", x: "a", y: [] } } });
    expect(bad.status).toBe(422);
  });
});

describe("folders", () => {
  it("are made, renamed, filed into, listed by and deleted keeping their queries", async () => {
    const folder = await rest("POST", "/saved-query-folders", { token: owner.token, body: { name: "Finance" } });
    expect(folder.status).toBe(201);
    const fid = folder.body.id;
    expect((await rest("POST", "/saved-query-folders", { token: owner.token, body: { name: "Finance" } })).status).toBe(409);
    expect((await rest("POST", "/saved-query-folders", { token: owner.token, body: { name: " " } })).status).toBe(422);
    const id = await saved("Filed");
    const moved = await rest("POST", `/saved-queries/${id}/move`, { token: owner.token, body: { folder_id: fid } });
    expect(moved.body.folder_id).toBe(fid);
    const inFolder = await rest("GET", `/saved-queries?folder_id=${fid}`, { token: owner.token });
    expect(inFolder.body.saved_queries.map((q: { id: string }) => q.id)).toEqual([id]);
    const renamed = await rest("PUT", `/saved-query-folders/${fid}`, { token: owner.token, body: { name: "Money" } });
    expect(renamed.body).toMatchObject({ name: "Money", query_count: 1 });
    expect((await rest("GET", "/saved-query-folders", { token: owner.token })).body.folders.map((f: { name: string }) => f.name)).toContain("Money");
    expect((await rest("GET", "/saved-query-folders", { token: attacker.token })).body.folders).toEqual([]);
    expect((await rest("DELETE", `/saved-query-folders/${fid}`, { token: attacker.token })).status).toBe(404);
    expect((await rest("PUT", `/saved-query-folders/${fid}`, { token: attacker.token, body: { name: "mine" } })).status).toBe(404);
    expect((await rest("GET", `/saved-queries?folder_id=${fid}`, { token: attacker.token })).status).toBe(404);

    const gone = await rest("DELETE", `/saved-query-folders/${fid}`, { token: owner.token });
    expect(gone.body.moved_queries).toBe(1);
    const after = await rest("GET", `/saved-queries/${id}`, { token: owner.token });
    expect(after.status).toBe(200);
    expect(after.body.folder_id).toBeNull();
    const loose = await rest("GET", "/saved-queries?folder_id=none&limit=100", { token: owner.token });
    expect(loose.body.saved_queries.map((q: { id: string }) => q.id)).toContain(id);
  });
});

describe("sharing with a group", () => {
  it("lets members read but never edit, delete or reshare; lists it only for members", async () => {
    const id = await saved(`Team numbers ${Date.now()}`);
    const shared = await rest("POST", `/saved-queries/${id}/share-groups`, { token: owner.token, body: { group_ids: [teamId] } });
    expect(shared.status).toBe(200);
    expect(shared.body.shared_with_groups).toEqual([{ group_id: teamId, name: expect.any(String) }]);
    const seen = await rest("GET", `/saved-queries/${id}`, { token: member.token });
    expect(seen.body).toMatchObject({ id, permission: "read" });
    const listed = await rest("GET", "/saved-queries?scope=shared&limit=100", { token: member.token });
    expect(listed.body.saved_queries.map((q: { id: string }) => q.id)).toContain(id);
    expect((await rest("PUT", `/saved-queries/${id}`, { token: member.token, body: { sql: "SELECT 2" } })).status).toBe(403);
    expect((await rest("DELETE", `/saved-queries/${id}`, { token: member.token })).status).toBe(403);
    expect((await rest("POST", `/saved-queries/${id}/share-groups`, { token: member.token, body: { group_ids: [teamId], action: "remove" } })).status).toBe(403);
    const memberCaller = await callerFor(member.token);
    await expect(memberCaller.savedQueries.update({ id, patch: { sql: "SELECT 2" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await rest("GET", `/saved-queries/${id}`, { token: attacker.token })).status).toBe(404);
    // An admin edits; the owner unshares.
    expect((await rest("PUT", `/saved-queries/${id}`, { token: admin.token, body: { description: "ok" } })).status).toBe(200);
    await rest("POST", `/saved-queries/${id}/share-groups`, { token: owner.token, body: { group_ids: [teamId], action: "remove" } });
    expect((await rest("GET", `/saved-queries/${id}`, { token: member.token })).status).toBe(404);
    expect((await rest("POST", `/saved-queries/${id}/share-groups`, { token: owner.token, body: { group_ids: [] } })).status).toBe(422);
  });
});

describe("an attacker with an ordinary grant", () => {
  it("cannot read, list, edit, file, share or delete someone's unshared query by id over REST", async () => {
    const id = await saved(`Owner only ${Date.now()}`, "SELECT * FROM customers");
    const t = attacker.token;
    const statuses = [
      (await rest("GET", `/saved-queries/${id}`, { token: t })).status,
      (await rest("GET", `/saved-queries/${id}/versions`, { token: t })).status,
      (await rest("GET", `/saved-queries/${id}/versions/diff?from=1&to=1`, { token: t })).status,
      (await rest("PUT", `/saved-queries/${id}`, { token: t, body: { sql: "SELECT 1" } })).status,
      (await rest("DELETE", `/saved-queries/${id}`, { token: t })).status,
      (await rest("POST", `/saved-queries/${id}/share`, { token: t, body: { user_ids: [attacker.user.id], permission: "edit" } })).status,
      (await rest("POST", `/saved-queries/${id}/share-groups`, { token: t, body: { group_ids: [teamId] } })).status,
      (await rest("POST", `/saved-queries/${id}/move`, { token: t, body: { folder_id: null } })).status,
    ];
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
    const everything = await rest("GET", "/saved-queries?limit=100", { token: t });
    expect(everything.body.saved_queries.map((q: { id: string }) => q.id)).not.toContain(id);
    const still = await rest("GET", `/saved-queries/${id}`, { token: owner.token });
    expect(still.body).toMatchObject({ version: 1, sql: "SELECT * FROM customers", shared_with: [], shared_with_groups: [] });
  });

  it("cannot do it over tRPC either", async () => {
    const id = await saved(`Owner only ${Date.now()}`);
    const caller = await callerFor(attacker.token);
    const calls = [
      caller.savedQueries.get({ id }),
      caller.savedQueries.versions({ id }),
      caller.savedQueries.diff({ id, from: 1, to: 1 }),
      caller.savedQueries.update({ id, patch: { sql: "SELECT 1" } }),
      caller.savedQueries.remove({ id }),
      caller.savedQueries.revert({ id, version: 1 }),
      caller.savedQueries.share({ id, userIds: [attacker.user.id], permission: "edit" }),
      caller.savedQueries.shareGroups({ id, groupIds: [teamId], action: "add" }),
      caller.savedQueries.move({ id, folderId: null }),
    ];
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { items } = await caller.savedQueries.list({ page: 1, pageSize: 100 });
    expect(items.map((q) => q.id)).not.toContain(id);
    expect((await rest("GET", `/saved-queries/${id}`, { token: owner.token })).body.version).toBe(1);
  });
});

describe("share links", () => {
  it("are listed with views for their creator, and stop working at once when revoked", async () => {
    const run = await rest("POST", "/queries", { token: owner.token, body: { data_source_id: dsId, query_text: "SELECT id FROM regions ORDER BY id" } });
    const link = await rest("POST", `/queries/${run.body.id}/share-link`, { token: owner.token, body: { expiration_days: 3 } });
    expect(link.status).toBe(201);
    const opened = await rest("GET", `/share-links/${link.body.id}/result`);
    expect(opened.status).toBe(200);
    expect(opened.body.data).toEqual(run.body.data);
    await (await callerFor(member.token)).shares.open({ id: link.body.id });

    const mine = await rest("GET", "/share-links", { token: owner.token });
    const row = mine.body.share_links.find((l: { id: string }) => l.id === link.body.id);
    expect(row).toMatchObject({ query_id: run.body.id, sql_preview: "SELECT id FROM regions ORDER BY id", views: 2, status: "active", revoked_at: null });
    expect(row.expires_at).toBeTruthy();
    expect(row.last_viewed_at).toBeTruthy();
    expect((await rest("GET", "/share-links", { token: attacker.token })).body.share_links).toEqual([]);
    expect((await (await callerFor(attacker.token)).shares.list()).items).toEqual([]);

    expect((await rest("DELETE", `/share-links/${link.body.id}`, { token: attacker.token })).status).toBe(404);
    expect((await rest("GET", `/share-links/${link.body.id}/result`)).status).toBe(200);
    expect((await rest("DELETE", `/share-links/${link.body.id}`, { token: owner.token })).status).toBe(200);
    expect((await rest("GET", `/share-links/${link.body.id}/result`)).status).toBe(404);
    const { createCaller } = await import("@/server/routers/_app");
    const anonymous = createCaller({ session: null, sessionError: null, meta: { ip: "10.0.0.7" }, bearerToken: null });
    await expect(anonymous.shares.open({ id: link.body.id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const after = await (await callerFor(owner.token)).shares.list({ page: 1, pageSize: 50, status: "all" });
    expect(after.items.find((l) => l.id === link.body.id)).toMatchObject({ status: "revoked", views: 3 });
    const active = await rest("GET", "/share-links?status=active", { token: owner.token });
    expect(active.body.share_links.map((l: { id: string }) => l.id)).not.toContain(link.body.id);
  });
});
