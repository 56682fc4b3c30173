import "server-only";
import type { Pipeline, PipelineVersion } from "@prisma/client";
import { db } from "../../db";
import { AppError, conflict, forbidden, notFound } from "../../errors";
import { publish } from "../../events/bus";
import { accessTo } from "../access";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { loadPipeline } from "./crud";
import { graphOf } from "./graph";
import type { PipelineGraph } from "./types";

/**
 * Writes never run unreviewed, pipelines included: a version whose loaders write into
 * data sources (the `database` loader) runs only once someone who may approve changes on
 * every one of those sources said yes, and never on its author's own word. A first run
 * of such a version files the request (and is refused until it is decided); the answer
 * holds for that version only, so any change to the graph asks again. File loaders write
 * outside every data source and need no approval.
 */
export type ApprovalState = "not_required" | "not_requested" | "pending" | "approved" | "rejected";

export interface PipelineApprovalView {
  pipeline_id: string;
  pipeline_name: string;
  version: number;
  required: boolean;
  status: ApprovalState;
  /** The data sources this version writes to, with what it does to each table. */
  targets: { data_source_id: string; data_source_name: string; node_id: string; table: string; mode: string }[];
  owner_id: string;
  owner_name: string | null;
  requested_by: string | null;
  requested_by_name: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  comment: string;
  /** What the nodes do, so an approver can judge without opening the canvas. */
  nodes: { id: string; type: string; module: string; summary: string }[];
}

interface Target {
  dataSourceId: string;
  nodeId: string;
  table: string;
  mode: string;
}

/** The data-source writes of a graph (database loaders), in node order. */
export function writeTargets(config: unknown): Target[] {
  return targetsOf(graphOf(config));
}

function targetsOf(graph: PipelineGraph): Target[] {
  return graph.nodes
    .filter((n) => n.type === "loader" && n.module === "database" && typeof n.config.connection_id === "string")
    .map((n) => ({ dataSourceId: n.config.connection_id as string, nodeId: n.id, table: String(n.config.table ?? ""), mode: String(n.config.mode ?? "append") }));
}

/** What a run does, without what only the canvas shows (positions, labels). */
function runShape(config: unknown): string {
  const g = graphOf(config);
  return JSON.stringify({
    nodes: g.nodes.map((n) => ({ id: n.id, type: n.type, module: n.module, config: n.config })),
    edges: g.edges.map((e) => ({ source: e.source, target: e.target, targetHandle: e.targetHandle ?? null })),
  });
}

/**
 * The approval a new version inherits from the one it replaces: kept when the run it
 * describes is the same (a rename, a moved node, a new tag), dropped when anything that
 * runs changed.
 */
export function carriedApproval(previous: PipelineVersion | null, nextConfig: unknown) {
  if (!previous?.approvalStatus || previous.approvalStatus === "rejected") return {};
  if (runShape(JSON.parse(previous.config)) !== runShape(nextConfig)) return {};
  return {
    approvalStatus: previous.approvalStatus,
    approvalRequestedById: previous.approvalRequestedById,
    approvalDecidedById: previous.approvalDecidedById,
    approvalDecidedAt: previous.approvalDecidedAt,
    approvalComment: previous.approvalComment,
  };
}

const stateOf = (targets: Target[], version: PipelineVersion): ApprovalState =>
  targets.length === 0 ? "not_required" : ((version.approvalStatus as ApprovalState | null) ?? "not_requested");

async function currentVersion(pipeline: Pipeline): Promise<PipelineVersion> {
  const version = await db.pipelineVersion.findUnique({ where: { pipelineId_version: { pipelineId: pipeline.id, version: pipeline.version } } });
  if (!version) throw notFound(`version ${pipeline.version} of pipeline`, pipeline.id);
  return version;
}

function summary(node: { module: string; config: Record<string, unknown> }): string {
  const c = node.config;
  // What an approver must read to judge the write: the SQL that shapes the rows first.
  if (typeof c.query === "string") return c.query;
  if (typeof c.sql === "string") return c.sql;
  if (typeof c.bucket === "string") return `s3://${c.bucket}/${String(c.key ?? "")}`;
  if (typeof c.table === "string") return `${String(c.mode ?? "append")} into ${c.table}`;
  if (typeof c.path === "string") return String(c.path);
  return node.module;
}

