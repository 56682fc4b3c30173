import "server-only";
import { Prisma } from "@prisma/client";
import { AppError } from ".";

/**
 * A Prisma "known request error" from either app-state client. The PostgreSQL client is
 * generated separately (src/server/db) and has its own error classes, so `instanceof`
 * against @prisma/client's alone would miss its errors.
 */
export function isPrismaKnownError(error: unknown): error is Prisma.PrismaClientKnownRequestError {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError ||
    (error instanceof Error && error.name === "PrismaClientKnownRequestError" && typeof (error as { code?: unknown }).code === "string")
  );
}

/** A unique constraint refused the write (P2002). */
export const isUniqueViolation = (error: unknown) => isPrismaKnownError(error) && error.code === "P2002";

/**
 * App-database errors that a request's input caused, turned into the AppError a user
 * can act on (the backstop for services that did not check first): a foreign key to a
 * row that does not exist is 404, a unique clash 409, a value the column cannot hold
 * 422. Anything else stays a bug. Prisma's own messages are never passed on: they name
 * tables, columns and sometimes server paths.
 */
export function fromPrismaError(error: unknown): AppError | null {
  if (!isPrismaKnownError(error)) return null;
  switch (error.code) {
    case "P2003":
      return new AppError("NOT_FOUND", "A record this request refers to does not exist", { cause: error });
    case "P2025":
    case "P2015":
    case "P2018":
      return new AppError("NOT_FOUND", "The record was not found", { cause: error });
    case "P2002":
      return new AppError("CONFLICT", "A record with these values already exists", { cause: error });
    case "P2000":
    case "P2005":
    case "P2006":
    case "P2007":
    case "P2011":
    case "P2012":
    case "P2019":
    case "P2020":
    case "P2023":
      return new AppError("VALIDATION_ERROR", "A value is missing, too long or out of range", { cause: error });
    default:
      return null;
  }
}

/**
 * A transaction that lost a serialization race (PostgreSQL's 40001 under SERIALIZABLE):
 * Prisma reports it as P2034, or through a driver adapter as a DriverAdapterError whose
 * cause is `TransactionWriteConflict`.
 */
export function isWriteConflict(error: unknown): boolean {
  if (isPrismaKnownError(error)) return error.code === "P2034";
  const cause = (error as { name?: string; cause?: { kind?: string; originalCode?: string } } | null)?.cause;
  return (error as { name?: string } | null)?.name === "DriverAdapterError" && (cause?.kind === "TransactionWriteConflict" || cause?.originalCode === "40001");
}
