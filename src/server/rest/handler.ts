import "server-only";
import { z, ZodError } from "zod";
import { config } from "../config";
import { createContext } from "../context";
import { AppError, isAppError, unauthorized, validationFailed, type FieldIssue } from "../errors";
import { fromPrismaError } from "../errors/prisma";
import { SECURITY_HEADERS } from "../http/security-headers";
import { assertCleanInput } from "../http/clean-input";
import { readBody, type BodySource } from "./body";
import { corsHeaders, isPreflight, preflightHeaders } from "./cors";
import { aliasDataSourceIds } from "./data-source-ids";
import { formatError, type ErrorFormat } from "./formats";
import { allowedAt, RouteMatcher } from "./match";
import { pagingHeaders } from "./pagination";
import { userPrincipal, type UserPrincipal } from "../services/principal";
import { consumePrincipalRequest } from "../services/rate-limit";
import { assertMfaSatisfied } from "../services/settings/mfa-gate";
import { RateLimitedError, rateLimitHeaders } from "./rate-limit";
import type { RestRoute } from "./route";
import { restRoutes } from "./table";

export const API_PREFIX = "/api/v1";
const FORMAT_PRECEDENCE: ErrorFormat[] = ["querybase", "etl", "insight"];

const matcher = new RouteMatcher(restRoutes);

/**
 * For paths no route matches: the format of the documents that own that prefix.
 * Prefixes of documented areas not built yet are listed so their 404s already speak
 * their document's format.
 */
const formatByPrefix = new Map<string, ErrorFormat>([
  ["pipelines", "etl"],
  ["executions", "etl"],
  ["modules", "etl"],
  ["metadata", "insight"],
  ["ai-providers", "insight"],
  ["templates", "insight"],
  ["search", "insight"],
  ["analytics", "insight"],
  ["settings", "insight"],
  ["webhooks", "insight"],
  ["schedules", "insight"],
  ["chat", "insight"],
  ["tokens", "insight"],
]);
for (const route of restRoutes) {
  const prefix = route.path.split("/")[1] ?? "";
  const current = formatByPrefix.get(prefix);
  if (!current || FORMAT_PRECEDENCE.indexOf(route.format) < FORMAT_PRECEDENCE.indexOf(current)) {
    formatByPrefix.set(prefix, route.format);
  }
}

/**
 * The REST adapter: match the route, authenticate (building the caller's principal
 * once), rate-limit, validate the REST body and query (the one validation), call the
 * route's handler, which calls services directly, and shape the answer. It holds no
 * business logic and never goes through tRPC.
 */
/** Methods the table can hold; anything else (TRACE, CONNECT, made-up ones) is 405 everywhere. */
const TABLE_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const MAX_PATH_LENGTH = 2048;

/**
 * A request as the adapter needs it, whatever carried it: a Web `Request` (the Next
 * route, tests) or node's own req (node-server.ts, which skips building Web objects on
 * the hot path).
 */
export interface RestRequest extends BodySource {
  /** Absolute URL. */
  url: string;
}

/** The adapter's answer before any transport: a JSON value is serialised once, by the transport. */
export interface RestReply {
  status: number;
  headers: Record<string, string>;
  /** A JSON text, a stream (downloads), or none (204). */
  body: string | ReadableStream<Uint8Array> | null;
}

export async function handleRestRequest(request: Request): Promise<Response> {
  return toResponse(await handleRest(request));
}

export function toResponse(reply: RestReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

export async function handleRest(request: RestRequest): Promise<RestReply> {
  const reply = await answer(request);
  const origin = request.headers.get("origin");
  const cors = isPreflight(request.method.toUpperCase(), request.headers)
    ? preflightHeaders(origin, request.headers.get("access-control-request-headers"))
    : corsHeaders(origin);
  for (const name of Object.keys(cors)) reply.headers[name] = cors[name]!;
  return reply;
}

async function answer(request: RestRequest): Promise<RestReply> {
  const url = new URL(request.url);
  const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) || "/" : url.pathname;
  const method = request.method === "HEAD" ? "GET" : request.method.toUpperCase();
  const fallbackFormat = formatByPrefix.get(path.split("/")[1] ?? "") ?? "querybase";
  if (!TABLE_METHODS.has(method) && method !== "OPTIONS") {
    return methodNotAllowed(fallbackFormat, method, path, allowedMethods(path));
  }

  let found: ReturnType<RouteMatcher["match"]>;
  try {
    if (path.length > MAX_PATH_LENGTH) throw new AppError("BAD_REQUEST", "The request path is too long");
    found = matcher.match(method, path);
  } catch (error) {
    return errorResponse(fallbackFormat, isAppError(error) ? error : new AppError("BAD_REQUEST", "Bad request path"));
  }
  if (method === "OPTIONS") {
    if (!found) return errorResponse(fallbackFormat, new AppError("NOT_FOUND", `No API route at ${API_PREFIX}${path}`));
    return json(null, 204, { Allow: allowHeader(allowedMethods(path)) });
  }
  if (!found) return errorResponse(fallbackFormat, new AppError("NOT_FOUND", `No API route ${method} ${API_PREFIX}${path}`));
  if ("allowed" in found) return methodNotAllowed(fallbackFormat, method, path, found.allowed);

  const { route, params } = found;
  let headers: Record<string, string> = {};
  try {
    const ctx = await createContext(request.headers, { allowCookie: false });
    const principal = ctx.session ? userPrincipal(ctx.session.user, ctx.meta.ip) : null;
    if (route.auth === "user") {
      if (!principal) throw ctx.sessionError ?? unauthorized();
      // This request pays once, here.
      headers = rateLimitHeaders(await consumePrincipalRequest(principal, route.rateLimit ?? "api"));
      // While two-factor sign-in is required and not yet on, only enrolling is allowed
      // (the same rule, by procedure name, as tRPC's authed middleware).
      await assertMfaSatisfied(principal.user.id, route.procedure);
    }
    const rawBody = (await readBody(request, config().QUARRY_MAX_BODY_BYTES)) ?? {};
    const rawQuery = queryObject(url.searchParams);
    assertCleanInput(rawBody, "body");
    assertCleanInput(rawQuery, "query");
    aliasDataSourceIds(rawBody, "body");
    aliasDataSourceIds(rawQuery, "query");
    const body = await validated(route.body, rawBody, "body");
    const query = await validated(route.query, rawQuery, "query");
    assertParams(params);
    const result = await route.handle({
      get principal(): UserPrincipal {
        if (!principal) throw ctx.sessionError ?? unauthorized();
        return principal;
      },
      body,
      query,
      params,
      headers: request.headers,
      session: ctx.session,
      meta: ctx.meta,
      bearerToken: ctx.bearerToken,
    });
    const allHeaders = { ...headers, ...(result.paging ? pagingHeaders(result.paging) : {}), ...result.headers };
    return json(result.body, result.status ?? route.successStatus ?? 200, allHeaders);
  } catch (error) {
    if (error instanceof RateLimitedError) headers = rateLimitHeaders(error.state);
    return errorResponse(route.format, toAppError(error, route), headers);
  }
}

