import { expect } from "vitest";
import { AppError } from "@/server/errors";
import type { RunOptions } from "@/server/connectors/types";

/** What the three engines' result-cap tests share: run options, a row series, a failure probe. */
export const MB = 1024 * 1024;

/** A read with generous row/time limits and the given byte caps (50 MB result, 1 MB value by default). */
export const read = (extra: Partial<RunOptions> = {}): RunOptions => ({
  maxRows: 100_000,
  timeoutMs: 60_000,
  readOnly: true,
  maxBytes: 50 * MB,
  maxValueBytes: MB,
  ...extra,
});

/** `n` rows from a recursive CTE (MySQL/MariaDB and SQLite spelling). */
export const series = (n: number, select: string) =>
  `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${n}) SELECT ${select} FROM g`;

/** The AppError a call fails with; the test fails when the call succeeds or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}
