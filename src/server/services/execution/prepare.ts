import "server-only";
import type { DataSource } from "@prisma/client";
import { AppError, forbidden, isAppError } from "../../errors";
import type { AnalyzedStatement } from "../../sql";
import { checkReadPolicyCached } from "../../sql/analysis-cache";
import type { Access } from "../access";
import { dataSourceWithAccess } from "../datasources/crud";
import type { EngineName } from "../datasources/engines";
import { requireActingUser, type Principal } from "../principal";
import { analyzeOrThrow, type Analysis } from "./analyze";
import { auditRefusal } from "./audit";
import { connectorFor } from "./connection";

/**
 * The first steps of the pipe for one statement: permission (the principal's grants on
 * the data source), analysis, and the read-path safety policy. What comes out names the
 * statement and what the principal may do with it, but holds no connector: running it
 * is `read`, `stream`, `explain` or `write`.
 */
export interface Prepared {
  principal: Principal;
  dataSource: DataSource;
  access: Access;
  analysis: Analysis;
  statement: AnalyzedStatement;
  sql: string;
}

export interface StatementInput {
  dataSourceId: string;
  sql: string;
}

/** Permission step: the data source, if the principal may read it (404 otherwise). */
export async function permission(principal: Principal, dataSourceId: string): Promise<{ dataSource: DataSource; access: Access }> {
  const { row, access } = await dataSourceWithAccess(requireActingUser(principal), dataSourceId);
  return { dataSource: row, access };
}

/**
 * Loads the data source, checks read access, classifies the SQL and, for reads, applies
 * the function policy. With `auditRefusal`, a statement refused here (read policy,
 * statements acting outside the database, transaction control) is recorded in the audit
 * trail though it never reaches a run record.
 */
export async function prepare(principal: Principal, input: StatementInput, options: { auditRefusal?: boolean } = {}): Promise<Prepared> {
  try {
    return await prepareStatement(principal, input);
  } catch (refused) {
    if (options.auditRefusal && isAppError(refused) && refused.code === "QUERY_REJECTED") {
      await auditRefusal(principal, input.dataSourceId, refused.message);
    }
    throw refused;
  }
}

async function prepareStatement(principal: Principal, input: StatementInput): Promise<Prepared> {
  const { dataSource, access } = await permission(principal, input.dataSourceId);
  const analysis = analyzeOrThrow(input.sql, dataSource.engine as EngineName);
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
  const prepared = { principal, dataSource, access, analysis, statement: analysis.statements[0]!, sql: input.sql };
  if (analysis.kind === "read") await assertReadAllowed(prepared);
  return prepared;
}

/**
 * The read-path function policy (sql/read-policy.ts) against the engine's own catalogue:
 * the reasons a read may not run, or none. A name the cached catalogue lacks gets one
 * look at a fresher catalogue before it is refused.
 */
export async function readPolicyReasons(dataSource: DataSource, statement: AnalyzedStatement): Promise<string[]> {
  const connector = connectorFor(dataSource);
  const engine = dataSource.engine as EngineName;
  const catalog = connector.functionCatalog ? await connector.functionCatalog() : null;
  let verdict = checkReadPolicyCached(statement, engine, catalog);
  if (!verdict.ok && verdict.catalogMiss && connector.functionCatalog) {
    verdict = checkReadPolicyCached(statement, engine, await connector.functionCatalog({ refresh: true }));
  }
  return verdict.ok ? [] : verdict.reasons;
}

/** Every read, on every path (run, export, validate/EXPLAIN, ...), passes this before it reaches the database. */
export async function assertReadAllowed(check: Pick<Prepared, "dataSource" | "statement">): Promise<void> {
  const reasons = await readPolicyReasons(check.dataSource, check.statement);
  if (reasons.length === 0) return;
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : "";
  throw new AppError("QUERY_REJECTED", `This read is refused because it could have side effects: ${reasons[0]}${more}`, {
    details: { reasons },
  });
}

/** For paths that may only read (export, share, extractors, NL→SQL). */
export async function prepareRead(principal: Principal, input: StatementInput): Promise<Prepared> {
  const prepared = await prepare(principal, input);
  if (prepared.analysis.kind !== "read") throw notAReadError(prepared);
  return prepared;
}

export function notAReadError(check: Pick<Prepared, "statement" | "access">): AppError {
  const { statement } = check;
  const why = statement.reasons.length ? `: ${statement.reasons.join("; ")}` : "";
  if (!check.access.canWrite) {
    return forbidden(`This ${statement.operation || "statement"} would change data${why}, and you may only read this data source`);
  }
  return new AppError("QUERY_REJECTED", `This ${statement.operation || "statement"} would change data${why}; it is not allowed here`);
}
