import "server-only";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { config } from "../../config";

/**
 * Reads a secret from the environment or from `<data dir>/keys/<name>`, creating the
 * file with a fresh random value (mode 0600) the first time. Never hard-coded, never
 * logged.
 */
export function loadOrCreateKey(name: string, envValue: string | undefined, bytes = 48): string {
  if (envValue) return envValue;
  const dir = config().keysDir;
  const file = path.join(dir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = randomBytes(bytes).toString("base64url");
  // "wx": if two processes start at once, the loser reads the winner's key.
  try {
    writeFileSync(file, value, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  } catch {
    return readFileSync(file, "utf8").trim();
  }
  return value;
}

/**
 * The keys folder is owner-only (0700) and every file in it 0600; run at start so
 * files left readable by an older version or a careless copy are fixed.
 */
export function secureKeysDir(): void {
  const dir = config().keysDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(path.join(dir, entry.name), 0o600);
  }
}

let authSecret: string | undefined;

/** The key that signs access/refresh JWTs and next-auth session cookies. */
export function getAuthSecret(): string {
  authSecret ??= loadOrCreateKey("auth-secret", config().QUARRY_AUTH_SECRET);
  return authSecret;
}
