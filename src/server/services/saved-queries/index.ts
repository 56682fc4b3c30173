import "server-only";
import type { Prisma, SavedQuery, SavedQueryVersion } from "@prisma/client";
import { createTwoFilesPatch } from "diff";
import { db } from "../../db";
import { containsText } from "../../db/text-filter";
import { forbidden, notFound, validationFailed } from "../../errors";
import { assertAccess } from "../access";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import { auditActorOf, requireActingUser, type Principal } from "../principal";

/**
 * Saved queries: title, description, tags, SQL and data source, shared with users as
 * read or edit. Every change is kept as a version that can be diffed and reverted.
 */
export type SharePermission = "read" | "edit";

export interface SavedQueryInput {
  title: string;
  description?: string;
  sql: string;
  tags?: string[];
  dataSourceId?: string | null;
}

export interface SavedQueryView {
  id: string;
  title: string;
  description: string;
  sql: string;
  tags: string[];
  dataSourceId: string | null;
  version: number;
  ownerId: string;
  ownerEmail: string;
  permission: "owner" | SharePermission;
  sharedWith: { userId: string; email: string; permission: SharePermission }[];
  createdAt: string;
  updatedAt: string;
}

const withRelations = {
  owner: { select: { email: true } },
  shares: { include: { user: { select: { email: true } } } },
} satisfies Prisma.SavedQueryInclude;

type Loaded = Prisma.SavedQueryGetPayload<{ include: typeof withRelations }>;

