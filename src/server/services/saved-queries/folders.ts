import "server-only";
import { db } from "../../db";
import { conflict, forbidden, notFound } from "../../errors";
import { recordAudit } from "../audit";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { load } from "./access";

/**
 * Folders are the owner's own filing of their saved queries. Deleting a folder keeps its
 * queries, in no folder. Someone else's folder reads as "not found".
 */
export interface FolderView {
  id: string;
  name: string;
  queryCount: number;
  createdAt: string;
  updatedAt: string;
}

export async function ownFolder(ownerId: string, id: string) {
  const folder = await db.savedQueryFolder.findUnique({ where: { id } });
  if (!folder || folder.ownerId !== ownerId) throw notFound("Folder", id);
  return folder;
}

const toView = (f: { id: string; name: string; createdAt: Date; updatedAt: Date; _count: { queries: number } }): FolderView => ({
  id: f.id,
  name: f.name,
  queryCount: f._count.queries,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
});

const withCount = { _count: { select: { queries: true } } } as const;

async function assertFreeName(ownerId: string, name: string, except?: string) {
  const taken = await db.savedQueryFolder.findUnique({ where: { ownerId_name: { ownerId, name } } });
  if (taken && taken.id !== except) throw conflict(`You already have a folder called “${name}”`);
}

export async function listFolders(principal: Principal): Promise<FolderView[]> {
  const user = requireActingUser(principal);
  const rows = await db.savedQueryFolder.findMany({ where: { ownerId: user.id }, orderBy: { name: "asc" }, include: withCount });
  return rows.map(toView);
}

export async function createFolder(principal: Principal, name: string): Promise<FolderView> {
  const user = requireActingUser(principal);
  const clean = name.trim();
  await assertFreeName(user.id, clean);
  const folder = await db.savedQueryFolder.create({ data: { ownerId: user.id, name: clean }, include: withCount });
  await recordAudit(auditActorOf(principal), { action: "create_saved_query_folder", resourceType: "saved_query_folder", resourceId: folder.id });
  return toView(folder);
}

export async function renameFolder(principal: Principal, id: string, name: string): Promise<FolderView> {
  const user = requireActingUser(principal);
  await ownFolder(user.id, id);
  const clean = name.trim();
  await assertFreeName(user.id, clean, id);
  const folder = await db.savedQueryFolder.update({ where: { id }, data: { name: clean }, include: withCount });
  await recordAudit(auditActorOf(principal), { action: "rename_saved_query_folder", resourceType: "saved_query_folder", resourceId: id });
  return toView(folder);
}

/** Its queries stay, in no folder. */
export async function deleteFolder(principal: Principal, id: string): Promise<{ movedQueries: number }> {
  const user = requireActingUser(principal);
  await ownFolder(user.id, id);
  const [moved] = await db.$transaction([
    db.savedQuery.updateMany({ where: { folderId: id }, data: { folderId: null } }),
    db.savedQueryFolder.delete({ where: { id } }),
  ]);
  await recordAudit(auditActorOf(principal), { action: "delete_saved_query_folder", resourceType: "saved_query_folder", resourceId: id });
  return { movedQueries: moved.count };
}

/** Files one of the caller's own queries in one of their folders (null: no folder). */
export async function moveSavedQuery(principal: Principal, id: string, folderId: string | null) {
  const user = requireActingUser(principal);
  const { q } = await load(user, id, "owner");
  if (q.ownerId !== user.id) throw forbidden("Only the owner files a query in their folders");
  if (folderId) await ownFolder(user.id, folderId);
  await db.savedQuery.update({ where: { id }, data: { folderId }, select: { id: true } });
  await recordAudit(auditActorOf(principal), { action: "move_saved_query", resourceType: "saved_query", resourceId: id, details: { folderId } });
}
