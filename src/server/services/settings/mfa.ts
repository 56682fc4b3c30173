import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import { db } from "../../db";
import { AppError, conflict, unauthorized } from "../../errors";
import { recordAudit } from "../audit";
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import { auditActorOf, requireActingUser, type Principal } from "../principal";

/**
 * TOTP second factor (RFC 6238, otplib): 30-second codes, one step of clock drift either
 * way, a code accepted once (the last step is kept), ten single-use recovery codes kept as
 * hashes. The secret is sealed with the app's encryption key.
 */
const ISSUER = "Quarry";
const RECOVERY_CODES = 10;
const hash = (code: string) => createHash("sha256").update(normalizeRecovery(code)).digest("hex");
const normalizeRecovery = (code: string) => code.trim().toLowerCase().replace(/[^a-z0-9]/g, "");

function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomBytes(5).toString("hex"); // 10 hex characters, 40 bits
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
}

export interface MfaStatus {
  enabled: boolean;
  enrolledAt: string | null;
  recoveryCodesLeft: number;
}

export async function mfaStatus(principal: Principal): Promise<MfaStatus> {
  const user = requireActingUser(principal);
  const row = await db.userMfa.findUnique({ where: { userId: user.id } });
  return {
    enabled: !!row?.enabledAt,
    enrolledAt: row?.enabledAt?.toISOString() ?? null,
    recoveryCodesLeft: row?.enabledAt ? (JSON.parse(row.recoveryCodes) as string[]).length : 0,
  };
}

/** Starts (or restarts) an enrolment: the secret and its otpauth URI are shown once. */
export async function beginMfaEnrollment(principal: Principal): Promise<{ secret: string; otpauthUri: string }> {
  const user = requireActingUser(principal);
  const existing = await db.userMfa.findUnique({ where: { userId: user.id } });
  if (existing?.enabledAt) throw conflict("Two-factor sign-in is already on; turn it off first to enrol a new device");
  const secret = generateSecret();
  await db.userMfa.upsert({
    where: { userId: user.id },
    create: { userId: user.id, encryptedSecret: encryptSecret(secret) },
    update: { encryptedSecret: encryptSecret(secret), recoveryCodes: "[]", lastStep: 0 },
  });
  await recordAudit(auditActorOf(principal), { action: "mfa_enroll", resourceType: "user", resourceId: user.id });
  return { secret, otpauthUri: generateURI({ issuer: ISSUER, label: user.email, secret }) };
}

/** Confirms the enrolment with a first code; answers the recovery codes (shown once). */
export async function confirmMfaEnrollment(principal: Principal, code: string): Promise<{ recoveryCodes: string[] }> {
  const user = requireActingUser(principal);
  const row = await db.userMfa.findUnique({ where: { userId: user.id } });
  if (!row) throw new AppError("BAD_REQUEST", "Start the enrolment first");
  if (row.enabledAt) throw conflict("Two-factor sign-in is already on");
  const step = await checkCode(decryptSecret(row.encryptedSecret), code, 0);
  if (step === null) throw new AppError("VALIDATION_ERROR", "That code is not valid; check the device's clock and try the current code", { fields: [{ field: "code", message: "invalid code" }] });
  const codes = newRecoveryCodes();
  await db.userMfa.update({ where: { userId: user.id }, data: { enabledAt: new Date(), lastStep: step, recoveryCodes: JSON.stringify(codes.map(hash)) } });
  await recordAudit(auditActorOf(principal), { action: "mfa_enable", resourceType: "user", resourceId: user.id });
  return { recoveryCodes: codes };
}

/** Turning it off needs a current code (or a recovery code), so a stolen session alone cannot. */
export async function disableMfa(principal: Principal, code: string): Promise<void> {
  const user = requireActingUser(principal);
  const ok = await verifySecondFactor(user.id, code);
  if (!ok) throw new AppError("VALIDATION_ERROR", "That code is not valid", { fields: [{ field: "code", message: "invalid code" }] });
  await db.userMfa.delete({ where: { userId: user.id } });
  await recordAudit(auditActorOf(principal), { action: "mfa_disable", resourceType: "user", resourceId: user.id });
}

/** An admin resets a user who lost the device and the recovery codes. */
export async function resetMfaForUser(principal: Principal, userId: string): Promise<void> {
  const admin = requireActingUser(principal);
  if (admin.role !== "admin") throw new AppError("FORBIDDEN", "Only an admin may reset another user's two-factor sign-in");
  await db.userMfa.deleteMany({ where: { userId } });
  await recordAudit(auditActorOf(principal), { action: "mfa_disable", resourceType: "user", resourceId: userId, details: { by: "admin" } });
}

export const hasMfa = async (userId: string) => !!(await db.userMfa.findUnique({ where: { userId }, select: { enabledAt: true } }))?.enabledAt;

/**
 * The sign-in check: a 6-digit TOTP code (not one already used) or an unused recovery code
 * (consumed). False when the user has no second factor on.
 */
export async function verifySecondFactor(userId: string, code: string): Promise<boolean> {
  const row = await db.userMfa.findUnique({ where: { userId } });
  if (!row?.enabledAt || !code.trim()) return false;
  const trimmed = code.replace(/\s+/g, "");
  if (/^\d{6}$/.test(trimmed)) {
    const step = await checkCode(decryptSecret(row.encryptedSecret), trimmed, row.lastStep);
    if (step === null) return false;
    // Conditional on the step seen, so two sign-ins racing with one code cannot both pass.
    const claimed = await db.userMfa.updateMany({ where: { userId, lastStep: row.lastStep }, data: { lastStep: step } });
    return claimed.count === 1;
  }
  const hashes = JSON.parse(row.recoveryCodes) as string[];
  const wanted = Buffer.from(hash(trimmed), "hex");
  const index = hashes.findIndex((h) => timingSafeEqual(Buffer.from(h, "hex"), wanted));
  if (index < 0) return false;
  const rest = hashes.filter((_, i) => i !== index);
  const claimed = await db.userMfa.updateMany({ where: { userId, recoveryCodes: row.recoveryCodes }, data: { recoveryCodes: JSON.stringify(rest) } });
  if (claimed.count === 1) await recordAudit({ userId }, { action: "mfa_recovery_used", resourceType: "user", resourceId: userId, details: { left: rest.length } });
  return claimed.count === 1;
}

/** The time step a valid code belongs to, or null; codes at or before `after` are replays. */
async function checkCode(secret: string, code: string, after: number): Promise<number | null> {
  if (!/^\d{6}$/.test(code.trim())) return null;
  const result = await verify({ secret, token: code.trim(), epochTolerance: 30, ...(after > 0 ? { afterTimeStep: after } : {}) });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** Thrown by the login when the password was right and a second factor is needed. */
export const secondFactorRequired = () =>
  new AppError("UNAUTHORIZED", "Enter the code from your authenticator app (or a recovery code)", { details: { mfa_required: true } });
export const secondFactorInvalid = () =>
  unauthorized("The two-factor code is not valid");
