import { afterEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { db } from "@/server/db";
import { assertSharedKeys, FINGERPRINTS_SETTING, SharedKeysError } from "./shared-keys";

/**
 * Several processes must run on the same keys. REDIS_URL marks a multi-process
 * deployment here (nothing connects to it in these checks).
 */
const KEYS = { QUARRY_AUTH_SECRET: "a".repeat(40), QUARRY_ENCRYPTION_KEY: "b".repeat(40), QUARRY_APPROVAL_DIGEST_KEY: "c".repeat(40) };
const saved = { ...process.env };

afterEach(async () => {
  process.env = { ...saved };
  resetConfigForTests();
  await db.appSetting.deleteMany({ where: { key: FINGERPRINTS_SETTING } });
});

describe("shared keys", () => {
  it("refuses several processes without the keys in the environment, naming the missing ones", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:6379";
    process.env.QUARRY_AUTH_SECRET = KEYS.QUARRY_AUTH_SECRET;
    const refusal = assertSharedKeys();
    await expect(refusal).rejects.toBeInstanceOf(SharedKeysError);
    await expect(refusal).rejects.toThrow(/QUARRY_ENCRYPTION_KEY, QUARRY_APPROVAL_DIGEST_KEY/);
  });

  it("records the first process's key fingerprints and refuses a process on different keys, naming which", async () => {
    Object.assign(process.env, { REDIS_URL: "redis://127.0.0.1:6379", ...KEYS });
    await assertSharedKeys();
    const stored = await db.appSetting.findUniqueOrThrow({ where: { key: FINGERPRINTS_SETTING } });
    // Fingerprints, never the keys.
    for (const value of Object.values(KEYS)) expect(stored.value).not.toContain(value);
    await assertSharedKeys(); // the same keys again: fine
    process.env.QUARRY_ENCRYPTION_KEY = "d".repeat(40);
    const refusal = assertSharedKeys();
    await expect(refusal).rejects.toThrow(/encryption key \(QUARRY_ENCRYPTION_KEY\)/);
    await expect(refusal).rejects.not.toThrow(/QUARRY_AUTH_SECRET/);
  });

  it("a lone process may generate its keys; on shared (PostgreSQL) app state they are still fingerprinted", async () => {
    delete process.env.REDIS_URL;
    delete process.env.QUARRY_AUTH_SECRET;
    await assertSharedKeys();
    const recorded = await db.appSetting.findUnique({ where: { key: FINGERPRINTS_SETTING } });
    if (process.env.DATABASE_URL?.startsWith("postgres")) expect(recorded).not.toBeNull();
    else expect(recorded).toBeNull();
  });
});
