import "server-only";
import { db } from "../../db";
import { writeShape } from "../../sql/write-shape";
import { publish } from "../../events/bus";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import type { EngineName } from "../datasources/engines";
import type { GatewayCheck } from "../queries/gateway";
import { explainIfSafe, previewability, type Previewability } from "./previewable";
import { statementDigest } from "./recheck";
import { reviewRisk } from "./risk";
import { approvalInclude, toApprovalView, type ApprovalView } from "./views";

/**
 * Files a write or DDL statement as an approval request after a rule review. Nothing
 * runs against the data source except catalogue lookups and, where it is safe (no code
 * we cannot vouch for), the planner (EXPLAIN without ANALYZE). A statement that cannot
 * be previewed is marked so, with the plan instead, and rated high risk.
 */
export async function submitForApproval(user: SessionUser, check: GatewayCheck, sql: string): Promise<ApprovalView> {
  const engine = check.dataSource.engine as EngineName;
  const shape = writeShape(check.statement.text, engine);
  const decision = await previewability(check.connector, check.statement, engine).catch(
    (): Previewability => ({ previewable: false, reason: "its tables could not be inspected", explainable: false }),
  );
  const plannable = decision.previewable || decision.explainable;
  let estimatedRows: number | null = null;
  if (plannable && check.connector.capabilities.explainEstimates && check.analysis.kind === "write") {
    estimatedRows = await check.connector.explainEstimate(check.statement.text, { timeoutMs: 5000 }).catch(() => null);
  }
  const unavailable = decision.previewable ? null : decision.reason;
  const explainPlan = await explainIfSafe(check.connector, check.statement, decision);
  const risk = reviewRisk(check.statement, shape, estimatedRows, unavailable);
  const created = await db.approvalRequest.create({
    data: {
      dataSourceId: check.dataSource.id,
      requestedById: user.id,
      sql,
      kind: check.analysis.kind,
      operation: check.statement.operation,
      riskLevel: risk.level,
      riskReasons: JSON.stringify(risk.reasons),
      estimatedRows,
      requiredApprovals: risk.level === "high" && check.dataSource.twoApprovalsForHighRisk ? 2 : 1,
      previewUnavailableReason: unavailable,
      explainPlan,
      statementDigest: statementDigest({
        dataSourceId: check.dataSource.id,
        engine,
        sql,
        kind: check.analysis.kind,
        operation: check.statement.operation,
      }),
    },
    include: approvalInclude,
  });
  await recordAudit(
    { userId: user.id, label: user.email },
    {
      action: "request_approval",
      resourceType: "approval",
      resourceId: created.id,
      details: { dataSourceId: check.dataSource.id, operation: check.statement.operation, risk: risk.level, previewUnavailable: unavailable },
    },
  );
  publish("approval.submitted", created.id, { approvalId: created.id, userId: user.id });
  return toApprovalView(created);
}
