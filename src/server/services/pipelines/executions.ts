import "server-only";
import { requireApprovedVersion } from "./approval";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { AppError, notFound } from "../../errors";
import { jobQueue } from "../../jobs";
import { pipelineRunJob } from "../../jobs/definitions/pipeline-run";
import { recordAudit } from "../audit";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { loadPipeline } from "./crud";
import { reconcile } from "./reconcile";
import { abortLocalRun } from "./run";
import { validateWithSources } from "./validate-sources";
import { executionView, logView, nodeMetricView, validationView, type ExecutionView } from "./views";

export const EXECUTION_STATUSES = ["pending", "running", "success", "failed", "cancelled"] as const;
export const TRIGGER_TYPES = ["manual", "scheduled", "api"] as const;

/** Validates a pipeline as it stands, with the parameters a run would get. */
export async function validateStoredPipeline(principal: Principal, id: string, params: Record<string, unknown> = {}) {
  const p = await loadPipeline(principal, id);
  const merged = { ...(JSON.parse(p.defaultParams) as Record<string, unknown>), ...params };
  return validationView(await validateWithSources(JSON.parse(p.config), { schedule: p.schedule, params: merged }));
}

/**
 * Starts a run of the pipeline's current version: validated with the run's parameters
 * (the request's over the defaults), within the pipeline's concurrency limit, queued as
 * a `pipeline-run` job that runs as the pipeline's owner.
 */
export async function executePipeline(
  principal: Principal,
  id: string,
  input: { params?: Record<string, unknown>; triggerType?: (typeof TRIGGER_TYPES)[number] } = {},
) {
  const user = requireActingUser(principal);
  const pipeline = await loadPipeline(principal, id);
  if (pipeline.status === "archived") throw new AppError("CONFLICT", "The pipeline is archived; set it to draft or active to run it");
  const params = { ...(JSON.parse(pipeline.defaultParams) as Record<string, unknown>), ...(input.params ?? {}) };
  const report = await validateWithSources(JSON.parse(pipeline.config), { schedule: pipeline.schedule, params, requireParams: true });
  if (!report.valid) {
    throw new AppError("VALIDATION_ERROR", `The pipeline is not valid: ${report.errors[0]!.message}${report.errors.length > 1 ? ` (and ${report.errors.length - 1} more)` : ""}`, {
      fields: report.errors.map((e) => ({ field: e.field ?? e.node_id ?? e.edge_id ?? "config", message: e.message })),
      details: validationView(report),
    });
  }
  await requireApprovedVersion(principal, pipeline);
  // A run whose worker died stays `running` in its row until something reconciles it; the
  // limit must not count it, or a dead run blocks the pipeline (its schedule too) for good.
  const open = await db.pipelineExecution.findMany({ where: { pipelineId: id, status: { in: ["pending", "running"] } }, select: { id: true, status: true, jobId: true } });
  const active = (await reconcile(open)) ? await db.pipelineExecution.count({ where: { pipelineId: id, status: { in: ["pending", "running"] } } }) : open.length;
  if (active >= pipeline.maxConcurrent) {
    throw new AppError("CONFLICT", `The pipeline already has ${active} execution${active > 1 ? "s" : ""} pending or running (limit ${pipeline.maxConcurrent})`);
  }
  const execution = await db.pipelineExecution.create({
    data: { pipelineId: id, version: pipeline.version, triggerType: input.triggerType ?? "manual", triggeredById: user.id, params: JSON.stringify(params) },
  });
  // The owner's permissions apply to every read and write of the run, whoever started it.
  const job = await jobQueue().enqueue(pipelineRunJob, { executionId: execution.id }, { principal: { id: pipeline.ownerId }, idempotencyKey: execution.id });
  await db.pipelineExecution.update({ where: { id: execution.id }, data: { jobId: job.id } });
  await recordAudit(auditActorOf(principal), { action: "execute_pipeline", resourceType: "pipeline", resourceId: id, details: { executionId: execution.id, version: pipeline.version } });
  return { execution_id: execution.id, pipeline_id: id, status: "pending" as const, started_at: execution.createdAt.toISOString(), version: pipeline.version, message: "Pipeline execution started" };
}

