import "server-only";
import { decode } from "next-auth/jwt";
import { unauthorized } from "../errors";
import { getAuthSecret } from "../services/auth/secrets";
import { activeUserForToken, toSessionUser, type Session } from "../services/auth/session";
import { isRevoked } from "../services/auth/tokens";

const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return cookies;
}

/** next-auth splits large cookies into `.0`, `.1`, ... chunks. */
function sessionCookie(cookies: Map<string, string>): string | null {
  for (const name of COOKIE_NAMES) {
    const whole = cookies.get(name);
    if (whole) return whole;
    const chunks: string[] = [];
    for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
    if (chunks.length) return chunks.join("");
  }
  return null;
}

/** The UI session behind next-auth's cookie, or null when there is none. */
export async function sessionFromCookie(headers: Headers): Promise<Session | null> {
  const raw = sessionCookie(parseCookies(headers.get("cookie")));
  if (!raw) return null;
  const token = await decode({ token: raw, secret: getAuthSecret() }).catch(() => null);
  if (!token?.sub || typeof token.sid !== "string") return null;
  if (await isRevoked(token.sid)) throw unauthorized("The session was signed out");
  const issuedAt = new Date(typeof token.iat_ms === "number" ? token.iat_ms : 0);
  const user = await activeUserForToken(token.sub, issuedAt);
  const exp = typeof token.exp === "number" ? token.exp * 1000 : Date.now();
  return { user: toSessionUser(user), tokenId: token.sid, tokenExpiresAt: new Date(exp), via: "cookie" };
}
