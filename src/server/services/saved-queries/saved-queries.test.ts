import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { userPrincipal, type Principal } from "@/server/services/principal";
import {
  createFolder,
  createSavedQuery,
  deleteFolder,
  deleteSavedQuery,
  diffVersions,
  getSavedQuery,
  lineHunks,
  listFolders,
  listSavedQueries,
  listVersions,
  moveSavedQuery,
  renameFolder,
  revertToVersion,
  shareSavedQuery,
  shareSavedQueryWithGroups,
  updateSavedQuery,
} from "./index";

let n = 0;
async function person(role: "analyst" | "admin" | "viewer" = "analyst"): Promise<{ p: Principal; id: string }> {
  n += 1;
  const u = await createUser({ email: `sq-${n}-${Date.now()}@example.test`, password: "correct-horse-9", role });
  return { p: userPrincipal(toSessionUser(u)), id: u.id };
}

const list = (p: Principal, extra: Partial<Parameters<typeof listSavedQueries>[1]> = {}) =>
  listSavedQueries(p, { page: 1, pageSize: 100, sort: "recent", ...extra }).then((r) => r.items.map((q) => q.id));

let owner: Awaited<ReturnType<typeof person>>;
let member: Awaited<ReturnType<typeof person>>;
let outsider: Awaited<ReturnType<typeof person>>;
let admin: Awaited<ReturnType<typeof person>>;
let groupId = "";

beforeAll(async () => {
  [owner, member, outsider, admin] = [await person(), await person(), await person(), await person("admin")];
  const group = await db.group.create({ data: { name: `team-${Date.now()}`, members: { create: [{ userId: owner.id }, { userId: member.id }] } } });
  groupId = group.id;
});

describe("line hunks", () => {
  it("mark removed, added and context lines with their line numbers", () => {
    const hunks = lineHunks("SELECT a\nFROM t\nWHERE x = 1", "SELECT a, b\nFROM t\nWHERE x = 1");
    expect(hunks).toHaveLength(1);
    expect(hunks[0]!.lines).toEqual([
      { kind: "remove", text: "SELECT a", oldLine: 1, newLine: null },
      { kind: "add", text: "SELECT a, b", oldLine: null, newLine: 1 },
      { kind: "context", text: "FROM t", oldLine: 2, newLine: 2 },
      { kind: "context", text: "WHERE x = 1", oldLine: 3, newLine: 3 },
    ]);
    expect(lineHunks("SELECT 1", "SELECT 1\n")).toEqual([]);
  });

  it("split far-apart changes into separate hunks", () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const b = [...a];
    b[1] = "changed 2";
    b[18] = "changed 19";
    const hunks = lineHunks(a.join("\n"), b.join("\n"));
    expect(hunks.map((h) => [h.oldStart, h.newStart])).toEqual([[1, 1], [16, 16]]);
  });
});