async function visibleExecution(principal: Principal, id: string) {
  const user = requireActingUser(principal);
  const row = await db.pipelineExecution.findUnique({ where: { id }, include: { pipeline: true } });
  if (!row || (row.pipeline.ownerId !== user.id && user.role !== "admin")) throw notFound("execution", id);
  if (await reconcile([row])) return (await db.pipelineExecution.findUnique({ where: { id }, include: { pipeline: true } }))!;
  return row;
}

export interface ExecutionFilter {
  pipelineId?: string;
  status?: string;
  triggerType?: string;
  skip: number;
  take: number;
}

export async function listExecutions(principal: Principal, filter: ExecutionFilter): Promise<{ executions: ExecutionView[]; total: number }> {
  const user = requireActingUser(principal);
  const where: Prisma.PipelineExecutionWhereInput = {
    ...(user.role === "admin" ? {} : { pipeline: { ownerId: user.id } }),
    ...(filter.pipelineId ? { pipelineId: filter.pipelineId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.triggerType ? { triggerType: filter.triggerType } : {}),
  };
  const stale = await db.pipelineExecution.findMany({ where: { ...where, status: { in: ["pending", "running"] } }, select: { id: true, status: true, jobId: true } });
  await reconcile(stale);
  const [rows, total] = await Promise.all([
    db.pipelineExecution.findMany({ where, include: { pipeline: true }, orderBy: { createdAt: "desc" }, skip: filter.skip, take: filter.take }),
    db.pipelineExecution.count({ where }),
  ]);
  return { executions: rows.map((r) => executionView(r)), total };
}

export async function getExecution(principal: Principal, id: string): Promise<ExecutionView & { logs: ReturnType<typeof logView>[] }> {
  const row = await visibleExecution(principal, id);
  const [nodes, logs] = await Promise.all([
    db.pipelineNodeMetric.findMany({ where: { executionId: id } }),
    db.pipelineLog.findMany({ where: { executionId: id }, orderBy: { seq: "asc" }, take: 200 }),
  ]);
  return { ...executionView(row, nodes), logs: logs.map(logView) };
}

export async function executionLogs(principal: Principal, id: string, filter: { level?: string; nodeId?: string; skip?: number; take?: number }) {
  await visibleExecution(principal, id);
  const where: Prisma.PipelineLogWhereInput = {
    executionId: id,
    ...(filter.level ? { level: filter.level.toUpperCase() === "WARN" ? "WARNING" : filter.level.toUpperCase() } : {}),
    ...(filter.nodeId ? { nodeId: filter.nodeId } : {}),
  };
  const [rows, total] = await Promise.all([
    db.pipelineLog.findMany({ where, orderBy: { seq: "asc" }, skip: filter.skip ?? 0, take: filter.take ?? 1000 }),
    db.pipelineLog.count({ where }),
  ]);
  return { logs: rows.map(logView), total };
}

export async function executionMetrics(principal: Principal, id: string) {
  const row = await visibleExecution(principal, id);
  const nodes = await db.pipelineNodeMetric.findMany({ where: { executionId: id } });
  // In the graph's order, as the canvas draws them.
  const order = (JSON.parse((await db.pipelineVersion.findUnique({ where: { pipelineId_version: { pipelineId: row.pipelineId, version: row.version } } }))?.config ?? "{}").nodes ?? []) as { id?: string }[];
  const rank = (nodeId: string) => {
    const i = order.findIndex((n) => n.id === nodeId);
    return i === -1 ? order.length : i;
  };
  return {
    execution_id: id,
    status: row.status,
    rows_processed: row.rowsProcessed,
    data_size_bytes: row.bytesProcessed,
    nodes: nodes.sort((a, b) => rank(a.nodeId) - rank(b.nodeId)).map(nodeMetricView),
  };
}

/** Cancels a pending or running execution (its loaders roll back); a finished one is answered as it is. */
export async function cancelExecution(principal: Principal, id: string): Promise<ExecutionView> {
  const row = await visibleExecution(principal, id);
  if (["pending", "running"].includes(row.status)) {
    abortLocalRun(id);
    if (row.jobId) await jobQueue().cancel(row.jobId);
    if (row.status === "pending") {
      await db.pipelineExecution.updateMany({ where: { id, status: "pending" }, data: { status: "cancelled", completedAt: new Date(), error: "The execution was cancelled" } });
    }
    await recordAudit(auditActorOf(principal), { action: "cancel_pipeline", resourceType: "pipeline_execution", resourceId: id });
  }
  return executionView((await db.pipelineExecution.findUnique({ where: { id }, include: { pipeline: true } }))!);
}
