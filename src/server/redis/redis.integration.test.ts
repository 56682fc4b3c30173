import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { RateLimiterRes } from "rate-limiter-flexible";
import { RedisBusTransport } from "@/server/events/bus-redis";
import { BUS_ORIGIN, busReady, deliver, disconnectBus, publish, subscribe, type BusMessage } from "@/server/events/bus";
import { createLimiter } from "@/server/services/rate-limit/limiter";
import { invalidate, registerCache } from "@/server/cache";
import { closeRedis, waitForRedis } from "@/server/redis";
import { deleteRedisKeys, randomRedisPrefix, TEST_REDIS_URL } from "@/test/redis";
import { serviceAvailable } from "@/test/services";

/** Skipped with the reason printed where the server is absent; under CI that fails instead. */
const available = (await serviceAvailable("redis"));

/** The Redis pieces on the real server: the bus transport, shared limiters, cache invalidation. */
const prefix = randomRedisPrefix("redis");
const transports: RedisBusTransport[] = [];
beforeEach(() => {
  process.env.REDIS_URL = TEST_REDIS_URL;
  process.env.QUARRY_REDIS_PREFIX = prefix;
});
afterEach(async () => {
  await disconnectBus();
  await Promise.all(transports.splice(0).map((t) => t.close()));
  delete process.env.REDIS_URL;
  delete process.env.QUARRY_REDIS_PREFIX;
});
afterAll(async () => {
  await closeRedis();
  await deleteRedisKeys(prefix);
});

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.skipIf(!available)("event bus over Redis pub/sub", () => {
  it("carries a message from one transport to another on the same prefix, not to another prefix", async () => {
    const received: BusMessage[] = [];
    const elsewhere: BusMessage[] = [];
    const a = new RedisBusTransport(TEST_REDIS_URL, prefix, () => undefined);
    const b = new RedisBusTransport(TEST_REDIS_URL, prefix, (m) => received.push(m));
    const c = new RedisBusTransport(TEST_REDIS_URL, randomRedisPrefix("other"), (m) => elsewhere.push(m));
    transports.push(a, b, c);
    await Promise.all([a.ready(), b.ready(), c.ready()]);
    const message: BusMessage = { origin: "process-a", event: "query.status", key: "q1", payload: { queryId: "q1", status: "completed", rowCount: 3 } };
    a.send(message);
    await until(() => received.length === 1);
    expect(received[0]).toEqual(message);
    await new Promise((r) => setTimeout(r, 100));
    expect(elsewhere).toEqual([]);
  });

  it("delivers a publish here once, and another process's publish through Redis", async () => {
    const seen: unknown[] = [];
    const off = subscribe("query.status", "q2", (payload) => seen.push(payload));
    // Another process: its own transport, its own origin.
    const other = new RedisBusTransport(TEST_REDIS_URL, prefix, () => undefined);
    transports.push(other);
    await other.ready();
    publish("query.status", "q2", { queryId: "q2", status: "executing" });
    expect(seen).toHaveLength(1);
    // The publish started this process's transport; its SUBSCRIBE may still be on the way (a loaded machine).
    await busReady();
    other.send({ origin: "another-process", event: "query.status", key: "q2", payload: { queryId: "q2", status: "completed" } });
    await until(() => seen.length === 2);
    await new Promise((r) => setTimeout(r, 150));
    // Our own publish came back from Redis too and was dropped.
    expect(seen).toEqual([{ queryId: "q2", status: "executing" }, { queryId: "q2", status: "completed" }]);
    off();
  });

  it("ignores a message from this very process", () => {
    const seen: unknown[] = [];
    const off = subscribe("query.status", "q3", (p) => seen.push(p));
    deliver({ origin: BUS_ORIGIN, event: "query.status", key: "q3", payload: { queryId: "q3", status: "failed" } });
    expect(seen).toEqual([]);
    off();
  });

  it("invalidates a registered cache when another process asks", async () => {
    const cleared: (string | undefined)[] = [];
    const unregister = registerCache("test-cache", (key) => cleared.push(key));
    invalidate("test-cache", "k1");
    expect(cleared).toEqual(["k1"]);
    const other = new RedisBusTransport(TEST_REDIS_URL, prefix, () => undefined);
    transports.push(other);
    await other.ready();
    other.send({ origin: "another-process", event: "cache.invalidated", key: "*", payload: { cache: "*" } });
    await until(() => cleared.length === 2);
    expect(cleared).toEqual(["k1", undefined]);
    unregister();
  });
});

describe.skipIf(!available)("limiters over Redis", () => {
  it("two limiters (two processes) spend one budget", async () => {
    await waitForRedis();
    const a = createLimiter({ keyPrefix: "shared", points: 3, duration: 60 });
    const b = createLimiter({ keyPrefix: "shared", points: 3, duration: 60 });
    await a.consume("user-1");
    await b.consume("user-1");
    await a.consume("user-1");
    await expect(b.consume("user-1")).rejects.toBeInstanceOf(RateLimiterRes);
    // Another subject has its own budget.
    await expect(b.consume("user-2")).resolves.toMatchObject({ remainingPoints: 2 });
  });

  it("falls back to a per-process budget while Redis is unreachable", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    await expect(waitForRedis(300)).rejects.toThrow(/did not answer/);
    const limiter = createLimiter({ keyPrefix: "down", points: 2, duration: 60 });
    await limiter.consume("u");
    await limiter.consume("u");
    const started = Date.now();
    await expect(limiter.consume("u")).rejects.toBeInstanceOf(RateLimiterRes);
    // Answered by the insurance at once, not after the client's reconnect attempts.
    expect(Date.now() - started).toBeLessThan(200);
  });
});
