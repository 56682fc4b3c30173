import "server-only";
import type { RateLimitState } from "../services/rate-limit";

/**
 * The REST side of the per-user budgets (src/server/services/rate-limit): every
 * authenticated response carries the X-RateLimit-* headers; past the budget the answer
 * is 429 in the route's error format.
 */
export {
  consumeRequest,
  RateLimitedError,
  resetRateLimitsForTests,
  type RateBucket,
  type RateLimitState,
} from "../services/rate-limit";

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(state.limit),
    "X-RateLimit-Remaining": String(state.remaining),
    "X-RateLimit-Reset": String(state.reset),
  };
}
