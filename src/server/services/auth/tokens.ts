import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { config } from "../../config";
import { db } from "../../db";
import { AppError, unauthorized } from "../../errors";
import { getAuthSecret } from "./secrets";
import { forgetCachedSessions } from "./session-cache";

const ISSUER = "quarry";
type TokenType = "access" | "refresh";

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshExpiresIn: number;
}

export interface VerifiedToken {
  userId: string;
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface ClientMeta {
  ip?: string;
  userAgent?: string;
}

function key(): Uint8Array {
  return new TextEncoder().encode(getAuthSecret());
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

async function sign(userId: string, type: TokenType, jti: string, ttl: number): Promise<string> {
  // `iat` has whole seconds; `iat_ms` lets "signed out everywhere at T" cut precisely.
  return new SignJWT({ typ: type, iat_ms: Date.now() })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setJti(jti)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(key());
}

async function verify(token: string, type: TokenType): Promise<VerifiedToken> {
  try {
    const { payload } = await jwtVerify(token, key(), { issuer: ISSUER, algorithms: ["HS256"] });
    if (payload.typ !== type || !payload.sub || !payload.jti || !payload.iat || !payload.exp) {
      throw unauthorized(`Not an ${type} token`);
    }
    return {
      userId: payload.sub,
      jti: payload.jti,
      issuedAt: new Date(typeof payload.iat_ms === "number" ? payload.iat_ms : payload.iat * 1000),
      expiresAt: new Date(payload.exp * 1000),
    };
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw unauthorized("The token has expired");
    throw unauthorized("The token is invalid");
  }
}

/**
 * Issues a fresh access token and a stored (hashed) refresh token. `refreshId` lets
 * rotation name the successor before it exists (see rotateRefreshToken).
 */
export async function issueTokens(userId: string, meta: ClientMeta = {}, refreshId: string = randomUUID()): Promise<IssuedTokens> {
  const { QUARRY_ACCESS_TOKEN_TTL: accessTtl, QUARRY_REFRESH_TOKEN_TTL: refreshTtl } = config();
  const [accessToken, refreshToken] = await Promise.all([
    sign(userId, "access", randomUUID(), accessTtl),
    sign(userId, "refresh", refreshId, refreshTtl),
  ]);
  await db.refreshToken.create({
    data: {
      id: refreshId,
      userId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + refreshTtl * 1000),
      ip: meta.ip ?? "",
      userAgent: (meta.userAgent ?? "").slice(0, 300),
    },
  });
  return { accessToken, refreshToken, expiresIn: accessTtl, refreshExpiresIn: refreshTtl };
}

/** Tokens and sessions issued before the user's `sessionsValidAfter` are dead. */
export function issuedBeforeCutoff(issuedAt: Date, sessionsValidAfter: Date): boolean {
  return issuedAt.getTime() < sessionsValidAfter.getTime();
}

/**
 * Verifies an access token: signature, expiry, not revoked, user still active and not
 * signed out everywhere since. Returns the token's facts; the caller loads the user.
 */
export async function verifyAccessToken(token: string): Promise<VerifiedToken> {
  const verified = await verify(token, "access");
  if (await isRevoked(verified.jti)) throw unauthorized("The token has been revoked");
  return verified;
}

export async function isRevoked(jti: string): Promise<boolean> {
  return (await db.revokedToken.count({ where: { jti } })) > 0;
}

/** Marks one access token or UI session as revoked until it would have expired. */
export async function revokeTokenId(jti: string, expiresAt: Date): Promise<void> {
  await db.revokedToken.upsert({
    where: { jti },
    create: { jti, expiresAt },
    update: {},
  });
  forgetCachedSessions();
}

/**
 * Exchanges a refresh token for a new pair (rotation). Only a token that was ROTATED
 * (it has a successor) and is presented again means it leaked: every session of that
 * user is revoked. A token revoked on purpose (logout, password change or reset,
 * deactivation, sign-out everywhere) has no successor and just answers 401, so the
 * user's other sessions stay signed in.
 */
export async function rotateRefreshToken(
  refreshToken: string,
  meta: ClientMeta = {},
): Promise<{ userId: string; tokens: IssuedTokens }> {
  const verified = await verify(refreshToken, "refresh");
  const stored = await db.refreshToken.findUnique({ where: { id: verified.jti } });
  if (!stored || stored.tokenHash !== sha256(refreshToken)) {
    throw unauthorized("The refresh token is invalid");
  }
  if (stored.revokedAt) throw await refusedRevoked(stored);
  // Claim the token atomically, naming its successor in the same write, so a later use
  // always finds it marked as rotated. Losing the race to a concurrent refresh of the
  // same token (a double submit) is refused without signing anyone out.
  const successorId = randomUUID();
  const claimed = await db.refreshToken.updateMany({
    where: { id: stored.id, revokedAt: null },
    data: { revokedAt: new Date(), replacedById: successorId },
  });
  if (claimed.count !== 1) throw unauthorized("The refresh token was already used");
  const tokens = await issueTokens(stored.userId, meta, successorId);
  return { userId: stored.userId, tokens };
}

async function refusedRevoked(stored: { userId: string; replacedById: string | null }): Promise<AppError> {
  if (!stored.replacedById) return unauthorized("The refresh token has been revoked; sign in again");
  await revokeAllSessions(stored.userId);
  return unauthorized("The refresh token was already used; all sessions were signed out");
}

/** Revokes one refresh token (logout); unknown or foreign tokens are ignored. */
export async function revokeRefreshToken(refreshToken: string, userId: string): Promise<void> {
  await db.refreshToken.updateMany({
    where: { tokenHash: sha256(refreshToken), userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
}

/** Signs a user out everywhere: all refresh tokens, access tokens and UI sessions. */
export async function revokeAllSessions(userId: string): Promise<void> {
  const now = new Date();
  await db.$transaction([
    db.user.update({ where: { id: userId }, data: { sessionsValidAfter: now } }),
    db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } }),
  ]);
  forgetCachedSessions();
}

/** Drops revocation rows and refresh tokens that have expired anyway. */
export async function pruneExpiredTokens(): Promise<void> {
  const now = new Date();
  await db.revokedToken.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.refreshToken.deleteMany({ where: { expiresAt: { lt: now } } });
}
