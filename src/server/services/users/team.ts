import "server-only";
import { randomBytes } from "node:crypto";
import type { Role } from "@/lib/roles";
import { notFound } from "../../errors";
import { recordAudit } from "../audit";
import { revokeAllSessions } from "../auth/tokens";
import { createUser, findUserById, type UserRecord } from "../auth/users";
import { auditActorOf, requireAdmin, type Principal } from "../principal";
import { updateUser } from "./manage";

/** 18 random bytes: 24 URL-safe characters, far beyond guessing and above the length policy. */
const temporaryPassword = () => randomBytes(18).toString("base64url");

/**
 * Invites someone by email: the account exists at once with a random temporary
 * password that is returned to the inviting admin this one time (only its hash is
 * kept) for them to pass on.
 */
export async function inviteMember(
  principal: Principal,
  input: { email: string; role: Role; fullName?: string },
): Promise<{ user: UserRecord; temporaryPassword: string }> {
  requireAdmin(principal);
  const password = temporaryPassword();
  const user = await createUser({ email: input.email, fullName: input.fullName, role: input.role, password });
  await recordAudit(auditActorOf(principal), {
    action: "invite_user",
    resourceType: "user",
    resourceId: user.id,
    details: { email: user.email, role: user.role },
  });
  return { user, temporaryPassword: password };
}

/** Removes someone from the team: deactivated (history kept) and signed out everywhere. */
export async function revokeMember(principal: Principal, id: string): Promise<UserRecord> {
  requireAdmin(principal);
  const before = await findUserById(id);
  if (!before) throw notFound("User", id);
  const user = await updateUser(principal, id, { isActive: false }, { action: "revoke_member" });
  if (!before.isActive) {
    // Already inactive: the update changed nothing, but revoking must still end every session and be on record.
    await revokeAllSessions(id);
    await recordAudit(auditActorOf(principal), {
      action: "revoke_member",
      resourceType: "user",
      resourceId: id,
      details: { email: user.email, alreadyInactive: true },
    });
  }
  return user;
}
