import "server-only";
import type { z } from "zod";
import type { Session } from "../services/auth/session";
import type { ClientMeta } from "../services/auth/tokens";
import type { UserPrincipal } from "../services/principal";
import type { ErrorFormat } from "./formats";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * What a route's handler gets. Handlers call services directly with `principal`; the
 * `body`/`query` schemas of the row were the one validation.
 */
export interface RestCall<B, Q> {
  /** The signed-in caller, built once by the adapter. Reading it on a public route without a session is 401. */
  principal: UserPrincipal;
  body: B;
  query: Q;
  params: Record<string, string>;
  headers: Headers;
  session: Session | null;
  /** The client's address and user agent (sign-in and the audit trail record them). */
  meta: ClientMeta;
  /** The raw bearer token, when one was sent (refresh-by-bearer uses it). */
  bearerToken: string | null;
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
 * One row of the REST table: which documented route, which service it calls (inside
 * `handle`), how its response is shaped and which error format it speaks.
 * `body`/`query` schemas validate the REST spelling (422 with fields on failure) and
 * feed the OpenAPI document; `response` documents the success body.
 */
export interface RestRoute<B = unknown, Q = unknown> {
  method: HttpMethod;
  /** Relative to /api/v1, with `:param` placeholders. */
  path: string;
  format: ErrorFormat;
  auth: "public" | "user";
  /**
   * The tRPC procedure that offers the same operation (both call the same service), for
   * the OpenAPI document and the table's completeness test; REST never calls it.
   */
  procedure: string;
  summary: string;
  tag: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  response?: z.ZodType;
  successStatus?: number;
  /**
   * Other answers this route gives besides `successStatus` and the error statuses every
   * route shares (e.g. 202 for a write sent for approval, 503 from /health), each with
   * its body schema, for the OpenAPI document.
   */
  otherResponses?: Record<number, { description: string; schema?: z.ZodType }>;
  /** Non-JSON success bodies (downloads): their media types, for the OpenAPI document. */
  produces?: string[];
  /** A request body the OpenAPI document shows as the example (and the walker test sends). */
  exampleBody?: unknown;
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
