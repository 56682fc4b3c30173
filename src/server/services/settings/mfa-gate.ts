import "server-only";
import { ReadCache } from "../../db/read-cache";
import { AppError } from "../../errors";
import { hasMfa } from "./mfa";
import { orgSettings } from "./index";

/**
 * "Two-factor sign-in required" made real: while the organisation requires it, a user
 * without a confirmed second factor may sign in (so they can enrol) but may call only
 * the operations needed to enrol. tRPC's authed middleware and the REST handler both ask
 * `assertMfaSatisfied` with the operation's procedure name (REST routes name theirs), so
 * the rule lives here once.
 */
export const MFA_ENROLLMENT_OPERATIONS = new Set([
  "auth.me",
  "auth.logout",
  "auth.refresh",
  "settings.security",
  "settings.mfaStatus",
  "settings.mfaBegin",
  "settings.mfaConfirm",
]);

/**
 * Asked on every authenticated request, so kept per user; any app-state write (the
 * organisation's settings, a user's enrolment) drops the entries (db/read-cache.ts), so
 * an admin turning the rule on, or a user confirming enrolment, counts at once.
 */
const pendingCache = new ReadCache<string, boolean>(
  async (userId) => {
    const org = await orgSettings();
    return org.requireMfa && !(await hasMfa(userId));
  },
  { max: 10_000, ttlMs: 30_000 },
);

/** True while the organisation requires two-factor sign-in and this user has none confirmed. */
export const mfaEnrollmentPending = (userId: string): Promise<boolean> => pendingCache.get(userId);

export const mfaEnrollmentRequired = () =>
  new AppError("FORBIDDEN", "Your organisation requires two-factor sign-in: turn it on under Settings → Security first", {
    details: { reason: "mfa_enrollment_required", enroll: "/settings/security" },
  });

/** Throws FORBIDDEN (details.reason `mfa_enrollment_required`) unless `operation` may run. */
export async function assertMfaSatisfied(userId: string, operation: string): Promise<void> {
  if (MFA_ENROLLMENT_OPERATIONS.has(operation)) return;
  if (await mfaEnrollmentPending(userId)) throw mfaEnrollmentRequired();
}
