import "server-only";
import path from "node:path";
import { AppError } from "../errors";
import { describeConfig } from "./config";
import type { ConnectionConfig } from "./types";

export const timeoutError = (timeoutMs: number) =>
  new AppError("QUERY_FAILED", `Query exceeded the ${timeoutMs} ms timeout`, {
    details: { reason: "timeout", timeoutMs },
  });

export const cancelledError = () =>
  new AppError("QUERY_FAILED", "Query was cancelled", { details: { reason: "cancelled" } });

/** Driver errors sometimes echo connection parameters; never let the password through. */
export function scrub(message: string, password: string | undefined): string {
  if (!password || password.length < 3) return message;
  return message.split(password).join("********");
}

/** Node reports "localhost" failures as an AggregateError with an empty message. */
export function driverMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return [...new Set(err.errors.map(driverMessage))].join("; ");
  }
  if (err instanceof Error) return err.message || (err as { code?: string }).code || err.name;
  return String(err);
}

export function errorCode(err: unknown): string | undefined {
  if (err instanceof AggregateError) return errorCode(err.errors[0]);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * No `cause`: driver errors can carry the connection parameters, and causes end up
 * in logs.
 */
export function connectionFailed(config: ConnectionConfig, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const reason = scrub(driverMessage(err), config.password);
  // The user sees this: a SQLite file is named, not its server path.
  const shown = config.engine === "sqlite" ? { ...config, database: path.basename(config.database) } : config;
  return new AppError("CONNECTION_FAILED", `Could not connect to ${describeConfig(shown)}: ${reason}`, {
    details: { engine: config.engine, code: errorCode(err) },
  });
}

export function queryFailed(message: string, details: Record<string, unknown>, cause: unknown): AppError {
  return new AppError("QUERY_FAILED", message, { details, cause });
}
