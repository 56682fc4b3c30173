import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "../../config";
import { AppError } from "../../errors";

/**
 * Login-failure throttling: after QUARRY_LOGIN_MAX_FAILURES wrong passwords for the
 * same account from the same address, further attempts are refused with 429 for
 * QUARRY_LOGIN_LOCKOUT_SECONDS. A correct password clears the count.
 */
let limiter: RateLimiterMemory | undefined;

function failures(): RateLimiterMemory {
  const { QUARRY_LOGIN_MAX_FAILURES, QUARRY_LOGIN_LOCKOUT_SECONDS } = config();
  limiter ??= new RateLimiterMemory({
    keyPrefix: "login-fail",
    points: QUARRY_LOGIN_MAX_FAILURES,
    duration: QUARRY_LOGIN_LOCKOUT_SECONDS,
  });
  return limiter;
}

const keyOf = (identifier: string, ip: string) => `${identifier.trim().toLowerCase()}|${ip}`;

export async function assertLoginAllowed(identifier: string, ip: string): Promise<void> {
  const state = await failures().get(keyOf(identifier, ip));
  if (state && state.remainingPoints <= 0) {
    throw lockedOut(state);
  }
}

export async function recordLoginFailure(identifier: string, ip: string): Promise<void> {
  try {
    await failures().consume(keyOf(identifier, ip));
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw lockedOut(rejection);
    throw rejection;
  }
}

export async function clearLoginFailures(identifier: string, ip: string): Promise<void> {
  await failures().delete(keyOf(identifier, ip));
}

function lockedOut(state: RateLimiterRes): AppError {
  const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new AppError(
    "RATE_LIMITED",
    `Too many failed sign-in attempts; try again in ${retryAfter} seconds`,
    { retryAfter },
  );
}

export function resetLoginThrottleForTests(): void {
  limiter = undefined;
}
