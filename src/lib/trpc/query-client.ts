import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";

/** Retrying cannot fix a 4xx (bad input, no permission, signed out); it only delays the message. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof TRPCClientError) {
    const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
    if (status !== undefined && status >= 400 && status < 500) return false;
  }
  return failureCount < 2;
}

/** Where a user who must turn on two-factor sign-in first does so. */
export const MFA_ENROLL_PATH = "/settings/security";

/** The API refused because the organisation requires two-factor sign-in and it is not on yet. */
export function needsMfaEnrollment(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const details = (error.data as { details?: { reason?: unknown } } | undefined)?.details;
  return details?.reason === "mfa_enrollment_required";
}

/** Any query or mutation so refused sends the browser to enrol (once; not from that page). */
function routeToEnrollment(error: unknown): void {
  if (typeof window === "undefined" || !needsMfaEnrollment(error)) return;
  if (window.location.pathname !== MFA_ENROLL_PATH) window.location.assign(MFA_ENROLL_PATH);
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: routeToEnrollment }),
    mutationCache: new MutationCache({ onError: routeToEnrollment }),
    defaultOptions: {
      queries: { staleTime: 30_000, retry: shouldRetry, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/**
 * One QueryClient per browser tab, so the cache survives navigation; on the server
 * every render gets a fresh one, so no user's data is cached for the next request.
 */
export function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
