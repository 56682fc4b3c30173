import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { sessionFromCookie } from "@/server/auth/next-auth-session";
import { isAppError } from "@/server/errors";
import type { Session } from "@/server/services/auth/session";

/**
 * The signed-in user behind next-auth's cookie, once per request (layout and page
 * share it). A revoked session or a deactivated account counts as signed out: the
 * person gets the sign-in page, not an error page.
 */
export const currentSession = cache(async (): Promise<Session | null> => {
  try {
    return await sessionFromCookie(await headers());
  } catch (error) {
    if (isAppError(error)) return null;
    throw error;
  }
});

export function loginUrl(callbackUrl: string): string {
  return `/login?callbackUrl=${encodeURIComponent(callbackUrl)}`;
}

/**
 * For pages: layouts cannot see the URL, so each signed-in page names its own path
 * and the visitor comes back to it after signing in.
 */
export async function requireSession(path: string): Promise<Session> {
  const session = await currentSession();
  if (!session) redirect(loginUrl(path));
  return session;
}

/** Only same-origin paths: an open redirect after sign-in would be a phishing tool. */
export function safeCallbackUrl(raw: string | string[] | undefined, fallback = "/editor"): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return fallback;
  let url: URL;
  try {
    url = new URL(value, "http://quarry.invalid");
  } catch {
    return fallback;
  }
  // Absolute URLs (next-auth sends its own that way) keep only their path.
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/login") || path.startsWith("/api/")) {
    return fallback;
  }
  return path;
}
