import "server-only";
import type { Context } from "../context";
import type { Session } from "../services/auth/session";
import { userPrincipal, type UserPrincipal } from "../services/principal";

/** The signed-in caller of a procedure as a principal (with the request's address). */
export const principalOf = (ctx: Context & { session: Session }): UserPrincipal => userPrincipal(ctx.session.user, ctx.meta.ip || undefined);