/**
 * For methods Next itself will not route (TRACE, CONNECT, WebDAV verbs, made-up ones):
 * server.mjs answers them through this, so they get 405 in the route's format too.
 * Paths outside /api/v1 get a plain JSON 405.
 */
export function unsupportedMethodResponse(method: string, pathname: string): Response {
  if (pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`)) {
    const path = pathname.slice(API_PREFIX.length) || "/";
    return toResponse(methodNotAllowed(formatByPrefix.get(path.split("/")[1] ?? "") ?? "querybase", method, path, allowedMethods(path)));
  }
  const body = { error: { code: "METHOD_NOT_ALLOWED", message: "This method is not allowed" } };
  return toResponse(json(body, 405, { Allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" }));
}

/**
 * For paths Next cannot decode (it answers a bare 500 before any route runs):
 * server.mjs answers them through this, 400 in the route's format under /api/v1.
 */
export function undecodablePathResponse(pathname: string): Response {
  const error = new AppError("BAD_REQUEST", "The request path is not valid percent-encoded UTF-8");
  if (pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`)) {
    const path = pathname.slice(API_PREFIX.length) || "/";
    return toResponse(errorResponse(formatByPrefix.get(path.split("/")[1] ?? "") ?? "querybase", error));
  }
  return toResponse(json({ error: { code: "BAD_REQUEST", message: error.message } }, 400, {}));
}

/** The methods some route serves at `path` (HEAD and OPTIONS come with GET / any). */
function allowedMethods(path: string): string[] {
  try {
    return allowedAt(matcher, path);
  } catch {
    return [];
  }
}

const allowHeader = (methods: string[]) =>
  [...new Set([...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"])].join(", ");

function methodNotAllowed(format: ErrorFormat, method: string, path: string, allowed: string[]): RestReply {
  const shown = /^[A-Z-]{1,20}$/.test(method) ? method : "This method";
  return errorResponse(
    format,
    new AppError("BAD_REQUEST", `${shown} is not allowed on ${API_PREFIX}${path}`),
    { Allow: allowed.join(", ") },
    405,
  );
}

async function validated(schema: z.ZodType | undefined, value: unknown, where: "body" | "query") {
  if (!schema) return value;
  const parsed = await schema.safeParseAsync(value);
  if (parsed.success) return parsed.data;
  throw validationFailed(fieldIssues(parsed.error), `Invalid request ${where}`);
}

/**
 * Path parameters are ids (at most 100 characters), or a table name (300): longer ones
 * are refused before any service looks them up.
 */
const PARAM_MAX: Record<string, number> = { table_name: 300 };
function assertParams(params: Record<string, string>): void {
  const issues = Object.entries(params)
    .filter(([name, value]) => value.length > (PARAM_MAX[name] ?? 100))
    .map(([name]) => ({ field: name, message: `at most ${PARAM_MAX[name] ?? 100} characters` }));
  if (issues.length) throw validationFailed(issues, "Invalid request path");
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length > 1 ? values : values[0]!;
  }
  return out;
}

export function fieldIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
}

function toAppError(error: unknown, route: RestRoute): AppError {
  if (isAppError(error)) return error;
  if (error instanceof ZodError) return validationFailed(fieldIssues(error));
  const fromDb = fromPrismaError(error);
  if (fromDb) return fromDb;
  // A bug: log it with its stack for operators; the client sees a generic message.
  console.error(`[rest] ${route.method} ${route.path} failed:`, error);
  return new AppError("INTERNAL", "Internal error", { cause: error });
}

function errorResponse(
  format: ErrorFormat,
  error: AppError,
  extraHeaders: Record<string, string> = {},
  status?: number,
): RestReply {
  const formatted = formatError(format, error);
  return json(formatted.body, status ?? formatted.status, { ...extraHeaders, ...formatted.headers });
}

function json(body: unknown, status: number, headers: Record<string, string>): RestReply {
  const all = { ...SECURITY_HEADERS, ...headers };
  if (status === 204) return { status, headers: all, body: null };
  if (body instanceof ReadableStream) return { status, headers: all, body };
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...all },
    body: JSON.stringify(body),
  };
}
