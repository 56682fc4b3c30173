import "server-only";
import type { Prisma } from "@prisma/client";
import { appDatabaseProvider } from "../config/app-database";

/**
 * "Contains, ignoring case" for search boxes, the same on both app databases: SQLite's
 * LIKE ignores ASCII case by itself, PostgreSQL's only with `mode: "insensitive"` (which
 * the SQLite client's types do not know, hence the cast).
 */
export function containsText(value: string): Prisma.StringFilter {
  const filter = appDatabaseProvider() === "postgresql" ? { contains: value, mode: "insensitive" } : { contains: value };
  return filter as unknown as Prisma.StringFilter;
}
