import "server-only";
import { unauthorized } from "../errors";
import type { Session } from "../services/auth/session";

/**
 * The session itself, for the few auth routes that act on it (signing out revokes
 * this access token; changing the password keeps this client signed in). Every other
 * route acts through `principal`.
 */
export function requireSession(session: Session | null): Session {
  if (!session) throw unauthorized();
  return session;
}

