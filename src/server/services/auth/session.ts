import "server-only";
import type { Role } from "@/lib/roles";
import { unauthorized } from "../../errors";
import { cachedSession, rememberSession, sessionGeneration } from "./session-cache";
import { issuedBeforeCutoff, verifyAccessToken } from "./tokens";
import { findUserById, type UserRecord } from "./users";

/** The signed-in caller, however they proved it (bearer JWT or UI session cookie). */
export interface Session {
  user: SessionUser;
  /** The token's id, so logout can revoke exactly this token. */
  tokenId: string;
  tokenExpiresAt: Date;
  via: "bearer" | "cookie";
}

export interface SessionUser {
  id: string;
  email: string;
  username: string;
  fullName: string;
  role: Role;
}

export function toSessionUser(user: UserRecord): SessionUser {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    fullName: user.fullName,
    role: user.role,
  };
}

/** Loads the user behind a token and checks they may still act. */
export async function activeUserForToken(userId: string, issuedAt: Date): Promise<UserRecord> {
  const user = await findUserById(userId);
  if (!user) throw unauthorized("The account no longer exists");
  if (!user.isActive) throw unauthorized("The account is deactivated");
  if (issuedBeforeCutoff(issuedAt, user.sessionsValidAfter)) {
    throw unauthorized("The session was signed out; sign in again");
  }
  return user;
}

export async function sessionFromBearer(token: string): Promise<Session> {
  const cached = cachedSession(token);
  if (cached) return { ...cached, user: { ...cached.user } };
  const lookedUpAt = sessionGeneration();
  const verified = await verifyAccessToken(token);
  const user = await activeUserForToken(verified.userId, verified.issuedAt);
  const session: Session = {
    user: toSessionUser(user),
    tokenId: verified.jti,
    tokenExpiresAt: verified.expiresAt,
    via: "bearer",
  };
  rememberSession(token, { ...session, user: { ...session.user } }, lookedUpAt);
  return session;
}

/** Reads `Authorization: Bearer <token>`; null when absent. */
export function bearerFrom(headers: Headers): string | null {
  const value = headers.get("authorization");
  if (!value) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  if (!match?.[1]) throw unauthorized("The Authorization header must be 'Bearer <token>'");
  return match[1];
}
