import "server-only";
import { z } from "zod";
import { AppError, type ErrorCode } from "../errors";
import { formatError, type ErrorFormat } from "./formats";
import type { RestRoute } from "./route";
import { restRoutes } from "./table";

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the REST table
 * validates with and answers with, so the docs cannot drift from the behaviour
 * (openapi-walk.test.ts sends a request to every operation and validates the real
 * answer against this document).
 */
const errorSchemas: Record<ErrorFormat, object> = {
  querybase: {
    type: "object",
    description: "QueryBase error format",
    properties: {
      error: { type: "string", example: "not found" },
      details: { description: "A sentence, or for 422 the first offending field as {field, message}" },
      fields: { type: "array", items: { $ref: "#/components/schemas/FieldIssue" } },
      message: { type: "string" },
      code: { type: "string" },
      context: { description: "Structured facts, e.g. an error position" },
    },
    required: ["error", "details"],
  },
  etl: {
    type: "object",
    description: "ETL Builder error format",
    properties: {
      detail: { type: "string" },
      error_code: { type: "string", example: "NOT_FOUND" },
      timestamp: { type: "string", format: "date-time" },
      errors: { type: "array", items: { $ref: "#/components/schemas/FieldIssue" } },
      details: {},
    },
    required: ["detail", "error_code", "timestamp"],
  },
  insight: {
    type: "object",
    description: "InsightEngine / Analytics Assistant error format (`detail` repeats the message for the Analytics Assistant's frontend)",
    properties: {
      error: {
        type: "object",
        properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
        required: ["code", "message", "details"],
      },
      detail: { type: "string" },
    },
    required: ["error", "detail"],
  },
};

const fieldIssueSchema = {
  type: "object",
  properties: { field: { type: "string" }, message: { type: "string" } },
  required: ["field", "message"],
};

/** Each error status every route may answer, why, and a sample error for its example. */
const errorStatuses: Record<number, { description: string; code: ErrorCode; message: string }> = {
  400: { description: "Bad request: a malformed body or path, or a statement or connection the database refused", code: "BAD_REQUEST", message: "The request body is not valid JSON" },
  401: { description: "Missing, invalid, expired or revoked token (or wrong credentials)", code: "UNAUTHORIZED", message: "Sign in first: missing or invalid authorization token" },
  403: { description: "Not allowed: role, data-source permission, query policy or a pending two-factor enrollment", code: "FORBIDDEN", message: "You do not have permission to do this" },
  404: { description: "No such resource, or one the caller may not see (an unknown data-source id is never a fallback)", code: "NOT_FOUND", message: "Data source 3f2a was not found" },
  405: { description: "Method not allowed on this path (see the Allow header)", code: "BAD_REQUEST", message: "PATCH is not allowed on this path" },
  409: { description: "Conflict with the current state (a taken name, a changed row count, a run in progress)", code: "CONFLICT", message: "A data source with that name already exists" },
  413: { description: "Request body larger than QUARRY_MAX_BODY_BYTES", code: "PAYLOAD_TOO_LARGE", message: "The request body is too large" },
  415: { description: "Body neither JSON nor form-encoded", code: "UNSUPPORTED_MEDIA_TYPE", message: "Send JSON or form-encoded data" },
  422: { description: "Validation failed; lists the offending fields", code: "VALIDATION_ERROR", message: "Invalid request body" },
  429: { description: "Rate limit or daily quota exceeded (see Retry-After)", code: "RATE_LIMITED", message: "Rate limit exceeded" },
  500: { description: "Internal error (details are logged, not sent)", code: "INTERNAL", message: "An error occurred while processing your request" },
  503: { description: "A service Quarry needs is unavailable", code: "SERVICE_UNAVAILABLE", message: "The job queue is unavailable" },
};

