import "server-only";
import { db } from "../../db";
import { notFound, validationFailed, type FieldIssue } from "../../errors";
import { accessTo, assertAccess, type Access } from "../access";
import { recordAudit } from "../audit";
import { toSessionUser } from "../auth/session";
import { toUserRecord } from "../auth/users";
import { auditActorOf, requireActingUser, requireAdmin, type Principal } from "../principal";
import { PERSONAL_PREFIX, personalGroupName } from "./index";

/**
 * Data-source grants. Everything is granted to groups; a grant to one user (the
 * InsightEngine spelling) lives in that user's personal group `user:<email>`, so
 * `services/access` keeps a single rule for who may do what.
 */
export interface GrantView {
  groupId: string;
  groupName: string;
  personal: boolean;
  canRead: boolean;
  canWrite: boolean;
  canApprove: boolean;
}

export interface GrantInput {
  groupId: string;
  canRead: boolean;
  canWrite: boolean;
  canApprove: boolean;
}

async function assertDataSource(id: string): Promise<{ id: string; name: string }> {
  const row = await db.dataSource.findUnique({ where: { id }, select: { id: true, name: true } });
  if (!row) throw notFound("Data source", id);
  return row;
}

async function grantsOf(dataSourceId: string): Promise<GrantView[]> {
  const rows = await db.dataSourcePermission.findMany({
    where: { dataSourceId },
    include: { group: { select: { name: true } } },
    orderBy: { group: { name: "asc" } },
  });
  return rows.map((r) => ({
    groupId: r.groupId,
    groupName: r.group.name,
    personal: r.group.name.startsWith(PERSONAL_PREFIX),
    canRead: r.canRead,
    canWrite: r.canWrite,
    canApprove: r.canApprove,
  }));
}

/**
 * Anyone who may read the data source may see its grants; others get 404 as for the
 * data source itself. Other users' direct grants name them by email, so only admins
 * see those; a user sees their own.
 */
export async function dataSourcePermissions(principal: Principal, dataSourceId: string): Promise<GrantView[]> {
  const user = requireActingUser(principal);
  await assertAccess(user, dataSourceId, "canRead");
  await assertDataSource(dataSourceId);
  const grants = await grantsOf(dataSourceId);
  if (user.role === "admin") return grants;
  const own = personalGroupName(user.email);
  return grants.filter((g) => !g.personal || g.groupName === own);
}

/** Replaces every grant on the data source with `grants` (an empty list revokes all). */
export async function replaceDataSourcePermissions(
  principal: Principal,
  dataSourceId: string,
  grants: GrantInput[],
): Promise<GrantView[]> {
  requireAdmin(principal);
  const dataSource = await assertDataSource(dataSourceId);
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const found = await db.group.findMany({ where: { id: { in: grants.map((g) => g.groupId) } }, select: { id: true } });
  const known = new Set(found.map((g) => g.id));
  grants.forEach((g, i) => {
    const field = `permissions.${i}.group_id`;
    if (!known.has(g.groupId)) issues.push({ field, message: `no group with id ${g.groupId}` });
    else if (seen.has(g.groupId)) issues.push({ field, message: "this group is listed more than once" });
    seen.add(g.groupId);
  });
  if (issues.length) throw validationFailed(issues, "Unknown or repeated group ids");

  const before = await grantsOf(dataSourceId);
  await db.$transaction([
    db.dataSourcePermission.deleteMany({ where: { dataSourceId } }),
    db.dataSourcePermission.createMany({
      data: grants.map((g) => ({
        dataSourceId,
        groupId: g.groupId,
        canRead: g.canRead,
        canWrite: g.canWrite,
        canApprove: g.canApprove,
      })),
    }),
  ]);
  const after = await grantsOf(dataSourceId);
  await recordAudit(auditActorOf(principal), {
    action: "set_permissions",
    resourceType: "data_source",
    resourceId: dataSourceId,
    details: { data_source: dataSource.name, before: compact(before), after: compact(after) },
  });
  return after;
}

const compact = (grants: GrantView[]) =>
  grants.map((g) => ({ group: g.groupName, read: g.canRead, write: g.canWrite, approve: g.canApprove }));

export const PERMISSION_LEVELS = ["read", "write", "approve", "none"] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

/** A single level is a ladder: approving someone's write implies being able to write and read. */
const LEVEL_GRANTS: Record<Exclude<PermissionLevel, "none">, Omit<GrantInput, "groupId">> = {
  read: { canRead: true, canWrite: false, canApprove: false },
  write: { canRead: true, canWrite: true, canApprove: false },
  approve: { canRead: true, canWrite: true, canApprove: true },
};

/**
 * Sets one user's direct grant on a data source. "none" removes the direct grant only;
 * access through the user's other groups stays, and the answer's `effective` says so.
 */
export async function setUserPermission(
  principal: Principal,
  dataSourceId: string,
  userId: string,
  level: PermissionLevel,
): Promise<{ permission: PermissionLevel; groupId: string | null; effective: Access }> {
  requireAdmin(principal);
  const dataSource = await assertDataSource(dataSourceId);
  const row = await db.user.findUnique({ where: { id: userId } });
  if (!row || row.deletedAt) throw validationFailed([{ field: "user_id", message: `no user with id ${userId}` }], "Unknown user");
  const name = personalGroupName(row.email);

  const groupId = await db.$transaction(async (tx) => {
    const group = await tx.group.upsert({
      where: { name },
      create: { name, description: `Direct grants for ${row.email}` },
      update: {},
    });
    if (level === "none") {
      await tx.dataSourcePermission.deleteMany({ where: { dataSourceId, groupId: group.id } });
      if ((await tx.dataSourcePermission.count({ where: { groupId: group.id } })) === 0) {
        await tx.group.delete({ where: { id: group.id } });
        return null;
      }
      return group.id;
    }
    await tx.groupMember.upsert({
      where: { groupId_userId: { groupId: group.id, userId } },
      create: { groupId: group.id, userId },
      update: {},
    });
    await tx.dataSourcePermission.upsert({
      where: { dataSourceId_groupId: { dataSourceId, groupId: group.id } },
      create: { dataSourceId, groupId: group.id, ...LEVEL_GRANTS[level] },
      update: LEVEL_GRANTS[level],
    });
    return group.id;
  });

  await recordAudit(auditActorOf(principal), {
    action: "set_user_permission",
    resourceType: "data_source",
    resourceId: dataSourceId,
    details: { data_source: dataSource.name, user_id: userId, email: row.email, permission: level },
  });
  const effective = await accessTo(toSessionUser(toUserRecord(row)), dataSourceId);
  return { permission: level, groupId, effective };
}
