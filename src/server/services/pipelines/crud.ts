import "server-only";
import type { Pipeline, Prisma } from "@prisma/client";
import { z } from "zod";
import { db } from "../../db";
import { AppError, forbidden, notFound } from "../../errors";
import { recordAudit } from "../audit";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { carriedApproval } from "./approval";
import { dropPipelineSchedule, syncPipelineSchedule } from "./schedule";
import { validatePipeline, type ValidationIssue } from "./validate";
import { reconcile } from "./reconcile";
import { pipelineView, type PipelineView } from "./views";

export const PIPELINE_STATUSES = ["draft", "active", "paused", "archived"] as const;

const configSchema = z
  .object({ nodes: z.array(z.record(z.string(), z.unknown())).max(500).default([]), edges: z.array(z.record(z.string(), z.unknown())).max(2000).default([]) })
  .passthrough();

export const pipelineInput = z.object({
  name: z.string().trim().min(1, "name is required").max(200),
  description: z.string().max(5000).optional(),
  /** Absent: an empty graph on create (createPipeline), the current graph on change. */
  config: configSchema.optional(),
  schedule: z.string().trim().max(100).nullable().optional(),
  is_scheduled: z.boolean().optional(),
  status: z.enum(PIPELINE_STATUSES).optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  default_params: z.record(z.string(), z.unknown()).optional(),
  max_concurrent: z.number().int().min(1).max(20).optional(),
});
export type PipelineInput = z.infer<typeof pipelineInput>;

const EMPTY_GRAPH = { nodes: [], edges: [] };

/** A change: only the fields sent (a patch without `config` keeps the graph). */
export const pipelinePatch = pipelineInput.partial();

/** Mistakes no draft may keep: the graph's shape itself. Config details may wait until a run (or `active`). */
const STRUCTURAL = new Set(["duplicate_node", "invalid_node_type", "unknown_module", "dangling_edge", "cycle", "invalid_schedule", "extractor_with_input", "loader_with_output"]);

function refuseInvalid(issues: ValidationIssue[]): void {
  if (issues.length === 0) return;
  throw new AppError("VALIDATION_ERROR", `The pipeline is not valid: ${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`, {
    fields: issues.map((i) => ({ field: i.field ? `config.nodes.${i.node_id}.${i.field}` : i.node_id ? `config.nodes.${i.node_id}` : i.edge_id ? `config.edges.${i.edge_id}` : "config", message: i.message })),
    details: { errors: issues },
  });
}

function checkSavable(input: { config: unknown; schedule?: string | null; status?: string; default_params?: Record<string, unknown> }) {
  const report = validatePipeline(input.config, { schedule: input.schedule, params: input.default_params });
  refuseInvalid(input.status === "active" ? report.errors : report.errors.filter((e) => STRUCTURAL.has(e.type)));
}

const canAuthor = (principal: Principal) => {
  const user = requireActingUser(principal);
  if (user.role === "viewer") throw forbidden("Viewers may not create or change pipelines");
  return user;
};

/** A pipeline the principal may see: their own, or any for an admin (404 otherwise, never 403: ids do not leak). */
export async function loadPipeline(principal: Principal, id: string): Promise<Pipeline> {
  const user = requireActingUser(principal);
  const row = await db.pipeline.findUnique({ where: { id } });
  if (!row || (row.ownerId !== user.id && user.role !== "admin")) throw notFound("pipeline", id);
  return row;
}

async function withLast(rows: Pipeline[]): Promise<PipelineView[]> {
  if (rows.length === 0) return [];
  // One indexed read per pipeline of the page (pipelineId, createdAt): a scheduled pipeline
  // may have thousands of runs, and only its latest is shown.
  const lastOf = (ids: string[]) => Promise.all(ids.map((pipelineId) => db.pipelineExecution.findFirst({ where: { pipelineId }, orderBy: { createdAt: "desc" } })));
  let last = await lastOf(rows.map((r) => r.id));
  // A last run whose worker died is shown failed, not running, from the first look on.
  if (await reconcile(last.filter((e) => e !== null))) last = await lastOf(rows.map((r) => r.id));
  return rows.map((r, i) => pipelineView(r, last[i] ?? null));
}

export async function createPipeline(principal: Principal, input: PipelineInput): Promise<PipelineView> {
  const user = canAuthor(principal);
  const graph = input.config ?? EMPTY_GRAPH;
  checkSavable({ ...input, config: graph });
  const config = JSON.stringify(graph);
  const defaultParams = JSON.stringify(input.default_params ?? {});
  const row = await db.pipeline.create({
    data: {
      ownerId: user.id,
      name: input.name,
      description: input.description ?? "",
      status: input.status ?? "draft",
      config,
      schedule: input.schedule || null,
      isScheduled: input.is_scheduled ?? Boolean(input.schedule),
      tags: JSON.stringify(input.tags ?? []),
      defaultParams,
      maxConcurrent: input.max_concurrent ?? 1,
      versions: { create: { version: 1, config, defaultParams, createdById: user.id } },
    },
  });
  await syncPipelineSchedule(row);
  await recordAudit(auditActorOf(principal), { action: "create_pipeline", resourceType: "pipeline", resourceId: row.id, details: { name: row.name } });
  return pipelineView(row);
}

