import "server-only";
import { AppError, type FieldIssue } from "../errors";
import { redactDeep, redactServerPaths } from "../errors/redact";

/** The error with server paths taken out of everything the client will read. */
function redactedError(error: AppError): AppError {
  return new AppError(error.code, redactServerPaths(error.message), {
    details: redactDeep(error.details),
    fields: error.fields ? redactDeep(error.fields) : undefined,
    retryAfter: error.retryAfter,
  });
}

/**
 * The three error formats the seed documents promise. A route takes the format of the
 * earliest document (QueryBase, then ETL Builder, then InsightEngine) that lists it;
 * Analytics Assistant routes use InsightEngine's.
 */
export type ErrorFormat = "querybase" | "etl" | "insight";

/** QueryBase's lower-case labels per status. */
const queryBaseLabels: Record<number, string> = {
  400: "bad request",
  401: "unauthorized",
  403: "forbidden",
  404: "not found",
  405: "method not allowed",
  409: "conflict",
  413: "payload too large",
  415: "unsupported media type",
  422: "validation failed",
  429: "rate limit exceeded",
  500: "internal server error",
  503: "service unavailable",
};

export interface ErrorResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export function formatError(format: ErrorFormat, original: AppError): ErrorResponse {
  const error = redactedError(original);
  const status = error.status;
  const headers: Record<string, string> = {};
  if (error.retryAfter) headers["Retry-After"] = String(error.retryAfter);
  // A bug's message may carry internals; the client gets a generic sentence.
  const message = error.actor === "bug" ? "An error occurred while processing your request" : error.message;
  const fields: FieldIssue[] | undefined = error.fields?.length ? error.fields : undefined;
  switch (format) {
    case "querybase":
      return {
        status,
        headers,
        body: {
          error: queryBaseLabels[status] ?? "error",
          // QueryBase documents `details` as a sentence, or one {field, message} object for 422
          // (`fields` lists them all); structured facts such as an error position go in `context`.
          details: fields ? fields[0] : message,
          ...(error.details !== undefined && error.actor !== "bug" ? { context: error.details } : {}),
          ...(fields ? { fields, message } : {}),
          ...(error.code !== "VALIDATION_ERROR" ? { code: error.code } : {}),
        },
      };
    case "etl":
      return {
        status,
        headers,
        body: {
          detail: message,
          error_code: error.code,
          timestamp: new Date().toISOString(),
          ...(fields ? { errors: fields } : {}),
          ...(error.details !== undefined && error.actor !== "bug" ? { details: error.details } : {}),
        },
      };
    case "insight":
      return {
        status,
        headers,
        body: {
          error: {
            code: error.code,
            message,
            details: fields ?? (error.actor === "bug" ? [] : (error.details ?? [])),
          },
          // The Analytics Assistant's real frontend shows `detail` (FastAPI's own error key).
          detail: message,
        },
      };
  }
}
