import "server-only";
import type { z } from "zod";
import type { createCaller } from "../routers/_app";
import type { Session } from "../services/auth/session";
import type { ErrorFormat } from "./formats";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Caller = ReturnType<typeof createCaller>;

export interface RestCall<B, Q> {
  caller: Caller;
  body: B;
  query: Q;
  params: Record<string, string>;
  headers: Headers;
  session: Session | null;
}

export interface Paging {
  page: number;
  pageSize: number;
  total: number;
}

/** What a route hands back: the documented body, and optionally status, headers, paging. */
export interface RestResult {
  /** JSON-serialised, unless it is a `ReadableStream` (downloads), sent as is. */
  body: unknown;
  status?: number;
  headers?: Record<string, string>;
  paging?: Paging;
}

/**
 * One row of the REST table: which documented route, which tRPC procedure it calls
 * (inside `handle`), how its response is shaped and which error format it speaks.
 * `body`/`query` schemas validate the REST spelling (422 with fields on failure) and
 * feed the OpenAPI document; `response` documents the success body.
 */
export interface RestRoute<B = unknown, Q = unknown> {
  method: HttpMethod;
  /** Relative to /api/v1, with `:param` placeholders. */
  path: string;
  format: ErrorFormat;
  auth: "public" | "user";
  /** The tRPC procedure this route maps to, for docs and the completeness test. */
  procedure: string;
  summary: string;
  tag: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  response?: z.ZodType;
  successStatus?: number;
  /**
   * Why Quarry answers a route no API document names (e.g. polling a job); the
   * routes.tsv check accepts only undocumented routes that say why.
   */
  addition?: string;
  /** `query`: the route runs SQL and spends the per-user query budget instead. */
  rateLimit?: "api" | "query";
  handle: (call: RestCall<B, Q>) => Promise<RestResult>;
}

/** Keeps each row's body/query types tied to its handler. */
export function defineRoute<B = undefined, Q = undefined>(route: RestRoute<B, Q>): RestRoute {
  return route as unknown as RestRoute;
}