describe("versions and diff", () => {
  it("keep every version with its chart and diff any two of them", async () => {
    const chart = { type: "bar" as const, x: "region", y: ["amount"], series: null };
    const q = await createSavedQuery(owner.p, { title: "Sales", sql: "SELECT region\nFROM sales", chart });
    expect(q.chart).toEqual(chart);
    await updateSavedQuery(owner.p, q.id, { sql: "SELECT region, sum(amount)\nFROM sales\nGROUP BY region" });
    const line = { type: "line" as const, x: "region", y: ["amount", "count"], series: "year" };
    const v3 = await updateSavedQuery(owner.p, q.id, { title: "Sales by region", chart: line });
    expect(v3).toMatchObject({ version: 3, chart: line });
    expect((await getSavedQuery(owner.p, q.id)).chart).toEqual(line);

    const versions = await listVersions(owner.p, q.id);
    expect(versions.map((v) => [v.version, v.chart?.type])).toEqual([[3, "line"], [2, "bar"], [1, "bar"]]);

    const d = await diffVersions(owner.p, q.id, 1, 2);
    expect(d).toMatchObject({ from: 1, to: 2, added: 2, removed: 1, changedFields: [] });
    expect(d.hunks[0]!.lines.filter((l) => l.kind !== "context").map((l) => `${l.kind}:${l.text}`)).toEqual([
      "remove:SELECT region",
      "add:SELECT region, sum(amount)",
      "add:GROUP BY region",
    ]);
    const titles = await diffVersions(owner.p, q.id, 2, 3);
    expect(titles.hunks).toEqual([]);
    expect(titles.changedFields.sort()).toEqual(["chart", "title"]);
    const backwards = await diffVersions(owner.p, q.id, 3, 1);
    expect(backwards.added).toBe(1);
    expect(backwards.removed).toBe(2);

    await expect(diffVersions(owner.p, q.id, 1, 9)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(diffVersions(outsider.p, q.id, 1, 2)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const reverted = await revertToVersion(owner.p, q.id, 1);
    expect(reverted).toMatchObject({ version: 4, sql: "SELECT region\nFROM sales", chart });
  });
});

describe("folders", () => {
  it("are created, renamed, listed by, and deleted leaving their queries in no folder", async () => {
    const reports = await createFolder(owner.p, "  Reports ");
    expect(reports.name).toBe("Reports");
    await expect(createFolder(owner.p, "Reports")).rejects.toMatchObject({ code: "CONFLICT" });
    // Names are per owner.
    await expect(createFolder(member.p, "Reports")).resolves.toMatchObject({ name: "Reports" });
    const a = await createSavedQuery(owner.p, { title: "In folder", sql: "SELECT 1", folderId: reports.id });
    const b = await createSavedQuery(owner.p, { title: "Loose", sql: "SELECT 2" });
    expect(a.folderId).toBe(reports.id);
    await moveSavedQuery(owner.p, b.id, reports.id);
    expect(await list(owner.p, { folderId: reports.id })).toEqual(expect.arrayContaining([a.id, b.id]));
    await moveSavedQuery(owner.p, b.id, null);
    expect(await list(owner.p, { folderId: reports.id })).toEqual([a.id]);
    expect(await list(owner.p, { folderId: "none" })).toContain(b.id);
    expect(await list(owner.p, { folderId: "none" })).not.toContain(a.id);

    const renamed = await renameFolder(owner.p, reports.id, "Monthly");
    expect(renamed).toMatchObject({ name: "Monthly", queryCount: 1 });
    expect((await listFolders(owner.p)).map((f) => f.name)).toContain("Monthly");
    expect((await listFolders(member.p)).map((f) => f.name)).toEqual(["Reports"]);

    expect(await deleteFolder(owner.p, reports.id)).toEqual({ movedQueries: 1 });
    expect((await getSavedQuery(owner.p, a.id)).folderId).toBeNull();
    expect(await list(owner.p, { folderId: "none" })).toContain(a.id);
  });

  it("are the owner's alone: nobody else lists, renames, deletes or files into them", async () => {
    const mine = await createFolder(owner.p, `private-${Date.now()}`);
    const q = await createSavedQuery(owner.p, { title: "Filed", sql: "SELECT 1" });
    const theirs = await createSavedQuery(outsider.p, { title: "Theirs", sql: "SELECT 1" });
    await expect(renameFolder(outsider.p, mine.id, "x")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteFolder(outsider.p, mine.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(list(outsider.p, { folderId: mine.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(moveSavedQuery(outsider.p, theirs.id, mine.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(moveSavedQuery(outsider.p, q.id, null)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createSavedQuery(outsider.p, { title: "x", sql: "SELECT 1", folderId: mine.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("sharing with groups", () => {
  it("gives members read-only access and lists it for them alone", async () => {
    const q = await createSavedQuery(owner.p, { title: `Team query ${Date.now()}`, sql: "SELECT 1" });
    expect(await list(member.p)).not.toContain(q.id);
    await expect(getSavedQuery(member.p, q.id)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const shared = await shareSavedQueryWithGroups(owner.p, q.id, [groupId], "add");
    expect(shared.sharedWithGroups).toEqual([{ groupId, name: expect.any(String) }]);
    expect(await list(member.p)).toContain(q.id);
    expect(await list(member.p, { scope: "shared" })).toContain(q.id);
    expect(await list(member.p, { scope: "mine" })).not.toContain(q.id);
    expect(await list(outsider.p)).not.toContain(q.id);
    expect(await getSavedQuery(member.p, q.id)).toMatchObject({ permission: "read", folderId: null });
    await expect(listVersions(member.p, q.id)).resolves.toHaveLength(1);

    await expect(updateSavedQuery(member.p, q.id, { sql: "DROP TABLE x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(deleteSavedQuery(member.p, q.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(revertToVersion(member.p, q.id, 1)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(shareSavedQueryWithGroups(member.p, q.id, [groupId], "remove")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(shareSavedQuery(member.p, q.id, [outsider.id], "edit")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(moveSavedQuery(member.p, q.id, null)).rejects.toMatchObject({ code: "FORBIDDEN" });

    // An admin may edit; the owner takes the share back and the member loses it at once.
    await expect(updateSavedQuery(admin.p, q.id, { description: "checked" })).resolves.toMatchObject({ version: 2 });
    await shareSavedQueryWithGroups(owner.p, q.id, [groupId], "remove");
    expect(await list(member.p)).not.toContain(q.id);
    await expect(getSavedQuery(member.p, q.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses unknown groups, and personal groups to non-admins", async () => {
    const q = await createSavedQuery(owner.p, { title: "x", sql: "SELECT 1" });
    await expect(shareSavedQueryWithGroups(owner.p, q.id, ["no-such-group"], "add")).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    const personal = await db.group.create({ data: { name: `user:someone-${Date.now()}@example.test`, members: { create: { userId: outsider.id } } } });
    await expect(shareSavedQueryWithGroups(owner.p, q.id, [personal.id], "add")).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(shareSavedQueryWithGroups(admin.p, q.id, [personal.id], "add")).resolves.toMatchObject({ sharedWithGroups: [{ groupId: personal.id }] });
    expect(await list(outsider.p)).toContain(q.id);
  });
});

describe("an attacker with an ordinary grant", () => {
  it("can neither read, list, change nor delete someone's unshared query by id", async () => {
    const q = await createSavedQuery(owner.p, { title: `Secret ${Date.now()}`, sql: "SELECT salary FROM staff" });
    await expect(getSavedQuery(outsider.p, q.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(listVersions(outsider.p, q.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateSavedQuery(outsider.p, q.id, { sql: "SELECT 1" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteSavedQuery(outsider.p, q.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(revertToVersion(outsider.p, q.id, 1)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(shareSavedQueryWithGroups(outsider.p, q.id, [groupId], "add")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await list(outsider.p, { search: "Secret" })).not.toContain(q.id);
    expect((await getSavedQuery(owner.p, q.id)).sql).toBe("SELECT salary FROM staff");
  });
});
