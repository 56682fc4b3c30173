import "server-only";
import type { DataSource } from "@prisma/client";
import type { Connector } from "../../connectors/types";
import { AppError, forbidden } from "../../errors";
import type { AnalyzedStatement, SqlAnalysis } from "../../sql";
import { analyzeSqlCached, checkReadPolicyCached, outsideDatabaseReasonsCached } from "../../sql/analysis-cache";
import type { Access } from "../access";
import type { SessionUser } from "../auth/session";
import { connectorFor } from "../datasources/connection";
import { dataSourceWithAccess } from "../datasources/crud";
import type { EngineName } from "../datasources/engines";

/**
 * The one gateway every path that touches a target database goes through (editor runs,
 * validation, export, share, NL→SQL, pipeline extractors): permission check, statement
 * classification by a real parser, and the decision read / needs-approval / refused.
 * Reads then run on the connector's read-only path, so even a misjudged statement
 * cannot write.
 */
export interface GatewayCheck {
  dataSource: DataSource;
  access: Access;
  analysis: Extract<SqlAnalysis, { ok: true }>;
  statement: AnalyzedStatement;
  connector: Connector;
}

export const MAX_SQL_LENGTH = 200_000;

export function analyzeOrThrow(sql: string, engine: EngineName): Extract<SqlAnalysis, { ok: true }> {
  if (!sql.trim()) throw new AppError("VALIDATION_ERROR", "The SQL is empty", { fields: [{ field: "sql", message: "required" }] });
  if (sql.length > MAX_SQL_LENGTH) {
    throw new AppError("VALIDATION_ERROR", `The SQL is longer than ${MAX_SQL_LENGTH} characters`, {
      fields: [{ field: "sql", message: "too long" }],
    });
  }
  const analysis = analyzeSqlCached(sql, engine); // shared and frozen: never mutate it
  if (!analysis.ok) {
    throw new AppError("QUERY_FAILED", `Syntax error: ${analysis.error.message}`, {
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

/** Loads the data source, checks read access and classifies the SQL. */
export async function inspect(user: SessionUser, dataSourceId: string, sql: string): Promise<GatewayCheck> {
  const { row: dataSource, access } = await dataSourceWithAccess(user, dataSourceId);
  const analysis = analyzeOrThrow(sql, dataSource.engine as EngineName);
  if (analysis.kind === "transaction") {
    throw new AppError(
      "QUERY_REJECTED",
      "Transaction control (BEGIN, COMMIT, ROLLBACK, SET TRANSACTION, ...) is not allowed; Quarry manages transactions",
    );
  }
  if (analysis.statements.length > 1) {
    throw new AppError(
      "QUERY_REJECTED",
      `Run one statement at a time (found ${analysis.statements.length}); select one and run the selection`,
    );
  }
  const check = { dataSource, access, analysis, statement: analysis.statements[0]!, connector: connectorFor(dataSource) };
  if (analysis.kind === "read") await assertReadAllowed(check);
  return check;
}

/**
 * The read-path function policy (sql/read-policy.ts) against the engine's own catalogue:
 * the reasons a read may not run, or none. A name the cached catalogue lacks gets one
 * look at a fresher catalogue before it is refused.
 */
export async function readPolicyReasons(connector: Connector, engine: EngineName, statement: AnalyzedStatement): Promise<string[]> {
  const catalog = connector.functionCatalog ? await connector.functionCatalog() : null;
  let verdict = checkReadPolicyCached(statement, engine, catalog);
  if (!verdict.ok && verdict.catalogMiss && connector.functionCatalog) {
    verdict = checkReadPolicyCached(statement, engine, await connector.functionCatalog({ refresh: true }));
  }
  return verdict.ok ? [] : verdict.reasons;
}

/** Every read, on every path (run, export, validate/EXPLAIN, ...), passes this before it reaches the database. */
export async function assertReadAllowed(check: Pick<GatewayCheck, "connector" | "dataSource" | "statement">): Promise<void> {
  const reasons = await readPolicyReasons(check.connector, check.dataSource.engine as EngineName, check.statement);
  if (reasons.length === 0) return;
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : "";
  throw new AppError("QUERY_REJECTED", `This read is refused because it could have side effects: ${reasons[0]}${more}`, {
    details: { reasons },
  });
}

/**
 * For paths that may only read (export, share, extractors, NL→SQL): anything that is
 * not a plain read is refused with a reason.
 */
export async function inspectRead(user: SessionUser, dataSourceId: string, sql: string): Promise<GatewayCheck> {
  const check = await inspect(user, dataSourceId, sql);
  if (check.analysis.kind !== "read") throw notAReadError(check);
  return check;
}

export function notAReadError(check: GatewayCheck): AppError {
  const { statement } = check;
  const why = statement.reasons.length ? `: ${statement.reasons.join("; ")}` : "";
  if (!check.access.canWrite) {
    return forbidden(`This ${statement.operation || "statement"} would change data${why}, and you may only read this data source`);
  }
  return new AppError("QUERY_REJECTED", `This ${statement.operation || "statement"} would change data${why}; it is not allowed here`);
}
