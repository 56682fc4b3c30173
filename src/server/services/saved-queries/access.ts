import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { forbidden, notFound } from "../../errors";
import type { SessionUser } from "../auth/session";

/**
 * Who may see and change a saved query. The owner may do anything; a user share gives
 * read or edit; a group share gives its members read; admins may edit. Anyone else is
 * told the query does not exist.
 */
export type SharePermission = "read" | "edit";
export type Permission = "owner" | SharePermission;

export interface ChartSettings {
  type: "bar" | "line" | "pie";
  x: string;
  y: string[];
  series: string | null;
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
  permission: Permission;
  sharedWith: { userId: string; email: string; permission: SharePermission }[];
  sharedWithGroups: { groupId: string; name: string }[];
  /** The owner's folder; null for no folder and for anyone but the owner. */
  folderId: string | null;
  chart: ChartSettings | null;
  createdAt: string;
  updatedAt: string;
}

export const withRelations = {
  owner: { select: { email: true } },
  shares: { include: { user: { select: { email: true } } } },
  groupShares: { include: { group: { select: { name: true } } } },
} satisfies Prisma.SavedQueryInclude;

export type Loaded = Prisma.SavedQueryGetPayload<{ include: typeof withRelations }>;

export const parseTags = (tags: string): string[] => {
  try {
    const parsed = JSON.parse(tags) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
};

export const normalizeTags = (tags: string[] = []) =>
  [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].slice(0, 30);

export function parseChart(chart: string | null): ChartSettings | null {
  if (!chart) return null;
  try {
    const c = JSON.parse(chart) as Partial<ChartSettings>;
    if (!c || !["bar", "line", "pie"].includes(String(c.type)) || typeof c.x !== "string") return null;
    return { type: c.type!, x: c.x, y: Array.isArray(c.y) ? c.y.map(String) : [], series: typeof c.series === "string" ? c.series : null };
  } catch {
    return null;
  }
}

export const storeChart = (chart: ChartSettings | null | undefined) =>
  chart ? JSON.stringify({ type: chart.type, x: chart.x, y: chart.y, series: chart.series ?? null }) : null;

/** The groups the user belongs to: a group share reaches exactly their members. */
export async function memberGroupIds(userId: string): Promise<string[]> {
  const rows = await db.groupMember.findMany({ where: { userId }, select: { groupId: true } });
  return rows.map((r) => r.groupId);
}

/** The queries a user owns or was given, directly or through a group. */
export function visibleTo(userId: string): Prisma.SavedQueryWhereInput {
  return {
    OR: [{ ownerId: userId }, { shares: { some: { userId } } }, { groupShares: { some: { group: { members: { some: { userId } } } } } }],
  };
}

export function permissionOf(user: SessionUser, q: Loaded, groupIds: readonly string[]): Permission | null {
  if (q.ownerId === user.id) return "owner";
  const share = q.shares.find((s) => s.userId === user.id)?.permission as SharePermission | undefined;
  if (share === "edit") return "edit";
  if (user.role === "admin") return "edit";
  if (share) return share;
  return q.groupShares.some((g) => groupIds.includes(g.groupId)) ? "read" : null;
}

export function toView(user: SessionUser, q: Loaded, groupIds: readonly string[]): SavedQueryView {
  const permission = permissionOf(user, q, groupIds) ?? "read";
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
    permission,
    sharedWith: q.shares.map((s) => ({ userId: s.userId, email: s.user.email, permission: s.permission as SharePermission })),
    sharedWithGroups: q.groupShares.map((g) => ({ groupId: g.groupId, name: g.group.name })),
    folderId: permission === "owner" ? q.folderId : null,
    chart: parseChart(q.chart),
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}

/** Loads a query the user may reach at `need`: unknown and unreachable both read as 404. */
export async function load(user: SessionUser, id: string, need: "read" | "edit" | "owner"): Promise<{ q: Loaded; groupIds: string[] }> {
  const [q, groupIds] = await Promise.all([db.savedQuery.findUnique({ where: { id }, include: withRelations }), memberGroupIds(user.id)]);
  const permission = q ? permissionOf(user, q, groupIds) : null;
  if (!q || !permission) throw notFound("Saved query", id);
  const ok =
    need === "read" ||
    (need === "edit" && permission !== "read") ||
    (need === "owner" && (permission === "owner" || user.role === "admin"));
  if (!ok) throw forbidden(need === "owner" ? "Only the owner may do this" : "This query is shared with you read-only");
  return { q, groupIds };
}