async function view(pipeline: Pipeline, version: PipelineVersion): Promise<PipelineApprovalView> {
  const graph = graphOf(JSON.parse(version.config));
  const targets = targetsOf(graph);
  const sourceIds = [...new Set(targets.map((t) => t.dataSourceId))];
  const userIds = [pipeline.ownerId, version.approvalRequestedById, version.approvalDecidedById].filter((id): id is string => Boolean(id));
  const [sources, users] = await Promise.all([
    db.dataSource.findMany({ where: { id: { in: sourceIds } }, select: { id: true, name: true } }),
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, fullName: true, username: true, email: true } }),
  ]);
  const sourceName = new Map(sources.map((s) => [s.id, s.name]));
  const userName = new Map(users.map((u) => [u.id, u.fullName || u.username || u.email]));
  const nameOf = (id: string | null) => (id ? (userName.get(id) ?? null) : null);
  return {
    pipeline_id: pipeline.id,
    pipeline_name: pipeline.name,
    version: version.version,
    required: targets.length > 0,
    status: stateOf(targets, version),
    targets: targets.map((t) => ({ data_source_id: t.dataSourceId, data_source_name: sourceName.get(t.dataSourceId) ?? "(deleted data source)", node_id: t.nodeId, table: t.table, mode: t.mode })),
    owner_id: pipeline.ownerId,
    owner_name: nameOf(pipeline.ownerId),
    requested_by: version.approvalRequestedById,
    requested_by_name: nameOf(version.approvalRequestedById),
    decided_by: version.approvalDecidedById,
    decided_by_name: nameOf(version.approvalDecidedById),
    decided_at: version.approvalDecidedAt?.toISOString() ?? null,
    comment: version.approvalComment,
    nodes: graph.nodes.map((n) => ({ id: n.id, type: n.type, module: n.module, summary: summary(n) })),
  };
}

/** The approval state of the pipeline's current version (owner or admin). */
export async function pipelineApproval(principal: Principal, pipelineId: string): Promise<PipelineApprovalView> {
  const pipeline = await loadPipeline(principal, pipelineId);
  return view(pipeline, await currentVersion(pipeline));
}

/**
 * Before a run: nothing to do when the version writes to no data source or is approved.
 * Otherwise the run is refused, and the first refused run files the request.
 */
export async function requireApprovedVersion(principal: Principal, pipeline: Pipeline): Promise<void> {
  const version = await currentVersion(pipeline);
  const targets = writeTargets(JSON.parse(version.config));
  const state = stateOf(targets, version);
  if (state === "not_required" || state === "approved") return;
  const tables = [...new Set(targets.map((t) => t.table))].join(", ");
  if (state === "rejected") {
    throw new AppError("CONFLICT", `Version ${version.version} of this pipeline was rejected${version.approvalComment ? `: ${version.approvalComment}` : ""}. Change the pipeline to ask again.`, {
      details: { approval_status: state, version: version.version },
    });
  }
  if (state === "not_requested") {
    const user = requireActingUser(principal);
    const filed = await db.pipelineVersion.updateMany({
      where: { id: version.id, approvalStatus: null },
      data: { approvalStatus: "pending", approvalRequestedById: user.id },
    });
    if (filed.count > 0) {
      publish("pipeline.approval_requested", pipeline.id, {
        pipelineId: pipeline.id,
        version: version.version,
        userId: user.id,
        ownerId: pipeline.ownerId,
        status: "pending",
        dataSourceIds: [...new Set(targets.map((t) => t.dataSourceId))],
      });
      await recordAudit(auditActorOf(principal), {
        action: "request_pipeline_approval",
        resourceType: "pipeline",
        resourceId: pipeline.id,
        details: { version: version.version, tables: targets.map((t) => t.table) },
      });
    }
  }
  throw new AppError("CONFLICT", `Version ${version.version} of this pipeline writes to ${tables}: it runs once an approver of ${targets.length > 1 ? "those data sources" : "that data source"} approves it. The request is waiting in the approvers' inbox.`, {
    details: { approval_status: "pending", version: version.version },
  });
}

