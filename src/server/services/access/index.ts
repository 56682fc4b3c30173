import "server-only";
import { db } from "../../db";
import { ReadCache } from "../../db/read-cache";
import { forbidden, notFound } from "../../errors";
import type { SessionUser } from "../auth/session";

/**
 * Who may do what on a data source. Admins may do everything; everyone else gets the
 * union of their groups' grants, capped by role (a viewer only ever reads).
 * Lists filter through `readableDataSourceIds`, single reads through `assertAccess`,
 * so nothing a caller may not see leaks through either.
 */
export interface Access {
  canRead: boolean;
  canWrite: boolean;
  canApprove: boolean;
}

export type AccessLevel = keyof Access;

const NONE: Access = { canRead: false, canWrite: false, canApprove: false };
const ALL: Access = { canRead: true, canWrite: true, canApprove: true };

type Grant = { dataSourceId: string; canRead: boolean; canWrite: boolean; canApprove: boolean };

/**
 * Every grant a user holds through their groups, read once and kept until a write to
 * groups, memberships or grants (db/read-cache.ts): every query and list checks access.
 */
const grantCache = new ReadCache<string, Grant[]>(
  (userId) =>
    db.dataSourcePermission.findMany({
      where: { group: { members: { some: { userId } } } },
      select: { dataSourceId: true, canRead: true, canWrite: true, canApprove: true },
    }),
  { max: 10_000, ttlMs: 30_000 },
);

const grantsOf = (user: SessionUser): Promise<Grant[]> => grantCache.get(user.id);

export async function accessTo(user: SessionUser, dataSourceId: string): Promise<Access> {
  if (user.role === "admin") return ALL;
  const grants = (await grantsOf(user)).filter((g) => g.dataSourceId === dataSourceId);
  const access = grants.reduce<Access>(
    (acc, g) => ({
      canRead: acc.canRead || g.canRead || g.canWrite || g.canApprove,
      canWrite: acc.canWrite || g.canWrite,
      canApprove: acc.canApprove || g.canApprove,
    }),
    NONE,
  );
  if (user.role === "viewer") return { canRead: access.canRead, canWrite: false, canApprove: false };
  return access;
}

/** Access for many data sources at once (list views). */
export async function accessMap(user: SessionUser, dataSourceIds: string[]): Promise<Map<string, Access>> {
  const map = new Map<string, Access>();
  for (const id of dataSourceIds) map.set(id, user.role === "admin" ? ALL : NONE);
  if (user.role === "admin") return map;
  const wanted = new Set(dataSourceIds);
  for (const g of await grantsOf(user)) {
    if (!wanted.has(g.dataSourceId)) continue;
    const acc = map.get(g.dataSourceId) ?? NONE;
    map.set(g.dataSourceId, {
      canRead: acc.canRead || g.canRead || g.canWrite || g.canApprove,
      canWrite: user.role !== "viewer" && (acc.canWrite || g.canWrite),
      canApprove: user.role !== "viewer" && (acc.canApprove || g.canApprove),
    });
  }
  return map;
}

/**
 * `"all"` for admins, else the ids where some group gives the user `level` (any grant
 * implies read). A viewer never holds more than read.
 */
export async function dataSourceIdsWith(user: SessionUser, level: AccessLevel = "canRead"): Promise<"all" | string[]> {
  if (user.role === "admin") return "all";
  if (user.role === "viewer" && level !== "canRead") return [];
  const grants = (await grantsOf(user)).filter((g) => level === "canRead" || g[level]);
  return [...new Set(grants.map((g) => g.dataSourceId))];
}

/** The ids some group lets the user read (admins: `"all"`). */
export const readableDataSourceIds = (user: SessionUser) => dataSourceIdsWith(user, "canRead");

/**
 * Throws unless the user has `level` on the data source. Without read access the data
 * source does not exist for them (404), so ids cannot be probed.
 */
export async function assertAccess(user: SessionUser, dataSourceId: string, level: AccessLevel): Promise<Access> {
  const access = await accessTo(user, dataSourceId);
  if (!access.canRead) throw notFound("Data source", dataSourceId);
  // Admins hold every grant, so their access says nothing about existence: check it,
  // or a later write would fail on the foreign key instead of answering 404.
  if (user.role === "admin" && !(await db.dataSource.findUnique({ where: { id: dataSourceId }, select: { id: true } }))) {
    throw notFound("Data source", dataSourceId);
  }
  if (!access[level]) {
    const what = level === "canWrite" ? "write to" : "approve changes on";
    throw forbidden(`You may not ${what} this data source`);
  }
  return access;
}
