import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { db } from "@/server/db";
import { startJobs, stopJobs } from "@/server/jobs";
import { toSessionUser } from "@/server/services/auth/session";
import { createUser } from "@/server/services/auth/users";
import { userPrincipal, type Principal } from "@/server/services/principal";
import { executeQuery } from "@/server/services/queries/execute";
import { grant } from "@/test/fixtures";
import { loopbackReceiver } from "@/test/receiver";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, testWebhook } from "./index";
import { startWebhookDispatcher } from "./dispatch";
import { isPrivateAddress } from "./target";

const setEnv = (vars: Record<string, string | undefined>) => {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigForTests();
};

let owner: Principal;
let other: Principal;
let ownerUser: Awaited<ReturnType<typeof createUser>>;
let otherUser: Awaited<ReturnType<typeof createUser>>;
let dataSourceId = "";
let stopDispatcher: () => void;

/** The receiver's check: HMAC-SHA256 of `<timestamp>.<raw body>` with the secret, in constant time. */
function validSignature(secret: string, headers: Record<string, unknown>, body: string): boolean {
  const expected = `sha256=${createHmac("sha256", secret).update(`${headers["x-quarry-timestamp"]}.${body}`).digest("hex")}`;
  const given = String(headers["x-quarry-signature"] ?? "");
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-wh-")), "t.sqlite");
  const sqlite = new Database(file);
  sqlite.exec("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2);");
  sqlite.close();
  dataSourceId = (await db.dataSource.create({ data: { name: `wh-${Date.now()}`, engine: "sqlite", database: file } })).id;
  ownerUser = await createUser({ email: `wh-owner-${Date.now()}@example.test`, password: "correct-horse-9", role: "analyst" });
  otherUser = await createUser({ email: `wh-other-${Date.now()}@example.test`, password: "correct-horse-9", role: "analyst" });
  await grant(ownerUser.id, dataSourceId, { canRead: true });
  await grant(otherUser.id, dataSourceId, { canRead: true });
  owner = userPrincipal(toSessionUser(ownerUser));
  other = userPrincipal(toSessionUser(otherUser));
  await startJobs();
  stopDispatcher = startWebhookDispatcher();
});

afterAll(async () => {
  stopDispatcher();
  await stopJobs(200);
});

afterEach(() => setEnv({ QUARRY_WEBHOOK_ALLOW_PRIVATE: undefined, QUARRY_WEBHOOK_HOSTS_ALLOW: undefined, QUARRY_WEBHOOK_MAX_ATTEMPTS: undefined, QUARRY_WEBHOOK_RETRY_BASE_MS: undefined }));

describe("webhook targets (SSRF guard)", () => {
  it("classifies private, loopback, link-local and mapped addresses", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::a9fe:a9fe"]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"]) expect(isPrivateAddress(a), a).toBe(false);
  });

  it("refuses private targets by default, resolving names first", async () => {
    const receiver = await loopbackReceiver();
    try {
      for (const url of [receiver.url, "http://localhost:9/x", "http://[::1]:9/", "http://169.254.169.254/latest/meta-data", "http://[::ffff:127.0.0.1]:9/", "http://2130706433:9/"]) {
        await expect(createWebhook(owner, { url, events: ["query.completed"] }), url).rejects.toMatchObject({ code: "VALIDATION_ERROR", fields: [{ field: "url" }] });
      }
      await expect(createWebhook(owner, { url: "file:///etc/passwd", events: ["query.completed"] })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
      await expect(createWebhook(owner, { url: "https://example.com/", events: ["nothing.happened"] })).rejects.toMatchObject({ fields: [{ field: "events" }] });
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it("refuses at delivery time too, when the allowance was withdrawn after creation", async () => {
    const receiver = await loopbackReceiver();
    setEnv({ QUARRY_WEBHOOK_HOSTS_ALLOW: "127.0.0.1" });
    const hook = await createWebhook(owner, { url: receiver.url, events: ["query.completed"] });
    setEnv({ QUARRY_WEBHOOK_HOSTS_ALLOW: undefined });
    const test = await testWebhook(owner, hook.id);
    expect(test.status).toBe("failed");
    expect(test.error).toMatch(/private, loopback or link-local/);
    expect(receiver.received).toHaveLength(0);
    await deleteWebhook(owner, hook.id);
    await receiver.close();
  });
});

describe("webhook deliveries", () => {
  it("delivers a signed event for the owner's own query (not for others'), logged with code and latency", async () => {
    setEnv({ QUARRY_WEBHOOK_ALLOW_PRIVATE: "true" });
    const receiver = await loopbackReceiver();
    const hook = await createWebhook(owner, { url: receiver.url, events: ["query_completed"] });
    expect(hook.secret).toMatch(/^whsec_/);
    expect(hook.events).toEqual(["query.completed"]);
    expect(JSON.stringify(await listWebhooks(owner))).not.toContain(hook.secret);

    await executeQuery(other, { dataSourceId, sql: "SELECT 1 AS other_users_query" });
    const mine = await executeQuery(owner, { dataSourceId, sql: "SELECT id FROM t" });
    expect(mine.type).toBe("result");
    await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got!.headers["x-quarry-event"]).toBe("query.completed");
    expect(validSignature(hook.secret, got!.headers, got!.body)).toBe(true);
    expect(validSignature("whsec_wrong", got!.headers, got!.body)).toBe(false);
    const body = JSON.parse(got!.body);
    expect(body).toMatchObject({ event: "query.completed", data: { query_id: mine.type === "result" ? mine.result.id : "", status: "completed", row_count: 2 } });

    await expect.poll(async () => (await listDeliveries(owner, hook.id))[0]?.status).toBe("delivered");
    const [log] = await listDeliveries(owner, hook.id);
    expect(log).toMatchObject({ event: "query.completed", attempts: 1, responseCode: 200 });
    expect(log!.latencyMs).toBeGreaterThanOrEqual(0);
    await expect(listDeliveries(other, hook.id)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const test = await testWebhook(owner, hook.id);
    expect(test).toMatchObject({ event: "webhook.test", status: "delivered", responseCode: 200 });
    expect(validSignature(hook.secret, receiver.received[1]!.headers, receiver.received[1]!.body)).toBe(true);
    await deleteWebhook(owner, hook.id);
    await receiver.close();
  });

  it("retries a failing receiver with backoff, then marks the delivery failed", async () => {
    setEnv({ QUARRY_WEBHOOK_ALLOW_PRIVATE: "true", QUARRY_WEBHOOK_MAX_ATTEMPTS: "3", QUARRY_WEBHOOK_RETRY_BASE_MS: "100" });
    const receiver = await loopbackReceiver(() => 503);
    const hook = await createWebhook(owner, { url: receiver.url, events: ["query.completed"] });
    await executeQuery(owner, { dataSourceId, sql: "SELECT 2 AS x" });
    await receiver.waitFor(3);
    await expect.poll(async () => (await listDeliveries(owner, hook.id))[0]?.status, { timeout: 10_000 }).toBe("failed");
    const [log] = await listDeliveries(owner, hook.id);
    expect(log).toMatchObject({ attempts: 3, responseCode: 503, error: "The receiver answered 503" });
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received).toHaveLength(3);
    // The same delivery id on every attempt, so the receiver can de-duplicate.
    expect(new Set(receiver.received.map((r) => r.headers["x-quarry-delivery"])).size).toBe(1);
    await receiver.close();
  });
});