/** Whether the user may decide on a version: approve rights on every target, never their own pipeline or request. */
async function mayDecide(user: SessionUser, pipeline: Pipeline, version: PipelineVersion, targets: Target[]): Promise<string | null> {
  if (pipeline.ownerId === user.id) return "You cannot approve your own pipeline; another approver decides";
  if (version.approvalRequestedById === user.id) return "You cannot approve a run you asked for; another approver decides";
  for (const id of new Set(targets.map((t) => t.dataSourceId))) {
    if (!(await accessTo(user, id)).canApprove) return "You may not approve changes on every data source this pipeline writes to";
  }
  return null;
}

/** The current versions waiting for this user's decision, oldest first. */
async function waitingFor(user: SessionUser) {
  const pending = await db.pipelineVersion.findMany({ where: { approvalStatus: "pending" }, include: { pipeline: true }, orderBy: { createdAt: "asc" }, take: 200 });
  const mine: typeof pending = [];
  for (const version of pending) {
    if (version.version !== version.pipeline.version) continue; // superseded by a later change
    const targets = writeTargets(JSON.parse(version.config));
    if (targets.length === 0) continue;
    if ((await mayDecide(user, version.pipeline, version, targets)) === null) mine.push(version);
  }
  return mine;
}

/** Pipeline versions waiting for this user's decision (the approvals inbox). */
export async function pendingPipelineApprovals(principal: Principal): Promise<PipelineApprovalView[]> {
  const versions = await waitingFor(requireActingUser(principal));
  return Promise.all(versions.map((v) => view(v.pipeline, v)));
}

/** How many there are (the navigation badge, polled): no views built. */
export async function pendingPipelineApprovalCount(principal: Principal): Promise<number> {
  return (await waitingFor(requireActingUser(principal))).length;
}

/** Approves or rejects the pipeline's current version (404 for a pipeline the user may not review). */
export async function decidePipelineVersion(
  principal: Principal,
  input: { pipelineId: string; version: number; decision: "approve" | "reject"; comment?: string },
): Promise<PipelineApprovalView> {
  const user = requireActingUser(principal);
  const version = await db.pipelineVersion.findUnique({
    where: { pipelineId_version: { pipelineId: input.pipelineId, version: input.version } },
    include: { pipeline: true },
  });
  if (!version) throw notFound(`version ${input.version} of pipeline`, input.pipelineId);
  const targets = writeTargets(JSON.parse(version.config));
  // Someone with no part in it (not its owner or requester, no approve right on any target) learns nothing about it.
  const involved = version.pipeline.ownerId === user.id || version.approvalRequestedById === user.id || user.role === "admin";
  const approvesSome = (await Promise.all(targets.map(async (t) => (await accessTo(user, t.dataSourceId)).canApprove))).some(Boolean);
  if (!involved && !approvesSome) throw notFound("pipeline", input.pipelineId);
  const refusal = targets.length === 0 ? "This version writes to no data source; there is nothing to approve" : await mayDecide(user, version.pipeline, version, targets);
  if (refusal) throw forbidden(refusal);
  if (version.version !== version.pipeline.version) throw conflict(`Version ${version.version} is not the pipeline's current version (${version.pipeline.version}); decide on the current one`);
  if (version.approvalStatus === "approved" || version.approvalStatus === "rejected") {
    throw conflict(`Version ${version.version} was ${version.approvalStatus} already`);
  }
  const status = input.decision === "approve" ? "approved" : "rejected";
  const decided = await db.pipelineVersion.updateMany({
    where: { id: version.id, OR: [{ approvalStatus: null }, { approvalStatus: "pending" }] },
    data: { approvalStatus: status, approvalDecidedById: user.id, approvalDecidedAt: new Date(), approvalComment: input.comment?.trim() ?? "" },
  });
  if (decided.count === 0) throw conflict(`Version ${version.version} was decided meanwhile`);
  publish("pipeline.approval_decided", version.pipelineId, {
    pipelineId: version.pipelineId,
    version: version.version,
    userId: user.id,
    ownerId: version.pipeline.ownerId,
    status,
    dataSourceIds: [...new Set(targets.map((t) => t.dataSourceId))],
  });
  await recordAudit(auditActorOf(principal), {
    action: input.decision === "approve" ? "approve_pipeline" : "reject_pipeline",
    resourceType: "pipeline",
    resourceId: version.pipelineId,
    details: { version: version.version, comment: input.comment ?? "" },
  });
  const updated = await db.pipelineVersion.findUniqueOrThrow({ where: { id: version.id }, include: { pipeline: true } });
  return view(updated.pipeline, updated);
}
