import "server-only";
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { config } from "../../config";
import { AppError } from "../../errors";
import type { Principal } from "../principal";
import { processState } from "../../process-state";
import { createLimiter } from "./limiter";

/**
 * Per-user request budgets (a fixed one-minute window), shared by the REST API and
 * tRPC so a user has one budget whichever door they use: `api` for every request or
 * procedure call, `query` (smaller) for the ones that run SQL. With REDIS_URL the budget
 * is kept in Redis and shared by every web process (limiter.ts).
 */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Unix seconds when the window resets. */
  reset: number;
}

// One budget per process whichever door (REST or tRPC bundle) spends it (process-state.ts).
const limiters = processState("rate-limit.limiters", () => new Map<string, RateLimiterAbstract>());

function limiterFor(bucket: string, points: number): RateLimiterAbstract {
  const key = `${bucket}:${points}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = createLimiter({ keyPrefix: `rest-${bucket}`, points, duration: 60 });
    limiters.set(key, limiter);
  }
  return limiter;
}

export type RateBucket = "api" | "query";

/** Query routes have their own, smaller budget (QueryBase documents 60/min). */
function budget(bucket: RateBucket): number {
  const c = config();
  return bucket === "query" ? c.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE : c.QUARRY_RATE_LIMIT_PER_MINUTE;
}

/** Spends one request of `subject`'s budget; throws RATE_LIMITED (with headers) when spent. */
export async function consumeRequest(subject: string, bucket: RateBucket = "api"): Promise<RateLimitState> {
  const limit = budget(bucket);
  try {
    const res = await limiterFor(bucket, limit).consume(subject);
    return toState(limit, res);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const state = toState(limit, rejection);
    throw new RateLimitedError(state, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
  }
}

/**
 * Whose budget a principal spends: a user's own (a job acting for them counts as them),
 * or, for an anonymous share-link visitor, their address.
 */
export const rateSubjectOf = (principal: Principal): string =>
  principal.kind === "share-link" ? `share-link:${principal.ip || principal.shareLinkId}` : principal.user.id;

export const consumePrincipalRequest = (principal: Principal, bucket: RateBucket = "api") =>
  consumeRequest(rateSubjectOf(principal), bucket);

function toState(limit: number, res: RateLimiterRes): RateLimitState {
  return {
    limit,
    remaining: Math.max(0, res.remainingPoints),
    reset: Math.ceil((Date.now() + res.msBeforeNext) / 1000),
  };
}

export class RateLimitedError extends AppError {
  constructor(
    readonly state: RateLimitState,
    retryAfter: number,
  ) {
    super("RATE_LIMITED", `Rate limit exceeded: at most ${state.limit} requests per minute`, {
      retryAfter,
    });
  }
}

export function resetRateLimitsForTests(): void {
  limiters.clear();
}
