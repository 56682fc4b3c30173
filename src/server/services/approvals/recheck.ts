import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { DataSource } from "@prisma/client";
import { db } from "../../db";
import { AppError, conflict, forbidden } from "../../errors";
import type { AnalyzedStatement } from "../../sql";
import { accessTo } from "../access";
import { loadOrCreateKey } from "../auth/secrets";
import { toSessionUser, type SessionUser } from "../auth/session";
import { findUserById } from "../auth/users";
import type { EngineName } from "../datasources/engines";
import { execution, type Previewability } from "../execution";
import { assertApprover } from "./review";
import type { LoadedApproval } from "./views";

/**
 * Commit re-enters the pipe's checks: what was true when the request was filed and approved
 * is checked again just before it runs, because grants, data sources, the statement's
 * classification and the tables' storage can all change in between (or the app
 * database can be edited). Any mismatch stops the commit before anything runs, and the
 * request keeps its status so an admin can see and decide.
 */

let digestKey: string | undefined;

/** Binds a request to the data source, engine, SQL and classification it was filed with. */
export function statementDigest(input: { dataSourceId: string; engine: string; sql: string; kind: string; operation: string }): string {
  digestKey ??= loadOrCreateKey("approval-digest-key", process.env.QUARRY_APPROVAL_DIGEST_KEY);
  return createHmac("sha256", digestKey)
    .update([input.dataSourceId, input.engine, input.kind, input.operation, input.sql].join("\u0000"))
    .digest("base64url");
}

function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The request still names the data source, engine, SQL and classification it was filed with. */
export function assertUnchanged(approval: LoadedApproval, dataSource: DataSource): void {
  if (!approval.statementDigest) {
    throw conflict("This request was filed before requests were bound to their statement; it was not run. File it again.");
  }
  const digest = statementDigest({
    dataSourceId: dataSource.id,
    engine: dataSource.engine,
    sql: approval.sql,
    kind: approval.kind,
    operation: approval.operation,
  });
  if (!sameDigest(approval.statementDigest, digest)) throw changed("The request's statement, data source or classification changed");
}

export interface CommitCheck {
  dataSource: DataSource;
  engine: EngineName;
  statement: AnalyzedStatement;
  decision: Previewability;
}

const changed = (what: string) =>
  new AppError("CONFLICT", `${what} since it was approved; it was not run. File it again so it is reviewed as it is now.`);

/** Throws (403/409/QUERY_REJECTED) unless `committer` may commit `approval` as it stands now. */
export async function recheckForCommit(committer: SessionUser, approval: LoadedApproval): Promise<CommitCheck> {
  const dataSource = await db.dataSource.findUnique({ where: { id: approval.dataSourceId } });
  if (!dataSource) throw conflict("The data source of this request no longer exists; it was not run");

  const requester = await findUserById(approval.requestedById);
  if (!requester || !requester.isActive) throw forbidden("The requester's account is no longer active; the request was not run");
  if (!(await accessTo(toSessionUser(requester), dataSource.id)).canWrite) {
    throw forbidden("The requester may no longer write to this data source; the request was not run");
  }
  if (committer.id !== approval.requestedById) await assertApprover(committer, approval);

  const engine = dataSource.engine as EngineName;
  assertUnchanged(approval, dataSource);

  const analysis = execution.analyze(approval.sql, engine);
  if (analysis.statements.length !== 1) {
    throw new AppError("QUERY_REJECTED", `A request runs exactly one statement (found ${analysis.statements.length})`);
  }
  const statement = analysis.statements[0]!;
  if (statement.kind !== approval.kind || statement.operation !== approval.operation) {
    throw changed(`The statement is now classified as ${statement.operation} (${statement.kind}), not ${approval.operation} (${approval.kind})`);
  }

  const reviews = approval.reviews.filter((r) => r.reviewerId !== approval.requestedById);
  if (reviews.some((r) => r.decision === "rejected")) throw conflict("This request was rejected");
  const approvals = reviews.filter((r) => r.decision === "approved").length;

  const decision = await execution.previewDecision(dataSource, statement);
  if (!decision.previewable && approval.previewUnavailableReason === null) {
    throw changed(`It can no longer be previewed (${decision.reason})`);
  }
  // A statement nobody could dry-run is high risk: the data source's two-approval rule applies as it is set now.
  const required = Math.max(approval.requiredApprovals, !decision.previewable && dataSource.twoApprovalsForHighRisk ? 2 : 1);
  if (approvals < required) throw conflict(`This request needs ${required} approvals and has ${approvals}`);
  return { dataSource, engine, statement, decision };
}
