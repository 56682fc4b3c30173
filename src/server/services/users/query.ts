import "server-only";
import type { Prisma } from "@prisma/client";
import type { Role } from "@/lib/roles";
import { db } from "../../db";
import { containsText } from "../../db/text-filter";
import { forbidden, notFound } from "../../errors";
import { toUserRecord, type UserRecord } from "../auth/users";
import { isAdminPrincipal, requireActingUser, requireAdmin, type Principal } from "../principal";

export interface UserListInput {
  page: number;
  pageSize: number;
  search?: string;
  role?: Role;
  isActive?: boolean;
}

export async function listUsers(principal: Principal, input: UserListInput): Promise<{ items: UserRecord[]; total: number }> {
  requireAdmin(principal);
  const where: Prisma.UserWhereInput = {
    deletedAt: null,
    ...(input.role ? { role: input.role } : {}),
    ...(input.isActive === undefined ? {} : { isActive: input.isActive }),
    ...(input.search
      ? {
          OR: [
            { email: containsText(input.search) },
            { username: containsText(input.search) },
            { fullName: containsText(input.search) },
          ],
        }
      : {}),
  };
  const [rows, total] = await Promise.all([
    db.user.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { email: "asc" }],
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
    }),
    db.user.count({ where }),
  ]);
  return { items: rows.map(toUserRecord), total };
}

export interface UserDetail {
  user: UserRecord;
  groups: { id: string; name: string }[];
}

/** Admins may look anyone up; everyone else only themselves. */
export async function getUserDetail(principal: Principal, id: string): Promise<UserDetail> {
  if (!isAdminPrincipal(principal) && requireActingUser(principal).id !== id) throw forbidden("Only administrators may look up other users");
  const row = await db.user.findUnique({
    where: { id },
    include: { groups: { include: { group: { select: { id: true, name: true } } } } },
  });
  if (!row || row.deletedAt) throw notFound("User", id);
  return {
    user: toUserRecord(row),
    groups: row.groups.map((m) => m.group).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
