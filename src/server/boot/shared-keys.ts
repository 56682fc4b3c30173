import "server-only";
import { createHash } from "node:crypto";
import { appDatabaseProvider } from "../config/app-database";
import { config } from "../config";
import { db } from "../db";
import { isUniqueViolation } from "../errors/prisma";
import { redisUrl } from "../redis";
import { loadOrCreateKey } from "../services/auth/secrets";

/**
 * Keys every process of one Quarry must share: tokens signed by one web process are
 * checked by another, credentials encrypted by one are decrypted by a worker, approval
 * digests are recomputed at commit. One process may generate them into its data dir;
 * several cannot (each machine would generate its own).
 *
 * - Several processes (REDIS_URL set, or QUARRY_ROLE web/worker): each key must come from
 *   the environment, or start-up stops with the names to set.
 * - Shared app state (PostgreSQL, or Redis): the first process records a fingerprint of
 *   each key in app state (SHA-256 of a labelled key: not reversible, never the key);
 *   a process whose keys differ refuses to start and says which one. To rotate a key,
 *   stop every process, delete the AppSetting row `keys.fingerprints`, start them with the new key.
 */
const KEYS = [
  { label: "signing secret", env: "QUARRY_AUTH_SECRET", file: "auth-secret", bytes: 48 },
  { label: "encryption key", env: "QUARRY_ENCRYPTION_KEY", file: "encryption-key", bytes: 32 },
  { label: "approval digest key", env: "QUARRY_APPROVAL_DIGEST_KEY", file: "approval-digest-key", bytes: 48 },
] as const;

export const FINGERPRINTS_SETTING = "keys.fingerprints";

export class SharedKeysError extends Error {}

export function severalProcesses(): boolean {
  return Boolean(redisUrl()) || config().QUARRY_ROLE !== "all";
}

export function sharedAppState(): boolean {
  return Boolean(redisUrl()) || appDatabaseProvider() === "postgresql";
}

const fingerprint = (name: string, value: string) => createHash("sha256").update(`quarry-key-fingerprint\u0000${name}\u0000${value}`).digest("hex");

export async function assertSharedKeys(): Promise<void> {
  if (severalProcesses()) {
    const missing = KEYS.filter((k) => !process.env[k.env]);
    if (missing.length) {
      throw new SharedKeysError(
        `Several Quarry processes share this deployment (REDIS_URL or QUARRY_ROLE is set), so every process needs the same keys ` +
          `from its environment; set ${missing.map((k) => k.env).join(", ")} (e.g. \`openssl rand -base64 48\`) for every web process and worker.`,
      );
    }
  }
  if (!sharedAppState()) return;
  const mine = Object.fromEntries(KEYS.map((k) => [k.env, fingerprint(k.env, loadOrCreateKey(k.file, process.env[k.env], k.bytes))]));
  let stored = await db.appSetting.findUnique({ where: { key: FINGERPRINTS_SETTING } });
  if (!stored) {
    try {
      stored = await db.appSetting.create({ data: { key: FINGERPRINTS_SETTING, value: JSON.stringify(mine) } });
    } catch (error) {
      // Another process started at the same moment and recorded its keys first.
      if (!isUniqueViolation(error)) throw error;
      stored = await db.appSetting.findUniqueOrThrow({ where: { key: FINGERPRINTS_SETTING } });
    }
  }
  const recorded = JSON.parse(stored.value) as Record<string, string>;
  const differ = KEYS.filter((k) => recorded[k.env] && recorded[k.env] !== mine[k.env]);
  if (differ.length) {
    throw new SharedKeysError(
      `This process's ${differ.map((k) => `${k.label} (${k.env})`).join(", ")} differ from the one(s) the other Quarry processes on this ` +
        `app database use; start every process with the same values (to rotate, see the README's "Scaling out").`,
    );
  }
  const added = KEYS.filter((k) => !recorded[k.env]);
  if (added.length) {
    await db.appSetting.update({ where: { key: FINGERPRINTS_SETTING }, data: { value: JSON.stringify({ ...recorded, ...mine }) } });
  }
}
