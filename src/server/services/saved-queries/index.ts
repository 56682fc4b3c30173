import "server-only";
import type { Prisma, SavedQuery } from "@prisma/client";
import { db } from "../../db";
import { containsText } from "../../db/text-filter";
import { validationFailed } from "../../errors";
import { assertAccess } from "../access";
import { recordAudit } from "../audit";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { load, memberGroupIds, normalizeTags, parseTags, storeChart, toView, visibleTo, withRelations, type ChartSettings, type SavedQueryView, type SharePermission } from "./access";
import { ownFolder } from "./folders";
import { findVersion } from "./versions";

/**
 * Saved queries: title, description, tags, SQL, data source and chart settings, shared
 * with users (read or edit) and groups (read). Every change is kept as a version that
 * can be diffed and reverted; the owner files them in folders.
 */
export type { ChartSettings, SavedQueryView, SharePermission } from "./access";
export { diffVersions, listVersions, lineHunks, type DiffHunk, type VersionDiff, type VersionView } from "./versions";
export { createFolder, deleteFolder, listFolders, moveSavedQuery, renameFolder, type FolderView } from "./folders";
export { shareSavedQueryWithGroups } from "./group-shares";

export interface SavedQueryInput {
  title: string;
  description?: string;
  sql: string;
  tags?: string[];
  dataSourceId?: string | null;
  chart?: ChartSettings | null;
  folderId?: string | null;
}

function snapshot(q: SavedQuery, editedById: string): Prisma.SavedQueryVersionCreateManyInput {
  return {
    savedQueryId: q.id,
    version: q.version,
    title: q.title,
    description: q.description,
    sql: q.sql,
    tags: q.tags,
    dataSourceId: q.dataSourceId,
    chart: q.chart,
    editedById,
  };
}

export async function createSavedQuery(principal: Principal, input: SavedQueryInput): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  if (input.dataSourceId) await assertAccess(user, input.dataSourceId, "canRead");
  if (input.folderId) await ownFolder(user.id, input.folderId);
  const created = await db.$transaction(async (tx) => {
    const q = await tx.savedQuery.create({
      data: {
        ownerId: user.id,
        title: input.title,
        description: input.description ?? "",
        sql: input.sql,
        tags: JSON.stringify(normalizeTags(input.tags)),
        dataSourceId: input.dataSourceId ?? null,
        chart: storeChart(input.chart),
        folderId: input.folderId ?? null,
      },
    });
    await tx.savedQueryVersion.create({ data: snapshot(q, user.id) });
    return q;
  });
  await recordAudit(auditActorOf(principal), { action: "save_query", resourceType: "saved_query", resourceId: created.id });
  return getSavedQuery(principal, created.id);
}

export async function getSavedQuery(principal: Principal, id: string): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  const { q, groupIds } = await load(user, id, "read");
  return toView(user, q, groupIds);
}

export interface SavedQueryListInput {
  page: number;
  pageSize: number;
  search?: string;
  tag?: string;
  sort: "recent" | "oldest" | "title" | "updated";
  scope?: "all" | "mine" | "shared";
  /** One of the caller's folders, or "none" for queries in no folder. */
  folderId?: string;
}

