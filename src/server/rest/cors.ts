import "server-only";
import { config } from "../config";

/**
 * Opt-in CORS for the REST API: the documents' own frontends run on their own origin
 * and call Quarry with a bearer token (and cookies where they keep one). Only origins
 * listed in QUARRY_CORS_ORIGINS get CORS headers; there is no wildcard, because the
 * answers are credentialed. Other origins get none, so browsers refuse to hand them the
 * answer (the request itself is still authenticated as usual).
 */
const ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOWED_HEADERS = "Authorization, Content-Type, Accept, X-Requested-With";
/** What a browser script may read besides the CORS-safelisted response headers. */
const EXPOSED_HEADERS = [
  "X-Total-Count", "X-Page", "X-Page-Size", "X-Total-Pages",
  "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
  "Retry-After", "Content-Disposition", "Allow",
].join(", ");

let cachedSetting: string | undefined;
let cachedOrigins = new Set<string>();

/** The configured origins, normalised the way browsers send `Origin` (no trailing slash, lower-case scheme and host). */
function allowedOrigins(): Set<string> {
  const setting = config().QUARRY_CORS_ORIGINS ?? "";
  if (setting !== cachedSetting) {
    cachedSetting = setting;
    cachedOrigins = new Set(
      setting.split(",").map((o) => o.trim()).filter(Boolean).flatMap((o) => {
        try {
          return [new URL(o).origin];
        } catch {
          return [];
        }
      }),
    );
  }
  return cachedOrigins;
}

export function isAllowedOrigin(origin: string | null): origin is string {
  return !!origin && origin !== "null" && allowedOrigins().has(origin);
}

/** Headers for an actual (non-preflight) response to `origin`; empty when it is not allowed. */
export function corsHeaders(origin: string | null): Record<string, string> {
  if (!isAllowedOrigin(origin)) return allowedOrigins().size ? { Vary: "Origin" } : {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Expose-Headers": EXPOSED_HEADERS,
    Vary: "Origin",
  };
}

/** A CORS preflight is an OPTIONS request naming the method it wants to send. */
export function isPreflight(method: string, headers: Headers): boolean {
  return method === "OPTIONS" && headers.has("origin") && headers.has("access-control-request-method");
}

/** The preflight answer's CORS headers: allowed methods and headers, cached for QUARRY_CORS_MAX_AGE. */
export function preflightHeaders(origin: string | null, requestedHeaders: string | null): Record<string, string> {
  if (!isAllowedOrigin(origin)) return corsHeaders(origin);
  return {
    ...corsHeaders(origin),
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    // Echo what the browser asks for when it is a plain list of header names; else the usual set.
    "Access-Control-Allow-Headers":
      requestedHeaders && /^[A-Za-z0-9\-, ]{1,500}$/.test(requestedHeaders) ? requestedHeaders : ALLOWED_HEADERS,
    "Access-Control-Max-Age": String(config().QUARRY_CORS_MAX_AGE),
    Vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
  };
}
