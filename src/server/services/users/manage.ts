import "server-only";
import { Prisma } from "@prisma/client";
import type { Role } from "@/lib/roles";
import { db } from "../../db";
import { badRequest, conflict, forbidden, notFound } from "../../errors";
import { isUniqueViolation } from "../../errors/prisma";
import type { AuditAction } from "../../events/audit-actions";
import { recordAudit } from "../audit";
import { assertPasswordPolicy, hashPassword } from "../auth/passwords";
import { revokeAllSessions } from "../auth/tokens";
import { createUser, toUserRecord, type NewUser, type UserRecord } from "../auth/users";
import { personalGroupName } from "../groups";
import { auditActorOf, isAdminPrincipal, requireActingUser, requireAdmin, type Principal } from "../principal";
import { isLastActiveAdmin, keepingAnAdmin, lastAdminConflict } from "./guard";

export async function createManagedUser(principal: Principal, input: NewUser): Promise<UserRecord> {
  requireAdmin(principal);
  const user = await createUser(input);
  await recordAudit(auditActorOf(principal), {
    action: "create_user",
    resourceType: "user",
    resourceId: user.id,
    details: { email: user.email, username: user.username, role: user.role },
  });
  return user;
}

export interface UserPatch {
  email?: string;
  username?: string;
  fullName?: string;
  role?: Role;
  isActive?: boolean;
}

/** The fields a non-admin may change on their own account. */
const SELF_FIELDS = new Set<keyof UserPatch>(["email", "username", "fullName"]);

/**
 * Changes a user. Admins may change anything on anyone, within one rule: the system
 * always keeps an active admin. Everyone else may change only their own name,
 * username and email. Deactivation signs the user out everywhere.
 */
export async function updateUser(
  principal: Principal,
  id: string,
  patch: UserPatch,
  options: { action?: AuditAction } = {},
): Promise<UserRecord> {
  const self = requireActingUser(principal).id === id;
  if (!isAdminPrincipal(principal)) {
    if (!self) throw forbidden("Only administrators may change other users");
    const denied = (Object.keys(patch) as (keyof UserPatch)[]).filter((k) => patch[k] !== undefined && !SELF_FIELDS.has(k));
    if (denied.length) throw forbidden(`You may change only your name, username and email (not ${denied.join(", ")})`);
  }
  const current = await db.user.findUnique({ where: { id } });
  if (!current || current.deletedAt) throw notFound("User", id);

  const email = patch.email?.trim().toLowerCase();
  const username = patch.username?.trim();
  const data: Prisma.UserUpdateInput = {};
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const change = <K extends keyof typeof current>(key: K, to: (typeof current)[K] | undefined) => {
    if (to === undefined || to === current[key]) return;
    (data as Record<string, unknown>)[key] = to;
    changes[key] = { from: current[key], to };
  };
  change("email", email);
  change("username", username);
  change("fullName", patch.fullName?.trim());
  change("role", patch.role);
  change("isActive", patch.isActive);
  if (Object.keys(changes).length === 0) return toUserRecord(current);

  await assertFree(id, changes.email ? email : undefined, changes.username ? username : undefined);
  const losesAdmin = ("role" in changes && patch.role !== "admin") || ("isActive" in changes && patch.isActive === false);
  const what = "isActive" in changes ? "deactivate this user" : "change this user's role";
  if (losesAdmin && (await isLastActiveAdmin(id))) throw lastAdminConflict(what);
  if (self && patch.isActive === false && changes.isActive) {
    throw badRequest("You cannot deactivate your own account; ask another administrator");
  }

  let row;
  try {
    row = await keepingAnAdmin(what, async (tx) => {
      const updated = await tx.user.update({ where: { id }, data });
      if (changes.email) {
        // The personal group carries the user's direct grants; keep its name in step.
        await tx.group.updateMany({
          where: { name: personalGroupName(current.email) },
          data: { name: personalGroupName(updated.email) },
        });
      }
      return updated;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict("A user with this email or username already exists");
    }
    throw error;
  }
  if (changes.isActive && patch.isActive === false) await revokeAllSessions(id);

  await recordAudit(auditActorOf(principal), {
    action: options.action ?? "update_user",
    resourceType: "user",
    resourceId: id,
    details: { email: row.email, changes },
  });
  return toUserRecord(row);
}

async function assertFree(id: string, email?: string, username?: string): Promise<void> {
  if (email && (await db.user.findFirst({ where: { email, id: { not: id } } }))) {
    throw conflict("A user with this email already exists");
  }
  if (username && (await db.user.findFirst({ where: { username, id: { not: id } } }))) {
    throw conflict("A user with this username already exists");
  }
}

/** The domain of tombstone addresses: reserved (RFC 2606), so it can never be a real sign-in. */
export const TOMBSTONE_DOMAIN = "deleted.invalid";

/**
 * "Deletes" a user by turning the row into an anonymised, inactive tombstone, never by
 * removing it: approval requests they made, reviews they gave, their history and the
 * audit trail all keep their foreign keys (a real delete cascaded and executed approvals
 * vanished). Email, username and name are replaced, the password made unusable, every
 * session and refresh token revoked, group memberships, direct grants, shares to them
 * and their public share links removed. Audit entries keep the label they were written
 * with. A deleted user then answers 404 everywhere, as if gone.
 */
export async function deleteUser(principal: Principal, id: string): Promise<void> {
  const actingUser = requireAdmin(principal);
  const current = await db.user.findUnique({ where: { id } });
  if (!current || current.deletedAt) throw notFound("User", id);
  if (await isLastActiveAdmin(id)) throw lastAdminConflict("delete this user");
  if (actingUser.id === id) throw badRequest("You cannot delete your own account; ask another administrator");
  const now = new Date();
  await keepingAnAdmin("delete this user", async (tx) => {
    await tx.group.deleteMany({ where: { name: personalGroupName(current.email) } });
    await tx.groupMember.deleteMany({ where: { userId: id } });
    await tx.savedQueryShare.deleteMany({ where: { userId: id } });
    await tx.shareLink.updateMany({ where: { createdById: id, revokedAt: null }, data: { revokedAt: now } });
    await tx.refreshToken.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: now } });
    await tx.user.update({
      where: { id },
      data: {
        email: `deleted-${id}@${TOMBSTONE_DOMAIN}`,
        username: `deleted-${id}`,
        fullName: "Deleted user",
        // Not an argon2 hash: verification always fails.
        passwordHash: "!deleted",
        isActive: false,
        deletedAt: now,
        sessionsValidAfter: now,
      },
    });
  });
  await recordAudit(auditActorOf(principal), {
    action: "delete_user",
    resourceType: "user",
    resourceId: id,
    details: { email: current.email, username: current.username, role: current.role },
  });
}

/**
 * An admin sets someone else's password (their own goes through change-password,
 * which asks for the current one). The target is signed out everywhere.
 */
export async function resetPassword(principal: Principal, id: string, newPassword: string): Promise<void> {
  if (requireAdmin(principal).id === id) {
    throw badRequest("You cannot reset your own password here; use /auth/change-password");
  }
  const current = await db.user.findUnique({ where: { id }, select: { id: true, email: true, deletedAt: true } });
  if (!current || current.deletedAt) throw notFound("User", id);
  assertPasswordPolicy(newPassword, "new_password");
  await db.user.update({ where: { id }, data: { passwordHash: await hashPassword(newPassword) } });
  await revokeAllSessions(id);
  await recordAudit(auditActorOf(principal), {
    action: "reset_password",
    resourceType: "user",
    resourceId: id,
    details: { email: current.email },
  });
}
