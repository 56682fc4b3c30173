import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/** Redis for tests: the server here, a random key prefix per test file, its keys deleted after. */
export const TEST_REDIS_URL = process.env.QUARRY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export const randomRedisPrefix = (label = "t") => `quarry-test:${label}:${randomBytes(5).toString("hex")}:`;

/** Deletes every key under `prefix` (BullMQ queues, rate-limit budgets). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
