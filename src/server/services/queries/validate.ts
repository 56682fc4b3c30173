import "server-only";
import { analyzeSql } from "../../sql";
import type { SessionUser } from "../auth/session";
import { connectorFor } from "../datasources/connection";
import { getDataSourceRow } from "../datasources/crud";
import type { EngineName } from "../datasources/engines";
import { readPolicyReasons } from "./gateway";

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
export async function validateSql(user: SessionUser, dataSourceId: string, sql: string): Promise<Validation> {
  const row = await getDataSourceRow(user, dataSourceId);
  const analysis = analyzeSql(sql, row.engine as EngineName);
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
    const connector = connectorFor(row);
    // EXPLAIN (ANALYZE) runs what it explains: a read the policy refuses is never explained.
    const refused = await readPolicyReasons(connector, row.engine as EngineName, analysis.statements[0]!);
    errors.push(...refused.map((message) => ({ message: `Refused on the read path: ${message}` })));
    // EXPLAIN is an estimate; a failure to explain is a warning, not an invalid query.
    if (refused.length === 0) {
      try {
        estimatedRows = await connector.explainEstimate(analysis.statements[0]!.text);
      } catch (error) {
        errors.push({ message: (error as Error).message });
      }
    }
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