export async function listSavedQueries(principal: Principal, input: SavedQueryListInput) {
  const user = requireActingUser(principal);
  const shared: Prisma.SavedQueryWhereInput = {
    ownerId: { not: user.id },
    OR: [{ shares: { some: { userId: user.id } } }, { groupShares: { some: { group: { members: { some: { userId: user.id } } } } } }],
  };
  const visible = input.scope === "mine" ? { ownerId: user.id } : input.scope === "shared" ? shared : visibleTo(user.id);
  const filters: Prisma.SavedQueryWhereInput[] = [visible];
  if (input.search) {
    filters.push({
      OR: [{ title: containsText(input.search) }, { description: containsText(input.search) }, { sql: containsText(input.search) }, { tags: { contains: input.search.toLowerCase() } }],
    });
  }
  if (input.tag) filters.push({ tags: { contains: JSON.stringify(input.tag.trim().toLowerCase()) } });
  if (input.folderId === "none") filters.push({ OR: [{ folderId: null }, { ownerId: { not: user.id } }] });
  else if (input.folderId) {
    await ownFolder(user.id, input.folderId);
    filters.push({ folderId: input.folderId, ownerId: user.id });
  }
  const where: Prisma.SavedQueryWhereInput = { AND: filters };
  const orderBy: Prisma.SavedQueryOrderByWithRelationInput =
    input.sort === "title" ? { title: "asc" } : input.sort === "oldest" ? { createdAt: "asc" } : input.sort === "updated" ? { updatedAt: "desc" } : { createdAt: "desc" };
  const [rows, total, groupIds] = await Promise.all([
    db.savedQuery.findMany({ where, orderBy, skip: (input.page - 1) * input.pageSize, take: input.pageSize, include: withRelations }),
    db.savedQuery.count({ where }),
    memberGroupIds(user.id),
  ]);
  return { items: rows.map((q) => toView(user, q, groupIds)), total };
}

export async function updateSavedQuery(principal: Principal, id: string, patch: Partial<SavedQueryInput>): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  const { q: current } = await load(user, id, "edit");
  if (patch.dataSourceId) await assertAccess(user, patch.dataSourceId, "canRead");
  await db.$transaction(async (tx) => {
    const q = await tx.savedQuery.update({
      where: { id },
      data: {
        title: patch.title ?? current.title,
        description: patch.description ?? current.description,
        sql: patch.sql ?? current.sql,
        tags: patch.tags ? JSON.stringify(normalizeTags(patch.tags)) : current.tags,
        dataSourceId: patch.dataSourceId === undefined ? current.dataSourceId : patch.dataSourceId,
        chart: patch.chart === undefined ? current.chart : storeChart(patch.chart),
        version: { increment: 1 },
      },
    });
    await tx.savedQueryVersion.create({ data: snapshot(q, user.id) });
  });
  await recordAudit(auditActorOf(principal), { action: "update_saved_query", resourceType: "saved_query", resourceId: id });
  return getSavedQuery(principal, id);
}

export async function deleteSavedQuery(principal: Principal, id: string): Promise<void> {
  const user = requireActingUser(principal);
  await load(user, id, "owner");
  await db.savedQuery.delete({ where: { id } });
  await recordAudit(auditActorOf(principal), { action: "delete_saved_query", resourceType: "saved_query", resourceId: id });
}

export async function shareSavedQuery(
  principal: Principal,
  id: string,
  userIds: string[],
  permission: SharePermission | "none",
): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  const { q } = await load(user, id, "owner");
  const users = await db.user.findMany({ where: { id: { in: userIds }, deletedAt: null }, select: { id: true } });
  const unknown = userIds.filter((u) => !users.some((x) => x.id === u));
  if (unknown.length) throw validationFailed([{ field: "user_ids", message: `unknown users: ${unknown.join(", ")}` }]);
  const targets = userIds.filter((u) => u !== q.ownerId);
  await db.$transaction(
    targets.map((userId) =>
      permission === "none"
        ? db.savedQueryShare.deleteMany({ where: { savedQueryId: id, userId } })
        : db.savedQueryShare.upsert({
            where: { savedQueryId_userId: { savedQueryId: id, userId } },
            create: { savedQueryId: id, userId, permission },
            update: { permission },
          }),
    ),
  );
  await recordAudit(
    auditActorOf(principal),
    { action: "share_saved_query", resourceType: "saved_query", resourceId: id, details: { userIds: targets, permission } },
  );
  return getSavedQuery(principal, id);
}

/** Reverting writes a new version with the old content; history is never rewritten. */
export async function revertToVersion(principal: Principal, id: string, n: number): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  await load(user, id, "edit");
  const v = await findVersion(id, n);
  return updateSavedQuery(principal, id, {
    title: v.title,
    description: v.description,
    sql: v.sql,
    tags: parseTags(v.tags),
    dataSourceId: v.dataSourceId,
    chart: v.chart ? JSON.parse(v.chart) : null,
  });
}
