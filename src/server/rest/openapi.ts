import "server-only";
import { z } from "zod";
import type { ErrorFormat } from "./formats";
import type { RestRoute } from "./route";
import { restRoutes } from "./table";

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the REST table
 * validates with, so the docs cannot drift from the behaviour.
 */
const errorSchemas: Record<ErrorFormat, object> = {
  querybase: {
    type: "object",
    description: "QueryBase error format",
    properties: { error: { type: "string", example: "not found" }, details: {} },
    required: ["error"],
  },
  etl: {
    type: "object",
    description: "ETL Builder error format",
    properties: {
      detail: { type: "string" },
      error_code: { type: "string", example: "NOT_FOUND" },
      timestamp: { type: "string", format: "date-time" },
    },
    required: ["detail", "error_code", "timestamp"],
  },
  insight: {
    type: "object",
    description: "InsightEngine / Analytics Assistant error format",
    properties: {
      error: {
        type: "object",
        properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
        required: ["code", "message"],
      },
    },
    required: ["error"],
  },
};

function jsonSchema(schema: z.ZodType, io: "input" | "output"): object {
  return z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });
}

function operation(route: RestRoute) {
  const pathParams = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const queryParams = route.query ? queryParameters(route.query) : [];
  const error = (description: string) => ({
    description,
    content: { "application/json": { schema: { $ref: `#/components/schemas/Error_${route.format}` } } },
  });
  return {
    operationId: `${route.method.toLowerCase()}_${route.path.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "")}`,
    summary: route.summary,
    tags: [route.tag],
    description: `The tRPC procedure \`${route.procedure}\` offers the same operation (both call the same service). Errors use the ${route.format} format.`,
    security: route.auth === "user" ? [{ bearerAuth: [] }] : [],
    parameters: [...pathParams, ...queryParams],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: jsonSchema(route.body, "input") },
              ...(route.path === "/auth/login"
                ? { "application/x-www-form-urlencoded": { schema: jsonSchema(route.body, "input") } }
                : {}),
            },
          },
        }
      : {}),
    responses: {
      [String(route.successStatus ?? 200)]: {
        description: "Success",
        content: route.response ? { "application/json": { schema: jsonSchema(route.response, "output") } } : undefined,
      },
      ...(route.auth === "user" ? { "401": error("Missing, invalid, expired or revoked token") } : {}),
      "422": error("Validation failed; lists the offending fields"),
      "429": error("Rate limit exceeded"),
    },
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
    info: {
      title: "Quarry API",
      version: "1.0.0",
      description:
        "Quarry's REST API. It mirrors the QueryBase, ETL Builder, InsightEngine and Analytics Assistant API documents; each route answers errors in the format of the document it comes from.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: Object.fromEntries(Object.entries(errorSchemas).map(([k, v]) => [`Error_${k}`, v])),
    },
  };
}