const parseTags = (tags: string): string[] => {
  try {
    const parsed = JSON.parse(tags) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
};

const normalizeTags = (tags: string[] = []) =>
  [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].slice(0, 30);

function permissionOf(user: SessionUser, q: Loaded): "owner" | SharePermission | null {
  if (q.ownerId === user.id) return "owner";
  const share = q.shares.find((s) => s.userId === user.id)?.permission as SharePermission | undefined;
  if (share) return share;
  return user.role === "admin" ? "edit" : null;
}

function toView(user: SessionUser, q: Loaded): SavedQueryView {
  return {
    id: q.id,
    title: q.title,
    description: q.description,
    sql: q.sql,
    tags: parseTags(q.tags),
    dataSourceId: q.dataSourceId,
    version: q.version,
    ownerId: q.ownerId,
    ownerEmail: q.owner.email,
    permission: permissionOf(user, q) ?? "read",
    sharedWith: q.shares.map((s) => ({ userId: s.userId, email: s.user.email, permission: s.permission as SharePermission })),
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}

async function load(user: SessionUser, id: string, need: "read" | "edit" | "owner"): Promise<Loaded> {
  const q = await db.savedQuery.findUnique({ where: { id }, include: withRelations });
  const permission = q ? permissionOf(user, q) : null;
  if (!q || !permission) throw notFound("Saved query", id);
  const ok =
    need === "read" ||
    (need === "edit" && permission !== "read") ||
    (need === "owner" && (permission === "owner" || user.role === "admin"));
  if (!ok) throw forbidden(need === "owner" ? "Only the owner may do this" : "This query is shared with you read-only");
  return q;
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
    editedById,
  };
}

export async function createSavedQuery(principal: Principal, input: SavedQueryInput): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  if (input.dataSourceId) await assertAccess(user, input.dataSourceId, "canRead");
  const created = await db.$transaction(async (tx) => {
    const q = await tx.savedQuery.create({
      data: {
        ownerId: user.id,
        title: input.title,
        description: input.description ?? "",
        sql: input.sql,
        tags: JSON.stringify(normalizeTags(input.tags)),
        dataSourceId: input.dataSourceId ?? null,
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
  return toView(user, await load(user, id, "read"));
}

export interface SavedQueryListInput {
  page: number;
  pageSize: number;
  search?: string;
  tag?: string;
  sort: "recent" | "oldest" | "title" | "updated";
  scope?: "all" | "mine" | "shared";
}

export async function listSavedQueries(principal: Principal, input: SavedQueryListInput) {
  const user = requireActingUser(principal);
  const visible: Prisma.SavedQueryWhereInput =
    input.scope === "mine"
      ? { ownerId: user.id }
      : input.scope === "shared"
        ? { shares: { some: { userId: user.id } } }
        : { OR: [{ ownerId: user.id }, { shares: { some: { userId: user.id } } }] };
  const filters: Prisma.SavedQueryWhereInput[] = [visible];
  if (input.search) {
    filters.push({
      OR: [{ title: containsText(input.search) }, { description: containsText(input.search) }, { sql: containsText(input.search) }, { tags: { contains: input.search.toLowerCase() } }],
    });
  }
  if (input.tag) filters.push({ tags: { contains: JSON.stringify(input.tag.trim().toLowerCase()) } });
  const where: Prisma.SavedQueryWhereInput = { AND: filters };
  const orderBy: Prisma.SavedQueryOrderByWithRelationInput =
    input.sort === "title" ? { title: "asc" } : input.sort === "oldest" ? { createdAt: "asc" } : input.sort === "updated" ? { updatedAt: "desc" } : { createdAt: "desc" };
  const [rows, total] = await Promise.all([
    db.savedQuery.findMany({ where, orderBy, skip: (input.page - 1) * input.pageSize, take: input.pageSize, include: withRelations }),
    db.savedQuery.count({ where }),
  ]);
  return { items: rows.map((q) => toView(user, q)), total };
}

export async function updateSavedQuery(principal: Principal, id: string, patch: Partial<SavedQueryInput>): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  const current = await load(user, id, "edit");
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
  const q = await load(user, id, "owner");
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

export interface VersionView {
  version: number;
  title: string;
  description: string;
  sql: string;
  tags: string[];
  dataSourceId: string | null;
  editedBy: string | null;
  createdAt: string;
}

const toVersionView = (v: SavedQueryVersion & { editedBy: { email: string } | null }): VersionView => ({
  version: v.version,
  title: v.title,
  description: v.description,
  sql: v.sql,
  tags: parseTags(v.tags),
  dataSourceId: v.dataSourceId,
  editedBy: v.editedBy?.email ?? null,
  createdAt: v.createdAt.toISOString(),
});

export async function listVersions(principal: Principal, id: string): Promise<VersionView[]> {
  const user = requireActingUser(principal);
  await load(user, id, "read");
  const versions = await db.savedQueryVersion.findMany({
    where: { savedQueryId: id },
    orderBy: { version: "desc" },
    include: { editedBy: { select: { email: true } } },
  });
  return versions.map(toVersionView);
}

async function version(id: string, n: number) {
  const v = await db.savedQueryVersion.findUnique({ where: { savedQueryId_version: { savedQueryId: id, version: n } } });
  if (!v) throw notFound(`Version ${n} of saved query`, id);
  return v;
}

/** A unified diff of the SQL between two versions (plus which other fields changed). */
export async function diffVersions(principal: Principal, id: string, from: number, to: number) {
  const user = requireActingUser(principal);
  await load(user, id, "read");
  const [a, b] = await Promise.all([version(id, from), version(id, to)]);
  const changed = (["title", "description", "tags", "dataSourceId"] as const).filter((k) => a[k] !== b[k]);
  return { from, to, sqlDiff: createTwoFilesPatch(`v${from}`, `v${to}`, a.sql, b.sql), changedFields: changed };
}

/** Reverting writes a new version with the old content; history is never rewritten. */
export async function revertToVersion(principal: Principal, id: string, n: number): Promise<SavedQueryView> {
  const user = requireActingUser(principal);
  await load(user, id, "edit");
  const v = await version(id, n);
  return updateSavedQuery(principal, id, {
    title: v.title,
    description: v.description,
    sql: v.sql,
    tags: parseTags(v.tags),
    dataSourceId: v.dataSourceId,
  });
}
