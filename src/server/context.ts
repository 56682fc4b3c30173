import "server-only";
import { AppError } from "./errors";
import { bearerFrom, sessionFromBearer, type Session } from "./services/auth/session";
import type { ClientMeta } from "./services/auth/tokens";
import { sessionFromCookie } from "./auth/next-auth-session";

/**
 * What every procedure knows about its caller. Resolving the session never throws:
 * a bad token is kept as `sessionError` and raised only by procedures that need a
 * signed-in user, so public procedures still answer.
 */
export interface Context {
  session: Session | null;
  sessionError: AppError | null;
  meta: ClientMeta;
  /** The raw bearer token, when one was sent (refresh-by-bearer uses it). */
  bearerToken: string | null;
}

/** The header server.mjs sets from the socket; client-sent values are dropped there. */
export const CLIENT_IP_HEADER = "x-quarry-client-ip";

export function clientMeta(headers: Headers): ClientMeta {
  return {
    ip: headers.get(CLIENT_IP_HEADER) ?? "",
    userAgent: headers.get("user-agent") ?? "",
  };
}

export async function createContext(
  headers: Headers,
  options: { allowCookie: boolean },
): Promise<Context> {
  const meta = clientMeta(headers);
  let bearerToken: string | null = null;
  try {
    bearerToken = bearerFrom(headers);
    if (bearerToken) {
      return { session: await sessionFromBearer(bearerToken), sessionError: null, meta, bearerToken };
    }
    if (options.allowCookie) {
      return { session: await sessionFromCookie(headers), sessionError: null, meta, bearerToken };
    }
    return { session: null, sessionError: null, meta, bearerToken };
  } catch (error) {
    if (error instanceof AppError) return { session: null, sessionError: error, meta, bearerToken };
    throw error;
  }
}
