import "server-only";
import { analyzeSql } from "../../sql";
import type { EngineName } from "../datasources/engines";
import { execution } from "../execution";
import type { Principal } from "../principal";

export interface Validation {
  isValid: boolean;
  kind: string | null;
  operation: string | null;
  tables: string[];
  errors: { message: string; line?: number; column?: number }[];
  warnings: string[];
  estimatedRows: number | null;
}

/** Parses and classifies without running; asks the engine's EXPLAIN for a row estimate on reads. */
export async function validateSql(principal: Principal, dataSourceId: string, sql: string): Promise<Validation> {
  const allowed = await execution.permission(principal, dataSourceId);
  const analysis = analyzeSql(sql, allowed.dataSource.engine as EngineName);
  if (!analysis.ok) {
    return {
      isValid: false,
      kind: null,
      operation: null,
      tables: [],
      errors: [{ message: analysis.error.message, line: analysis.error.line, column: analysis.error.column }],
      warnings: [],
      estimatedRows: null,
    };
  }
  const warnings = [...analysis.warnings];
  const errors: Validation["errors"] = [];
  if (analysis.kind === "transaction") errors.push({ message: "Transaction control is not allowed" });
  if (analysis.statements.length > 1) warnings.push(`${analysis.statements.length} statements: run one at a time`);
  if (analysis.kind !== "read") warnings.push("This statement changes data: it will need an approved request");
  let estimatedRows: number | null = null;
  if (analysis.kind === "read" && analysis.statements.length === 1) {
    const estimate = await execution.explain(principal, allowed, analysis.statements[0]!);
    errors.push(...estimate.refused.map((message) => ({ message: `Refused on the read path: ${message}` })));
    // EXPLAIN is an estimate; a failure to explain is reported, but nothing ran.
    if (estimate.error) errors.push({ message: estimate.error });
    estimatedRows = estimate.estimatedRows;
  }
  return {
    isValid: errors.length === 0,
    kind: analysis.kind,
    operation: analysis.statements[0]?.operation ?? null,
    tables: analysis.tables,
    errors,
    warnings,
    estimatedRows,
  };
}
