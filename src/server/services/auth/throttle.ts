import "server-only";
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { config } from "../../config";
import { AppError } from "../../errors";
import { processState } from "../../process-state";
import { createLimiter } from "../rate-limit/limiter";

/**
 * Password-failure throttling: after QUARRY_LOGIN_MAX_FAILURES wrong passwords for the
 * same account from the same address, further attempts are refused with 429 for
 * QUARRY_LOGIN_LOCKOUT_SECONDS. A correct password clears the count.
 *
 * The account is the user's id whenever the identifier resolves to a user, so the email,
 * the username and any case or spacing of them share one count; sign-in and
 * change-password (a wrong current password) spend the same count too. With REDIS_URL
 * the count is kept in Redis, so every web process sees the same failures (limiter.ts).
 */
// One count per process whichever bundle checks it (process-state.ts).
const throttle = processState("auth.login-failures", () => ({ limiter: undefined as RateLimiterAbstract | undefined }));

function failures(): RateLimiterAbstract {
  const { QUARRY_LOGIN_MAX_FAILURES, QUARRY_LOGIN_LOCKOUT_SECONDS } = config();
  throttle.limiter ??= createLimiter({
    keyPrefix: "login-fail",
    points: QUARRY_LOGIN_MAX_FAILURES,
    duration: QUARRY_LOGIN_LOCKOUT_SECONDS,
  });
  return throttle.limiter;
}

/** Whose password is being tried: a known user, or (unknown account) the spelling tried. */
/** A plain string is a key of its own (e.g. a share link's password). */
export type ThrottleSubject = { userId: string } | { identifier: string } | string;

function keyOf(subject: ThrottleSubject, ip: string): string {
  if (typeof subject === "string") return `key:${subject}|${ip}`;
  if ("userId" in subject) return `user:${subject.userId}|${ip}`;
  return `name:${subject.identifier.trim().toLowerCase()}|${ip}`;
}

export async function assertLoginAllowed(subject: ThrottleSubject, ip: string): Promise<void> {
  const state = await failures().get(keyOf(subject, ip));
  if (state && state.remainingPoints <= 0) {
    throw lockedOut(state);
  }
}

export async function recordLoginFailure(subject: ThrottleSubject, ip: string): Promise<void> {
  try {
    await failures().consume(keyOf(subject, ip));
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw lockedOut(rejection);
    throw rejection;
  }
}

export async function clearLoginFailures(subject: ThrottleSubject, ip: string): Promise<void> {
  await failures().delete(keyOf(subject, ip));
}

function lockedOut(state: RateLimiterRes): AppError {
  const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new AppError(
    "RATE_LIMITED",
    `Too many wrong passwords; try again in ${retryAfter} seconds`,
    { retryAfter },
  );
}

export function resetLoginThrottleForTests(): void {
  throttle.limiter = undefined;
}
