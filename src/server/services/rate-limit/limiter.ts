import "server-only";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { redisClient, redisPrefix, redisUrl } from "../../redis";

/**
 * A fixed-window limiter: in this process's memory by default, in Redis when REDIS_URL
 * is set, so N web processes spend one budget. While Redis is unreachable each process
 * falls back to its own in-memory budget of the same size (rate-limiter-flexible's
 * insurance limiter): requests keep being limited, per process, instead of all failing
 * or all passing.
 */
export function createLimiter(options: { keyPrefix: string; points: number; duration: number }): RateLimiterAbstract {
  if (!redisUrl()) return new RateLimiterMemory(options);
  return new RateLimiterRedis({
    ...options,
    keyPrefix: `${redisPrefix()}rl:${options.keyPrefix}`,
    storeClient: redisClient("commands"),
    // While the connection is down the insurance answers at once (no request waits out
    // reconnects); boot waits for the first connection (waitForRedis) so none start there.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(options),
  });
}