export interface PipelineFilter {
  status?: string;
  search?: string;
  tags?: string[];
  skip: number;
  take: number;
}

export async function listPipelines(principal: Principal, filter: PipelineFilter): Promise<{ pipelines: PipelineView[]; total: number }> {
  const user = requireActingUser(principal);
  const where: Prisma.PipelineWhereInput = {
    ...(user.role === "admin" ? {} : { ownerId: user.id }),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.search ? { name: { contains: filter.search } } : {}),
  };
  // Tags are a JSON array in one column: filtered here, which keeps the query portable.
  const rows = await db.pipeline.findMany({ where, orderBy: { updatedAt: "desc" } });
  const tagged = filter.tags?.length
    ? rows.filter((r) => {
        const tags = JSON.parse(r.tags) as string[];
        return filter.tags!.every((t) => tags.includes(t));
      })
    : rows;
  return { pipelines: await withLast(tagged.slice(filter.skip, filter.skip + filter.take)), total: tagged.length };
}

export async function getPipeline(principal: Principal, id: string): Promise<PipelineView> {
  return (await withLast([await loadPipeline(principal, id)]))[0]!;
}

/** The same JSON whatever order its keys were sent in, so a resent graph compares equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** True when the patch would leave every stored field as it is (a canvas saving an unchanged graph). */
function changesNothing(
  current: Pipeline,
  patch: Partial<PipelineInput>,
  next: { config: unknown; schedule: string | null; isScheduled: boolean | undefined; defaultParams: Record<string, unknown> },
): boolean {
  const same = <T>(sent: T | undefined, stored: T) => sent === undefined || sent === stored;
  return (
    canonicalJson(next.config) === canonicalJson(JSON.parse(current.config)) &&
    canonicalJson(next.defaultParams) === canonicalJson(JSON.parse(current.defaultParams)) &&
    next.schedule === current.schedule &&
    same(patch.name, current.name) &&
    same(patch.description, current.description) &&
    same(patch.status, current.status) &&
    same(next.isScheduled, current.isScheduled) &&
    same(patch.max_concurrent, current.maxConcurrent) &&
    (patch.tags === undefined || canonicalJson(patch.tags) === current.tags)
  );
}

/**
 * Every change makes a new version (kept); executions name the version they ran. A save
 * that changes nothing makes none, so saving before each Run does not pile up versions
 * (nor ask again for an approval the version already has).
 */
export async function updatePipeline(principal: Principal, id: string, patch: Partial<PipelineInput>): Promise<PipelineView> {
  const user = canAuthor(principal);
  const current = await loadPipeline(principal, id);
  const config = patch.config ?? JSON.parse(current.config);
  const schedule = patch.schedule === undefined ? current.schedule : patch.schedule || null;
  const defaultParams = patch.default_params ?? (JSON.parse(current.defaultParams) as Record<string, unknown>);
  checkSavable({ config, schedule, status: patch.status ?? current.status, default_params: defaultParams });
  const isScheduled = patch.is_scheduled ?? (patch.schedule !== undefined ? Boolean(schedule) : undefined);
  if (changesNothing(current, patch, { config, schedule, isScheduled, defaultParams })) return (await withLast([current]))[0]!;
  const version = current.version + 1;
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.pipeline.update({
      where: { id },
      data: {
        name: patch.name,
        description: patch.description,
        status: patch.status,
        config: JSON.stringify(config),
        schedule,
        isScheduled,
        tags: patch.tags ? JSON.stringify(patch.tags) : undefined,
        defaultParams: JSON.stringify(defaultParams),
        maxConcurrent: patch.max_concurrent,
        version,
      },
    });
    const previous = await tx.pipelineVersion.findUnique({ where: { pipelineId_version: { pipelineId: id, version: current.version } } });
    await tx.pipelineVersion.create({
      data: { pipelineId: id, version, config: updated.config, defaultParams: updated.defaultParams, createdById: user.id, ...carriedApproval(previous, config) },
    });
    return updated;
  });
  await syncPipelineSchedule(row);
  await recordAudit(auditActorOf(principal), { action: "update_pipeline", resourceType: "pipeline", resourceId: id, details: { version } });
  return getPipeline(principal, row.id);
}

export async function deletePipeline(principal: Principal, id: string): Promise<void> {
  canAuthor(principal);
  await loadPipeline(principal, id);
  const running = await db.pipelineExecution.count({ where: { pipelineId: id, status: { in: ["pending", "running"] } } });
  if (running) throw new AppError("CONFLICT", "The pipeline has an execution pending or running; cancel it first");
  await dropPipelineSchedule(id);
  await db.pipeline.delete({ where: { id } });
  await recordAudit(auditActorOf(principal), { action: "delete_pipeline", resourceType: "pipeline", resourceId: id });
}

export async function listVersions(principal: Principal, id: string) {
  await loadPipeline(principal, id);
  const rows = await db.pipelineVersion.findMany({ where: { pipelineId: id }, orderBy: { version: "desc" } });
  return rows.map((v) => ({ version: v.version, config: JSON.parse(v.config) as unknown, created_by: v.createdById, created_at: v.createdAt.toISOString() }));
}
