import "server-only";
import { z } from "zod";
import { AppError } from "../../errors";
import {
  cancelExecution,
  createPipeline,
  decidePipelineVersion,
  deletePipeline,
  EXECUTION_STATUSES,
  executePipeline,
  executionLogs,
  executionMetrics,
  findModule,
  getExecution,
  getPipeline,
  listExecutions,
  listPipelines,
  listVersions,
  moduleSchema,
  moduleSummary,
  pendingPipelineApprovalCount,
  pendingPipelineApprovals,
  pipelineApproval,
  previewInput,
  previewNode,
  pipelineInput,
  pipelinePatch,
  pipelineModules,
  PIPELINE_STATUSES,
  updatePipeline,
  validateWithSources,
  validateStoredPipeline,
  validationView,
} from "../../services/pipelines";
import { pipelineFeed } from "../../services/pipelines/live";
import { authedProcedure, createTRPCRouter } from "../../trpc";
import { approvalDto, executionDto, nodePreviewDto, logDto, moduleDto, nodeMetricDto, pipelineDto, startedDto, validationDto } from "./dto";

const id = z.object({ id: z.string().min(1).max(100) });
const page = { page: z.number().int().min(1).default(1), pageSize: z.number().int().min(1).max(100).default(20) };
const params = z.record(z.string(), z.unknown());

export const pipelinesRouter = createTRPCRouter({
  list: authedProcedure
    .input(z.object({ ...page, status: z.enum(PIPELINE_STATUSES).optional(), search: z.string().max(200).optional(), tags: z.array(z.string().max(50)).max(20).optional() }).default({ page: 1, pageSize: 20 }))
    .output(z.object({ pipelines: z.array(pipelineDto), total: z.number() }))
    .query(({ ctx, input }) => listPipelines(ctx.principal, { status: input.status, search: input.search, tags: input.tags, skip: (input.page - 1) * input.pageSize, take: input.pageSize })),
  get: authedProcedure.input(id).output(pipelineDto).query(({ ctx, input }) => getPipeline(ctx.principal, input.id)),
  create: authedProcedure.input(pipelineInput).output(pipelineDto).mutation(({ ctx, input }) => createPipeline(ctx.principal, input)),
  update: authedProcedure
    .input(id.extend({ patch: pipelinePatch }))
    .output(pipelineDto)
    .mutation(({ ctx, input }) => updatePipeline(ctx.principal, input.id, input.patch)),
  remove: authedProcedure
    .input(id)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deletePipeline(ctx.principal, input.id);
      return { ok: true as const };
    }),
  versions: authedProcedure
    .input(id)
    .output(z.array(z.object({ version: z.number(), config: z.unknown(), created_by: z.string().nullable(), created_at: z.string() })))
    .query(({ ctx, input }) => listVersions(ctx.principal, input.id)),
  validate: authedProcedure.input(id.extend({ params: params.optional() })).output(validationDto).mutation(({ ctx, input }) => validateStoredPipeline(ctx.principal, input.id, input.params)),
  /** Validates a config that is not saved (the canvas before Save). */
  validateConfig: authedProcedure
    .input(z.object({ config: z.unknown(), schedule: z.string().max(100).nullable().optional(), params: params.optional() }))
    .output(validationDto)
    .mutation(async ({ input }) => validationView(await validateWithSources(input.config, { schedule: input.schedule, params: input.params }))),
  /** The first rows out of a node of the graph on the canvas (saved or not), read as the caller. */
  preview: authedProcedure.input(previewInput).output(nodePreviewDto).mutation(({ ctx, input }) => previewNode(ctx.principal, input)),
  /** Whether the current version writes to data sources, and what approvers decided about it. */
  approval: authedProcedure.input(id).output(approvalDto).query(({ ctx, input }) => pipelineApproval(ctx.principal, input.id)),
  /** Pipeline versions waiting for this user's decision (the approvals inbox). */
  pendingApprovals: authedProcedure.output(z.array(approvalDto)).query(({ ctx }) => pendingPipelineApprovals(ctx.principal)),
  /** Their number (the navigation badge). */
  pendingApprovalCount: authedProcedure.output(z.object({ count: z.number().int() })).query(async ({ ctx }) => ({ count: await pendingPipelineApprovalCount(ctx.principal) })),
  decide: authedProcedure
    .input(id.extend({ version: z.number().int().min(1), decision: z.enum(["approve", "reject"]), comment: z.string().max(2000).optional() }))
    .output(approvalDto)
    .mutation(({ ctx, input }) => decidePipelineVersion(ctx.principal, { pipelineId: input.id, version: input.version, decision: input.decision, comment: input.comment })),
  execute: authedProcedure.input(id.extend({ params: params.optional() })).output(startedDto).mutation(({ ctx, input }) => executePipeline(ctx.principal, input.id, { params: input.params })),
  executions: authedProcedure
    .input(z.object({ ...page, pipelineId: z.string().max(100).optional(), status: z.enum(EXECUTION_STATUSES).optional(), triggerType: z.string().max(20).optional() }).default({ page: 1, pageSize: 20 }))
    .output(z.object({ executions: z.array(executionDto), total: z.number() }))
    .query(({ ctx, input }) => listExecutions(ctx.principal, { pipelineId: input.pipelineId, status: input.status, triggerType: input.triggerType, skip: (input.page - 1) * input.pageSize, take: input.pageSize })),
  execution: authedProcedure.input(id).output(executionDto.extend({ logs: z.array(logDto) })).query(({ ctx, input }) => getExecution(ctx.principal, input.id)),
  logs: authedProcedure
    .input(id.extend({ level: z.string().max(10).optional(), nodeId: z.string().max(200).optional() }))
    .output(z.object({ logs: z.array(logDto), total: z.number() }))
    .query(({ ctx, input }) => executionLogs(ctx.principal, input.id, { level: input.level, nodeId: input.nodeId })),
  metrics: authedProcedure
    .input(id)
    .output(z.object({ execution_id: z.string(), status: z.string(), rows_processed: z.number(), data_size_bytes: z.number(), nodes: z.array(nodeMetricDto) }))
    .query(({ ctx, input }) => executionMetrics(ctx.principal, input.id)),
  cancel: authedProcedure.input(id).output(executionDto).mutation(({ ctx, input }) => cancelExecution(ctx.principal, input.id)),
  modules: authedProcedure.output(z.array(moduleDto)).query(() => pipelineModules.map(moduleSummary)),
  moduleSchema: authedProcedure
    .input(z.object({ type: z.string().max(20), name: z.string().max(100) }))
    .output(z.object({ schema: z.record(z.string(), z.unknown()), defaults: z.record(z.string(), z.unknown()) }))
    .query(({ input }) => {
      const module = findModule(input.type.replace(/s$/, ""), input.name);
      if (!module) throw new AppError("NOT_FOUND", `No ${input.type} module named ${input.name}`);
      return moduleSchema(module);
    }),
  /** Live progress and log lines of the pipeline's executions (server-sent events). */
  live: authedProcedure.input(id).subscription(async function* ({ ctx, input, signal }) {
    yield* pipelineFeed(ctx.principal, input.id, signal ?? new AbortController().signal);
  }),
});
