import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { validationFailed } from "../../errors";

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 256;

/** argon2id with the library's OWASP-aligned defaults. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A well-formed hash for timing-equal failures when the user does not exist. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash("quarry-timing-equaliser");
  return dummyHash;
}

export function assertPasswordPolicy(password: string, field = "password"): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw validationFailed([
      { field, message: `Password must be at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw validationFailed([
      { field, message: `Password must be at most ${MAX_PASSWORD_LENGTH} characters` },
    ]);
  }
}
