import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { config } from "../../config";
import { AppError } from "../../errors";
import { loadOrCreateKey } from "../auth/secrets";

/**
 * Encrypts data-source credentials at rest with AES-256-GCM. The key comes from
 * QUARRY_ENCRYPTION_KEY or a key file generated on first start
 * (`<data dir>/keys/encryption-key`). Ciphertexts carry a version prefix so the key
 * can be rotated later.
 */
const VERSION = "v1";

let key: Buffer | undefined;

function encryptionKey(): Buffer {
  // Any configured string is stretched to 32 bytes; the generated one already is random.
  key ??= createHash("sha256")
    .update(loadOrCreateKey("encryption-key", config().QUARRY_ENCRYPTION_KEY, 32))
    .digest();
  return key;
}

export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64url"), tag.toString("base64url"), body.toString("base64url")].join(":");
}

export function decryptSecret(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || body === undefined) {
    throw new AppError("INTERNAL", "A stored credential has an unknown format");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", encryptionKey(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "A stored credential cannot be decrypted: the encryption key changed. Restore QUARRY_ENCRYPTION_KEY or re-enter the password.",
    );
  }
}
