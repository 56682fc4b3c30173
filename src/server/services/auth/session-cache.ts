import "server-only";
import { invalidate, registerCache } from "../../cache";
import type { Session } from "./session";

/**
 * Bearer sessions resolved in the last moments, per access token: resolving one costs two
 * app-database reads (revocation list, user row), on every API request. An entry lives
 * at most TTL_MS and never past the token's expiry, and every in-process change that can
 * end or alter a session (token revoked, sessions signed out, user updated, deactivated
 * or deleted) drops them all, so logout and revocation take effect on the next request.
 * A lookup that overlapped such a change is not stored (the generation moved on).
 * With several processes the drop goes to all of them over the bus (src/server/cache).
 */
const TTL_MS = 2000;
const MAX_ENTRIES = 10_000;

const entries = new Map<string, { session: Session; until: number }>();
let generation = 0;

export function cachedSession(token: string): Session | null {
  const hit = entries.get(token);
  if (!hit) return null;
  if (hit.until <= Date.now()) {
    entries.delete(token);
    return null;
  }
  return hit.session;
}

export const sessionGeneration = (): number => generation;

export function rememberSession(token: string, session: Session, lookedUpAt: number): void {
  if (lookedUpAt !== generation) return;
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(token, { session, until: Math.min(Date.now() + TTL_MS, session.tokenExpiresAt.getTime()) });
}

registerCache("sessions", () => {
  generation++;
  entries.clear();
});

/** Call after any committed change to users or revocations (clears this process at once, then the others). */
export function forgetCachedSessions(): void {
  invalidate("sessions");
}
