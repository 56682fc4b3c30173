import "server-only";

/**
 * The one error type Quarry throws on purpose. Every code has a fixed HTTP status,
 * tRPC code and "who must act": the user (fix the input), the environment (a database
 * or network is down) or a bug (ours). Routers and REST formats map from this table
 * only; nothing else invents statuses.
 */
export const errorCodes = {
  BAD_REQUEST: { status: 400, trpc: "BAD_REQUEST", actor: "user" },
  VALIDATION_ERROR: { status: 422, trpc: "UNPROCESSABLE_CONTENT", actor: "user" },
  UNAUTHORIZED: { status: 401, trpc: "UNAUTHORIZED", actor: "user" },
  FORBIDDEN: { status: 403, trpc: "FORBIDDEN", actor: "user" },
  NOT_FOUND: { status: 404, trpc: "NOT_FOUND", actor: "user" },
  CONFLICT: { status: 409, trpc: "CONFLICT", actor: "user" },
  PAYLOAD_TOO_LARGE: { status: 413, trpc: "PAYLOAD_TOO_LARGE", actor: "user" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, trpc: "UNSUPPORTED_MEDIA_TYPE", actor: "user" },
  RATE_LIMITED: { status: 429, trpc: "TOO_MANY_REQUESTS", actor: "user" },
  QUERY_REJECTED: { status: 403, trpc: "FORBIDDEN", actor: "user" },
  QUERY_FAILED: { status: 400, trpc: "BAD_REQUEST", actor: "user" },
  CONNECTION_FAILED: { status: 400, trpc: "BAD_REQUEST", actor: "environment" },
  SERVICE_UNAVAILABLE: { status: 503, trpc: "SERVICE_UNAVAILABLE", actor: "environment" },
  INTERNAL: { status: 500, trpc: "INTERNAL_SERVER_ERROR", actor: "bug" },
} as const;

export type ErrorCode = keyof typeof errorCodes;
export type ErrorActor = (typeof errorCodes)[ErrorCode]["actor"];

/** A field-level problem, as the seeds' validation errors list them. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  details?: unknown;
  fields?: FieldIssue[];
  /** Seconds until a retry may succeed (rate limits, lockouts). */
  retryAfter?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly fields?: FieldIssue[];
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.fields = options.fields;
    this.retryAfter = options.retryAfter;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  get actor(): ErrorActor {
    return errorCodes[this.code].actor;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Shorthands so call sites read as sentences: `throw notFound("data source", id)`. */
export const notFound = (what: string, id?: string) =>
  new AppError("NOT_FOUND", id ? `${what} ${id} was not found` : `${what} was not found`);
export const forbidden = (message = "You do not have permission to do this") =>
  new AppError("FORBIDDEN", message);
export const unauthorized = (message = "Sign in first: missing or invalid authorization token") =>
  new AppError("UNAUTHORIZED", message);
export const conflict = (message: string, details?: unknown) =>
  new AppError("CONFLICT", message, { details });
export const badRequest = (message: string, details?: unknown) =>
  new AppError("BAD_REQUEST", message, { details });
export const validationFailed = (fields: FieldIssue[], message = "Validation failed") =>
  new AppError("VALIDATION_ERROR", message, { fields });
