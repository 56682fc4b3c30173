import "server-only";
import { db } from "../../db";
import { writeShape } from "../../sql/write-shape";
import { publish } from "../../events/bus";
import { recordAudit } from "../audit";
import type { EngineName } from "../datasources/engines";
import { execution, type Prepared } from "../execution";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { statementDigest } from "./recheck";
import { reviewRisk } from "./risk";
import { approvalInclude, toApprovalView, type ApprovalView } from "./views";

/**
 * Files a write or DDL statement as an approval request after a rule review. Nothing
 * runs against the data source except catalogue lookups and, where it is safe (no code
 * we cannot vouch for), the planner (EXPLAIN without ANALYZE). A statement that cannot
 * be previewed is marked so, with the plan instead, and rated high risk.
 */
export async function submitForApproval(principal: Principal, check: Prepared, sql: string): Promise<ApprovalView> {
  const user = requireActingUser(principal);
  const engine = check.dataSource.engine as EngineName;
  const shape = writeShape(check.statement.text, engine);
  const { decision, estimatedRows, explainPlan } = await execution.assessWrite(check.dataSource, check.statement);
  const unavailable = decision.previewable ? null : decision.reason;
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
  await recordAudit(auditActorOf(principal), {
    action: "request_approval",
    resourceType: "approval",
    resourceId: created.id,
    details: { dataSourceId: check.dataSource.id, operation: check.statement.operation, risk: risk.level, previewUnavailable: unavailable },
  });
  publish("approval.submitted", created.id, { approvalId: created.id, userId: user.id });
  return toApprovalView(created);
}
