import "server-only";
import type { Role } from "@/lib/roles";
import { config } from "../../config";
import { db } from "../../db";
import { AppError, forbidden, unauthorized } from "../../errors";
import { recordAudit } from "../audit";
import { hasMfa, secondFactorInvalid, secondFactorRequired, verifySecondFactor } from "../settings/mfa";
import { assertPasswordPolicy, dummyPasswordHash, hashPassword, verifyPassword } from "./passwords";
import type { Session } from "./session";
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure } from "./throttle";
import {
  issueTokens,
  revokeAllSessions,
  revokeRefreshToken,
  revokeTokenId,
  rotateRefreshToken,
  type ClientMeta,
  type IssuedTokens,
} from "./tokens";
import { createUser, findUserById, findUserForLogin, toUserRecord, type UserRecord } from "./users";

/**
 * Checks a password sign-in. Used by the REST/tRPC login and by next-auth's
 * credentials provider, so both share throttling and auditing.
 */
export async function authenticate(
  identifier: string,
  password: string,
  meta: ClientMeta,
  /** A TOTP code or recovery code; required once the user turned two-factor sign-in on. */
  secondFactor?: string,
): Promise<UserRecord> {
  const ip = meta.ip ?? "";
  const row = await findUserForLogin(identifier);
  const subject = row ? { userId: row.id } : { identifier };
  await assertLoginAllowed(subject, ip);
  // Hash even for unknown users so timing does not reveal which emails exist.
  const ok = await verifyPassword(row?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!row || !ok) {
    await recordAudit(
      { userId: row?.id, label: identifier.slice(0, 200), ip },
      { action: "login", resourceType: "session", outcome: "failure", details: { reason: "bad_credentials" } },
    );
    await recordLoginFailure(subject, ip);
    throw unauthorized("Invalid email/username or password");
  }
  if (!row.isActive) {
    await recordAudit(
      { userId: row.id, label: row.email, ip },
      { action: "login", resourceType: "session", outcome: "failure", details: { reason: "deactivated" } },
    );
    throw forbidden("This account is deactivated; ask an administrator");
  }
  if (await hasMfa(row.id)) {
    if (!secondFactor?.trim()) {
      await recordAudit(
        { userId: row.id, label: row.email, ip },
        { action: "login", resourceType: "session", outcome: "failure", details: { reason: "mfa_required" } },
      );
      throw secondFactorRequired();
    }
    if (!(await verifySecondFactor(row.id, secondFactor))) {
      await recordAudit(
        { userId: row.id, label: row.email, ip },
        { action: "login", resourceType: "session", outcome: "failure", details: { reason: "bad_second_factor" } },
      );
      await recordLoginFailure(subject, ip);
      throw secondFactorInvalid();
    }
  }
  await clearLoginFailures(subject, ip);
  const updated = await db.user.update({ where: { id: row.id }, data: { lastLoginAt: new Date() } });
  await recordAudit({ userId: row.id, label: row.email, ip }, { action: "login", resourceType: "session" });
  return toUserRecord(updated);
}

export interface SignedIn {
  user: UserRecord;
  tokens: IssuedTokens;
}

export async function login(identifier: string, password: string, meta: ClientMeta, secondFactor?: string): Promise<SignedIn> {
  const user = await authenticate(identifier, password, meta, secondFactor);
  return { user, tokens: await issueTokens(user.id, meta) };
}

export interface Registration {
  email: string;
  username?: string;
  fullName?: string;
  password: string;
}

/** Self-service sign-up; new accounts are viewers until an admin grants more. */
export async function register(input: Registration, meta: ClientMeta): Promise<SignedIn> {
  if (!config().QUARRY_ALLOW_REGISTRATION) {
    throw forbidden("Self-registration is disabled on this Quarry; ask an administrator");
  }
  const role: Role = "viewer";
  const user = await createUser({ ...input, role });
  await recordAudit(
    { userId: user.id, label: user.email, ip: meta.ip },
    { action: "register", resourceType: "user", resourceId: user.id },
  );
  return { user, tokens: await issueTokens(user.id, meta) };
}

export async function refresh(refreshToken: string, meta: ClientMeta): Promise<SignedIn> {
  const { userId, tokens } = await rotateRefreshToken(refreshToken, meta);
  const user = await findUserById(userId);
  if (!user || !user.isActive) {
    await revokeAllSessions(userId).catch(() => undefined);
    throw unauthorized("The account is deactivated or no longer exists");
  }
  return { user, tokens };
}

export interface LogoutOptions {
  refreshToken?: string;
  /** Sign out of every device, not just this token. */
  everywhere?: boolean;
}

export async function logout(session: Session, options: LogoutOptions, meta: ClientMeta): Promise<void> {
  await revokeTokenId(session.tokenId, session.tokenExpiresAt);
  if (options.refreshToken) await revokeRefreshToken(options.refreshToken, session.user.id);
  if (options.everywhere) await revokeAllSessions(session.user.id);
  await recordAudit(
    { userId: session.user.id, label: session.user.email, ip: meta.ip },
    { action: "logout", resourceType: "session", details: { everywhere: !!options.everywhere } },
  );
}

/**
 * Changes the caller's own password, signs out every other session and hands back a
 * fresh token pair so this client carries on.
 */
export async function changePassword(
  session: Session,
  currentPassword: string,
  newPassword: string,
  meta: ClientMeta,
): Promise<IssuedTokens> {
  const row = await db.user.findUnique({ where: { id: session.user.id } });
  if (!row) throw unauthorized("The account no longer exists");
  // A stolen access token must not become an unlimited password oracle.
  const subject = { userId: row.id };
  const ip = meta.ip ?? "";
  await assertLoginAllowed(subject, ip);
  if (!(await verifyPassword(row.passwordHash, currentPassword))) {
    await recordAudit(
      { userId: row.id, label: row.email, ip: meta.ip },
      { action: "change_password", resourceType: "user", resourceId: row.id, outcome: "failure" },
    );
    await recordLoginFailure(subject, ip);
    throw new AppError("BAD_REQUEST", "The current password is not correct", {
      fields: [{ field: "current_password", message: "incorrect" }],
    });
  }
  assertPasswordPolicy(newPassword, "new_password");
  if (currentPassword === newPassword) {
    throw new AppError("VALIDATION_ERROR", "The new password must differ from the current one", {
      fields: [{ field: "new_password", message: "must differ from the current password" }],
    });
  }
  await clearLoginFailures(subject, ip);
  await db.user.update({ where: { id: row.id }, data: { passwordHash: await hashPassword(newPassword) } });
  await revokeAllSessions(row.id);
  await recordAudit(
    { userId: row.id, label: row.email, ip: meta.ip },
    { action: "change_password", resourceType: "user", resourceId: row.id },
  );
  return issueTokens(row.id, meta);
}
