import "server-only";

/**
 * Headers every Quarry response carries, pages and APIs alike. Nothing of Quarry is
 * meant to be framed (share links open as their own page), so framing is refused
 * outright, which also stops click-jacking of the approval and admin screens.
 *
 * next.config.mjs sends the same set for every path Next serves; the API handlers
 * also add them so a response is covered however it is produced (Next does not
 * duplicate a header the config already set). security-headers.test.ts keeps the two
 * lists equal.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Security-Policy": "frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
});

/** Sets the security headers on `headers` where the response did not set its own. */
export function withSecurityHeaders(headers: Headers): Headers {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!headers.has(name)) headers.set(name, value);
  }
  return headers;
}
