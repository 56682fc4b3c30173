import "server-only";
import type { Context } from "../context";
import type { Session } from "../services/auth/session";
import { userPrincipal, type UserPrincipal } from "../services/principal";

/** The signed-in caller of a procedure as a service principal (with the request's IP for the audit trail). */
export function callerPrincipal(ctx: Pick<Context, "meta"> & { session: Session }): UserPrincipal {
  return userPrincipal(ctx.session.user, ctx.meta?.ip || undefined);
}