/** The error statuses a route can answer: what the adapter and the services can throw on it. */
export function errorStatusesOf(route: RestRoute): number[] {
  const statuses = [400, 404, 405, 422, 500, 503];
  const hasBody = route.method !== "GET" && route.method !== "DELETE";
  if (hasBody) statuses.push(413, 415);
  if (route.method !== "GET") statuses.push(409);
  // Signed-in routes, and the public sign-in routes (wrong password, lockout, MFA).
  if (route.auth === "user" || route.path.startsWith("/auth/")) statuses.push(401, 403, 429);
  return [...new Set(statuses)].sort((a, b) => a - b);
}

/**
 * zod's JSON Schema for one body: without the top-level `$schema` (an embedded schema
 * carrying one makes common OpenAPI tools skip validation) and with ids stripped.
 */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  return stripSchemaKeys(json) as Record<string, unknown>;
}

function stripSchemaKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSchemaKeys);
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "$schema" || key === "$id") continue;
    out[key] = stripSchemaKeys(inner);
  }
  return out;
}

export const operationId = (route: RestRoute) =>
  `${route.method.toLowerCase()}_${route.path.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "")}`;

function errorResponse(route: RestRoute, status: number) {
  const info = errorStatuses[status]!;
  const example = formatError(route.format, new AppError(info.code, info.message)).body as Record<string, unknown>;
  if (route.format === "etl") example.timestamp = "2026-01-29T12:00:00.000Z";
  return {
    description: info.description,
    content: {
      "application/json": {
        schema: { $ref: `#/components/schemas/Error_${route.format}` },
        example,
      },
    },
  };
}

function successResponse(route: RestRoute) {
  if (route.produces) {
    return {
      description: "Success (a download)",
      content: Object.fromEntries(route.produces.map((type) => [type, { schema: { type: "string" } }])),
    };
  }
  return {
    description: "Success",
    ...(route.response ? { content: { "application/json": { schema: jsonSchema(route.response, "output") } } } : {}),
  };
}

function operation(route: RestRoute) {
  const pathParams = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string", maxLength: m[1] === "table_name" ? 300 : 100 },
  }));
  const queryParams = route.query ? queryParameters(route.query) : [];
  const bodySchema = route.body ? jsonSchema(route.body, "input") : undefined;
  const bodyExample = route.exampleBody !== undefined ? { example: route.exampleBody } : {};
  const responses: Record<string, unknown> = { [String(route.successStatus ?? 200)]: successResponse(route) };
  for (const [status, other] of Object.entries(route.otherResponses ?? {})) {
    responses[status] = {
      description: other.description,
      ...(other.schema ? { content: { "application/json": { schema: jsonSchema(other.schema, "output") } } } : {}),
    };
  }
  for (const status of errorStatusesOf(route)) responses[String(status)] ??= errorResponse(route, status);
  return {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.tag],
    description:
      `The tRPC procedure \`${route.procedure}\` offers the same operation (both call the same service). Errors use the ${route.format} format.` +
      (route.addition ? ` Not in the API documents: ${route.addition}.` : ""),
    security: route.auth === "user" ? [{ bearerAuth: [] }] : [],
    parameters: [...pathParams, ...queryParams],
    ...(bodySchema
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: bodySchema, ...bodyExample },
              ...(route.path === "/auth/login" ? { "application/x-www-form-urlencoded": { schema: bodySchema } } : {}),
            },
          },
        }
      : {}),
    responses,
  };
}

function queryParameters(schema: z.ZodType) {
  const json = jsonSchema(schema, "input") as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

export function openApiDocument(routes: RestRoute[] = restRoutes) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `/api/v1${route.path.replace(/:([A-Za-z_]+)/g, "{$1}")}`;
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Quarry API",
      version: "1.0.0",
      description:
        "Quarry's REST API. It mirrors the QueryBase, ETL Builder, InsightEngine and Analytics Assistant API documents; each route answers errors in the format of the document it comes from. Lists also send X-Total-Count, X-Page, X-Page-Size and X-Total-Pages; signed-in routes send X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        FieldIssue: fieldIssueSchema,
        ...Object.fromEntries(Object.entries(errorSchemas).map(([k, v]) => [`Error_${k}`, v])),
      },
    },
  };
}
