import "server-only";
import { Prisma } from "@prisma/client";
import { db } from "../../db";
import { containsText } from "../../db/text-filter";
import { AppError, badRequest, conflict, notFound, validationFailed } from "../../errors";
import { isUniqueViolation } from "../../errors/prisma";
import { recordAudit } from "../audit";
import { auditActorOf, isAdminPrincipal, requireActingUser, requireAdmin, type Principal } from "../principal";

/**
 * Groups are what data-source permissions are granted to. Names are unique; the
 * `user:` prefix is reserved for the personal groups that carry one user's direct
 * grants (see permissions.ts), so no hand-made group can impersonate one.
 */
export const PERSONAL_PREFIX = "user:";
export const personalGroupName = (email: string) => `${PERSONAL_PREFIX}${email}`;

export interface GroupMemberView {
  id: string;
  email: string;
  username: string;
  fullName: string;
  role: string;
  isActive: boolean;
  addedAt: Date;
}

export interface GroupView {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  createdAt: Date;
  updatedAt: Date;
  /** Only filled for callers allowed to see who is in a group (admins). */
  members?: GroupMemberView[];
}

export interface GroupListInput {
  page: number;
  pageSize: number;
  search?: string;
}

type GroupRow = Prisma.GroupGetPayload<{ include: { _count: { select: { members: true } } } }>;

const toView = (row: GroupRow): GroupView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  memberCount: row._count.members,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const withCount = { _count: { select: { members: true } } } as const;

/**
 * What a caller may see of groups. Personal groups are named after their user's email,
 * so only admins see them at all; everyone else sees the shared groups without members.
 */
const isPersonal = (name: string) => name.startsWith(PERSONAL_PREFIX);

/** Any signed-in user sees the shared groups; personal groups and members are for admins. */
export async function listGroups(
  principal: Principal,
  input: GroupListInput,
): Promise<{ items: GroupView[]; total: number }> {
  requireActingUser(principal);
  const visibility = { asAdmin: isAdminPrincipal(principal) };
  const where: Prisma.GroupWhereInput = {
    ...(input.search ? { name: containsText(input.search) } : {}),
    ...(visibility.asAdmin ? {} : { NOT: { name: { startsWith: PERSONAL_PREFIX } } }),
  };
  const [rows, total] = await Promise.all([
    db.group.findMany({
      where,
      include: withCount,
      orderBy: { name: "asc" },
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
    }),
    db.group.count({ where }),
  ]);
  return { items: rows.map(toView), total };
}

export async function getGroup(principal: Principal, id: string): Promise<GroupView> {
  requireActingUser(principal);
  const visibility = { asAdmin: isAdminPrincipal(principal) };
  const row = await db.group.findUnique({ where: { id }, include: withCount });
  if (!row || (!visibility.asAdmin && isPersonal(row.name))) throw notFound("Group", id);
  const view = toView(row);
  if (!visibility.asAdmin) return view;
  const members = await db.groupMember.findMany({
    where: { groupId: id },
    include: { user: true },
    orderBy: { createdAt: "asc" },
  });
  view.members = members.map((m) => ({
    id: m.user.id,
    email: m.user.email,
    username: m.user.username,
    fullName: m.user.fullName,
    role: m.user.role,
    isActive: m.user.isActive,
    addedAt: m.createdAt,
  }));
  return view;
}

function assertNotReserved(name: string): void {
  if (name.toLowerCase().startsWith(PERSONAL_PREFIX)) {
    throw validationFailed([
      { field: "name", message: `names starting with "${PERSONAL_PREFIX}" are reserved for personal grants` },
    ]);
  }
}

const nameTaken = (name: string) => conflict(`A group named "${name}" already exists`);

/** The pre-checks answer the common case; the unique index settles a race the same way. */
function duplicateName(error: unknown, name: string): unknown {
  if (isUniqueViolation(error)) return nameTaken(name);
  return error;
}

export async function createGroup(principal: Principal, input: { name: string; description?: string }): Promise<GroupView> {
  requireAdmin(principal);
  assertNotReserved(input.name);
  if (await db.group.findUnique({ where: { name: input.name } })) throw nameTaken(input.name);
  try {
    const row = await db.group.create({
      data: { name: input.name, description: input.description ?? "" },
      include: withCount,
    });
    await recordAudit(auditActorOf(principal), {
      action: "create_group",
      resourceType: "group",
      resourceId: row.id,
      details: { name: row.name },
    });
    return toView(row);
  } catch (error) {
    throw duplicateName(error, input.name);
  }
}

