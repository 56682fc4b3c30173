import "server-only";
import { forbidden } from "../errors";
import type { AuditActor } from "./audit";
import type { SessionUser } from "./auth/session";

/**
 * Who is acting on a service, whatever the transport (tRPC, REST, WebSocket, a job, a
 * share page). Every service takes one; the audit trail records it.
 *
 * - `user`: a signed-in person; `ip` is where the request came from.
 * - `job`: a queued or scheduled job acting for the user who enqueued it. `user` is that
 *   user as loaded when the job starts, so a revoked grant or a deactivated account stops
 *   the job: services re-check access for it exactly as for the user.
 * - `share-link`: an anonymous visitor holding a share link. It has no grants of its
 *   own; it may only read the snapshot the link points at.
 */
export type Principal = UserPrincipal | JobPrincipal | ShareLinkPrincipal;

export interface UserPrincipal {
  kind: "user";
  user: SessionUser;
  ip?: string;
}

export interface JobPrincipal {
  kind: "job";
  user: SessionUser;
  jobId: string;
  jobName: string;
}

export interface ShareLinkPrincipal {
  kind: "share-link";
  shareLinkId: string;
  ip?: string;
}

/** A principal whose grants are a user's: a person, or a job acting for one. */
export type ActingPrincipal = UserPrincipal | JobPrincipal;

export const userPrincipal = (user: SessionUser, ip?: string): UserPrincipal => ({ kind: "user", user, ip });

export const jobPrincipal = (user: SessionUser, job: { id: string; name: string }): JobPrincipal => ({
  kind: "job",
  user,
  jobId: job.id,
  jobName: job.name,
});

export const shareLinkPrincipal = (shareLinkId: string, ip?: string): ShareLinkPrincipal => ({
  kind: "share-link",
  shareLinkId,
  ip,
});

/** The user whose grants apply, or null for a share-link visitor (who has none). */
export function actingUser(principal: Principal): SessionUser | null {
  return principal.kind === "share-link" ? null : principal.user;
}

/** For services that only a user (or a job acting for one) may call; a share link gets 403. */
export function requireActingUser(principal: Principal): SessionUser {
  const user = actingUser(principal);
  if (!user) throw forbidden("A share link can only open the result it points at");
  return user;
}

export const isAdminPrincipal = (principal: Principal): boolean => actingUser(principal)?.role === "admin";

/**
 * For admin-only services: the acting admin, or 403 (the message tRPC's adminProcedure
 * gives, so every transport reads the same).
 */
export function requireAdmin(principal: Principal): SessionUser {
  const user = requireActingUser(principal);
  if (user.role !== "admin") throw forbidden("This needs the admin role or higher");
  return user;
}

/** The request's address, for principals that came over the network. */
export const principalIp = (principal: Principal): string | undefined =>
  principal.kind === "job" ? undefined : principal.ip;

/** How the audit trail names a principal: the user (if any), a readable label, the IP and who acted. */
export function auditActorOf(principal: Principal): AuditActor {
  switch (principal.kind) {
    case "user":
      return {
        userId: principal.user.id,
        label: principal.user.email,
        ip: principal.ip,
        principalType: "user",
        principalId: principal.user.id,
      };
    case "job":
      return {
        userId: principal.user.id,
        label: `${principal.user.email} (job ${principal.jobName})`,
        principalType: "job",
        principalId: principal.jobId,
      };
    case "share-link":
      return {
        userId: null,
        label: "share link",
        ip: principal.ip,
        principalType: "share-link",
        principalId: principal.shareLinkId,
      };
  }
}
