import "server-only";
import { db } from "../../db";
import { writeShape } from "../../sql/write-shape";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import type { EngineName } from "../datasources/engines";
import type { GatewayCheck } from "../queries/gateway";
import { reviewRisk } from "./risk";
import { approvalInclude, toApprovalView, type ApprovalView } from "./views";

/**
 * Files a write or DDL statement as an approval request after a rule review; nothing
 * runs against the data source except the planner's estimate (EXPLAIN without ANALYZE).
 */
export async function submitForApproval(user: SessionUser, check: GatewayCheck, sql: string): Promise<ApprovalView> {
  const engine = check.dataSource.engine as EngineName;
  const shape = writeShape(check.statement.text, engine);
  let estimatedRows: number | null = null;
  if (check.connector.capabilities.explainEstimates && check.analysis.kind === "write") {
    estimatedRows = await check.connector.explainEstimate(check.statement.text, { timeoutMs: 5000 }).catch(() => null);
  }
  const risk = reviewRisk(check.statement, shape, estimatedRows);
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
    },
    include: approvalInclude,
  });
  await recordAudit(
    { userId: user.id, label: user.email },
    {
      action: "request_approval",
      resourceType: "approval",
      resourceId: created.id,
      details: { dataSourceId: check.dataSource.id, operation: check.statement.operation, risk: risk.level },
    },
  );
  return toApprovalView(created);
}