export async function updateGroup(
  principal: Principal,
  id: string,
  patch: { name?: string; description?: string },
): Promise<GroupView> {
  requireAdmin(principal);
  const current = await db.group.findUnique({ where: { id } });
  if (!current) throw notFound("Group", id);
  const renaming = patch.name !== undefined && patch.name !== current.name;
  if (renaming) assertNotReserved(patch.name!);
  // Personal groups follow their user's email; renaming one by hand would orphan it.
  if (renaming && isPersonal(current.name)) {
    throw validationFailed([{ field: "name", message: "personal groups cannot be renamed" }]);
  }
  if (renaming) {
    const taken = await db.group.findUnique({ where: { name: patch.name! } });
    if (taken) throw nameTaken(patch.name!);
  }
  try {
    const row = await db.group.update({
      where: { id },
      data: { name: patch.name, description: patch.description },
      include: withCount,
    });
    const changes: Record<string, unknown> = {};
    if (renaming) changes.name = { from: current.name, to: row.name };
    if (patch.description !== undefined && patch.description !== current.description) changes.description = true;
    if (Object.keys(changes).length) {
      await recordAudit(auditActorOf(principal), {
        action: "update_group",
        resourceType: "group",
        resourceId: id,
        details: { changes },
      });
    }
    return toView(row);
  } catch (error) {
    throw duplicateName(error, patch.name ?? current.name);
  }
}

export async function deleteGroup(principal: Principal, id: string): Promise<void> {
  requireAdmin(principal);
  const current = await db.group.findUnique({ where: { id }, include: withCount });
  if (!current) throw notFound("Group", id);
  const grants = await db.dataSourcePermission.count({ where: { groupId: id } });
  // Members and grants go with the group (cascade); the audit entry records how many.
  await db.group.delete({ where: { id } });
  await recordAudit(auditActorOf(principal), {
    action: "delete_group",
    resourceType: "group",
    resourceId: id,
    details: { name: current.name, members: current._count.members, grants },
  });
}

async function groupAndUser(groupId: string, userId: string) {
  const [group, user] = await Promise.all([
    db.group.findUnique({ where: { id: groupId } }),
    db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, deletedAt: true } }),
  ]);
  if (!group) throw notFound("Group", groupId);
  // The group is the addressed resource (404); the user is a reference in the body (422).
  if (!user || user.deletedAt) throw validationFailed([{ field: "user_id", message: `no user with id ${userId}` }], "Unknown user");
  return { group, user };
}

/** Adding someone who is already a member changes nothing and says so. */
export async function addMember(principal: Principal, groupId: string, userId: string): Promise<{ added: boolean }> {
  requireAdmin(principal);
  const { group, user } = await groupAndUser(groupId, userId);
  // A personal group's grants are meant for its one user; sharing them goes through a shared group.
  if (isPersonal(group.name)) throw badRequest("Personal groups hold only their own user; use a shared group");
  const existing = await db.groupMember.findUnique({ where: { groupId_userId: { groupId, userId } } });
  if (existing) return { added: false };
  await db.groupMember.create({ data: { groupId, userId } });
  await recordAudit(auditActorOf(principal), {
    action: "add_group_member",
    resourceType: "group",
    resourceId: groupId,
    details: { group: group.name, user_id: userId, email: user.email },
  });
  return { added: true };
}

export async function removeMember(principal: Principal, groupId: string, userId: string): Promise<void> {
  requireAdmin(principal);
  const { group, user } = await groupAndUser(groupId, userId);
  const removed = await db.groupMember.deleteMany({ where: { groupId, userId } });
  if (removed.count === 0) throw new AppError("NOT_FOUND", `User ${userId} is not a member of group "${group.name}"`);
  await recordAudit(auditActorOf(principal), {
    action: "remove_group_member",
    resourceType: "group",
    resourceId: groupId,
    details: { group: group.name, user_id: userId, email: user.email },
  });
}
