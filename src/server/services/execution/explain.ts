import "server-only";
import type { DataSource } from "@prisma/client";
import type { AnalyzedStatement } from "../../sql";
import type { EngineName } from "../datasources/engines";
import type { Principal } from "../principal";
import { connectorFor } from "./connection";
import { permission, readPolicyReasons } from "./prepare";
import { explainIfSafe, previewability, type Previewability } from "./previewable";

export interface ReadEstimate {
  /** Why the read path would refuse the statement (then nothing was explained). */
  refused: string[];
  estimatedRows: number | null;
  /** The engine could not explain it (a warning for the caller, not a refusal). */
  error: string | null;
}

/**
 * The planner's row estimate of a read, without running it: permission, then the read
 * policy (EXPLAIN (ANALYZE) runs what it explains, so a read the policy refuses is
 * never explained), then EXPLAIN.
 */
export async function explain(principal: Principal, target: string | { dataSource: DataSource }, statement: AnalyzedStatement): Promise<ReadEstimate> {
  // A data source from `execution.permission` has passed the permission step already.
  const { dataSource } = typeof target === "string" ? await permission(principal, target) : target;
  const refused = await readPolicyReasons(dataSource, statement);
  if (refused.length > 0) return { refused, estimatedRows: null, error: null };
  try {
    return { refused, estimatedRows: await connectorFor(dataSource).explainEstimate(statement.text), error: null };
  } catch (error) {
    return { refused, estimatedRows: null, error: (error as Error).message };
  }
}

export interface WriteAssessment {
  decision: Previewability;
  estimatedRows: number | null;
  /** The planner's plan (never EXPLAIN ANALYZE) where the statement cannot be dry-run but may be planned. */
  explainPlan: string | null;
}

const uninspectable = (): Previewability => ({ previewable: false, reason: "its tables could not be inspected", explainable: false });

/** Whether a write may be dry-run, from the catalogue as it is now; never runs the write. */
export function previewDecision(dataSource: DataSource, statement: AnalyzedStatement): Promise<Previewability> {
  return previewability(connectorFor(dataSource), statement, dataSource.engine as EngineName).catch(uninspectable);
}

/** The planner's plan where it is safe to ask for it, else null. */
export function planIfSafe(dataSource: DataSource, statement: AnalyzedStatement, decision: Previewability): Promise<string | null> {
  return explainIfSafe(connectorFor(dataSource), statement, decision);
}

/**
 * What an approval request is filed with: the preview decision, the planner's row
 * estimate (only where planning is safe) and, for statements that cannot be dry-run,
 * the plan. Only catalogue lookups and EXPLAIN without ANALYZE reach the database.
 */
export async function assessWrite(dataSource: DataSource, statement: AnalyzedStatement): Promise<WriteAssessment> {
  const connector = connectorFor(dataSource);
  const decision = await previewDecision(dataSource, statement);
  const plannable = decision.previewable || decision.explainable;
  let estimatedRows: number | null = null;
  if (plannable && connector.capabilities.explainEstimates && statement.kind === "write") {
    estimatedRows = await connector.explainEstimate(statement.text, { timeoutMs: 5000 }).catch(() => null);
  }
  return { decision, estimatedRows, explainPlan: await planIfSafe(dataSource, statement, decision) };
}
