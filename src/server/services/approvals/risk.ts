import "server-only";
import type { AnalyzedStatement } from "../../sql";
import type { WriteShape } from "../../sql/write-shape";

export type RiskLevel = "low" | "medium" | "high";

export interface RiskReview {
  level: RiskLevel;
  reasons: string[];
}

/** Rows an approver should look twice at; ten times as many is high risk. */
export const ROW_THRESHOLD = Number(process.env.QUARRY_APPROVAL_ROW_THRESHOLD || 1000);

const rank: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/**
 * Rule-based review of a write before it is filed: missing WHERE, the engine's
 * estimate of affected rows, DDL that drops or rewrites tables, and a statement that
 * cannot be previewed (the approver decides without seeing its effect) raise the level.
 */
export function reviewRisk(
  statement: AnalyzedStatement,
  shape: WriteShape | null,
  estimatedRows: number | null,
  /** Why the statement will never be dry-run; such a request is high risk whatever else holds. */
  previewUnavailable: string | null = null,
): RiskReview {
  let level: RiskLevel = "low";
  const reasons: string[] = [];
  const raise = (to: RiskLevel, reason: string) => {
    if (rank[to] > rank[level]) level = to;
    reasons.push(reason);
  };
  const op = statement.operation.toUpperCase();

  if (shape && !shape.hasWhere) raise("high", `${shape.operation} without WHERE changes every row of ${shape.table}`);
  if (shape && !shape.singleTable) raise("medium", `${shape.operation} joins other tables`);
  if (/^(DROP|TRUNCATE)/.test(op)) raise("high", `${op.replace(/_/g, " ")} removes data irreversibly`);
  else if (/^(ALTER|RENAME)/.test(op)) raise("medium", `${op.replace(/_/g, " ")} rewrites a table's structure`);
  else if (statement.kind === "ddl") raise("low", `${op.replace(/_/g, " ")} changes the schema`);
  if (statement.kind === "other") raise("medium", `Not a plain data change: ${statement.reasons.join("; ") || op}`);
  if (estimatedRows !== null) {
    if (estimatedRows > ROW_THRESHOLD * 10) raise("high", `The engine estimates ${estimatedRows.toLocaleString("en")} affected rows`);
    else if (estimatedRows > ROW_THRESHOLD) raise("medium", `The engine estimates ${estimatedRows.toLocaleString("en")} affected rows`);
  }
  if (previewUnavailable) raise("high", `Cannot be previewed: ${previewUnavailable}`);
  if (reasons.length === 0) reasons.push(`${op || "Statement"} with a WHERE clause`);
  return { level, reasons };
}
