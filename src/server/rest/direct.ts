import "server-only";
import { unauthorized } from "../errors";
import { clientMeta } from "../context";
import type { Session, SessionUser } from "../services/auth/session";
import { userPrincipal, type UserPrincipal } from "../services/principal";

/**
 * The hot REST routes (running a query, listing data sources) call their service
 * directly instead of going through tRPC's `createCaller`: the REST body schema is the
 * one validation, and no output schema walks the result on its way out. What the
 * procedure's middleware would add is done by the adapter already: the session is
 * resolved and required (`auth: "user"`), the rate-limit budget is spent once, and
 * AppErrors keep their codes.
 */
export function restUser(session: Session | null): SessionUser {
  if (!session) throw unauthorized();
  return session.user;
}

/** The signed-in caller as a service principal, with the client's address for the audit trail. */
export function restPrincipal(session: Session | null, headers: Headers): UserPrincipal {
  return userPrincipal(restUser(session), clientMeta(headers).ip || undefined);
}
