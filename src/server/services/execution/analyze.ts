import "server-only";
import { AppError } from "../../errors";
import type { SqlAnalysis } from "../../sql";
import { analyzeSqlCached, outsideDatabaseReasonsCached } from "../../sql/analysis-cache";
import type { EngineName } from "../datasources/engines";

/** The analysis step of the pipe: one parse by a real parser, before anything reaches a database. */
export type Analysis = Extract<SqlAnalysis, { ok: true }>;

export const MAX_SQL_LENGTH = 200_000;

export function analyzeOrThrow(sql: string, engine: EngineName): Analysis {
  if (!sql.trim()) throw new AppError("VALIDATION_ERROR", "The SQL is empty", { fields: [{ field: "sql", message: "required" }] });
  if (sql.length > MAX_SQL_LENGTH) {
    throw new AppError("VALIDATION_ERROR", `The SQL is longer than ${MAX_SQL_LENGTH} characters`, {
      fields: [{ field: "sql", message: "too long" }],
    });
  }
  const analysis = analyzeSqlCached(sql, engine); // shared and frozen: never mutate it
  if (!analysis.ok) {
    throw new AppError("QUERY_FAILED", analysis.error.message, {
      details: { line: analysis.error.line, column: analysis.error.column, offset: analysis.error.offset },
    });
  }
  if (analysis.statements.length === 0) throw new AppError("VALIDATION_ERROR", "The SQL holds no statement");
  assertInsideDatabase(sql, engine);
  return analysis;
}

/**
 * Shell commands and server files (COPY ... PROGRAM, COPY to/from a path, INTO OUTFILE,
 * LOAD DATA INFILE, LOAD_FILE(), ...) are refused for everyone on every path: reads,
 * approval requests, previews and commits all analyse through here.
 */
export function assertInsideDatabase(sql: string, engine: EngineName): void {
  const reasons = outsideDatabaseReasonsCached(sql, engine);
  if (reasons.length === 0) return;
  throw new AppError("QUERY_REJECTED", `Quarry never runs statements that act outside the database: ${reasons.join("; ")}`, {
    details: { reasons },
  });
}

/** A stored approval request runs exactly one statement. */
export function singleStatement(sql: string, engine: EngineName) {
  const { statements } = analyzeOrThrow(sql, engine);
  if (statements.length !== 1) throw new AppError("QUERY_REJECTED", `A request runs exactly one statement (found ${statements.length})`);
  return statements[0]!;
}
