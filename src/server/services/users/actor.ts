import "server-only";
import type { AuditActor } from "../audit";
import type { SessionUser } from "../auth/session";

/** Who is acting on a governance service: the signed-in user and where they came from (for the audit trail). */
export interface Actor {
  user: SessionUser;
  ip?: string;
}

export const auditActor = (actor: Actor): AuditActor => ({
  userId: actor.user.id,
  label: actor.user.email,
  ip: actor.ip,
});

export const isAdmin = (actor: Actor) => actor.user.role === "admin";
