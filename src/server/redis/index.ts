import "server-only";
import { Redis, type RedisOptions } from "ioredis";

/**
 * Redis for several Quarry processes (`REDIS_URL`): the event bus (pub/sub), rate
 * limits and login throttles (one budget across processes), and the BullMQ job queue.
 * Unset, everything stays in-process. Every key and channel starts with
 * `QUARRY_REDIS_PREFIX` (default `quarry:`), so deployments and tests can share a server.
 *
 * Read from the environment directly (not config()): server.mjs and the worker entry
 * reach this before anything else is configured.
 */
export function redisUrl(): string | null {
  return process.env.REDIS_URL || null;
}

export function redisPrefix(): string {
  return process.env.QUARRY_REDIS_PREFIX || "quarry:";
}

export type RedisRole = "commands" | "subscriber" | "worker";

const global = globalThis as unknown as { __quarryRedis?: Map<string, Redis> };
const clients = (global.__quarryRedis ??= new Map());

/**
 * One client per role and URL in this process. A subscriber connection cannot send
 * other commands, and BullMQ workers block on theirs (they need
 * `maxRetriesPerRequest: null`, so a command waits out a Redis restart instead of failing).
 */
export function redisClient(role: RedisRole = "commands", url = redisUrl()): Redis {
  if (!url) throw new Error("REDIS_URL is not set");
  const id = `${role}|${url}`;
  let client = clients.get(id);
  if (!client) {
    client = createRedis(url, role);
    clients.set(id, client);
  }
  return client;
}

export function createRedis(url: string, role: RedisRole): Redis {
  const options: RedisOptions = {
    // Commands fail after a few retries rather than hang a request while Redis is away
    // (rate limits then fall back to this process's own budget); workers wait instead.
    maxRetriesPerRequest: role === "commands" ? 2 : null,
    enableReadyCheck: true,
    connectionName: `quarry-${role}`,
    // Reconnect forever with a capped back-off; Redis coming back must heal every process.
    retryStrategy: (times) => Math.min(times * 200, 5000),
  };
  const client = new Redis(url, options);
  let warned = false;
  client.on("error", (error: Error) => {
    // ioredis reports each failed reconnect; one line per outage is enough.
    if (!warned) console.error(`[redis] ${role} connection failed (retrying):`, error.message);
    warned = true;
  });
  client.on("ready", () => {
    if (warned) console.warn(`[redis] ${role} connection is back`);
    warned = false;
  });
  return client;
}

/** Resolves once the shared command client is connected (boot: before serving), or rejects after `timeoutMs`. */
export async function waitForRedis(timeoutMs = 10_000): Promise<void> {
  const client = redisClient("commands");
  if (client.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      reject(new Error(`Redis at ${redactUrl(redisUrl()!)} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}

/** A Redis URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid URL)";
  }
}

/** Closes every client this process opened (shutdown, tests). */
export async function closeRedis(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
}
