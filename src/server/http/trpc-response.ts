import "server-only";
import type { TRPCError } from "@trpc/server";
import { AppError } from "../errors";
import { SECURITY_HEADERS } from "./security-headers";

/**
 * Headers for every /api/trpc answer: the security headers, and `Retry-After` when a
 * call was refused for its rate limit (tRPC answers those with HTTP 429).
 */
export function trpcResponseMeta({ errors }: { errors: TRPCError[] }): { headers: Headers } {
  const headers = new Headers(SECURITY_HEADERS);
  const retryAfter = Math.max(
    0,
    ...errors.map((e) => (e.cause instanceof AppError && e.cause.code === "RATE_LIMITED" ? (e.cause.retryAfter ?? 0) : 0)),
  );
  if (retryAfter > 0) headers.set("Retry-After", String(retryAfter));
  return { headers };
}
