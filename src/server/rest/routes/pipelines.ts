import "server-only";
import { z } from "zod";
import { AppError } from "../../errors";
import {
  cancelExecution,
  createPipeline,
  decidePipelineVersion,
  deletePipeline,
  executePipeline,
  executionLogs,
  executionMetrics,
  findModule,
  getExecution,
  getPipeline,
  listExecutions,
  listPipelines,
  moduleSchema,
  moduleSummary,
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
import { pageWindow, pagingQuery, totalPages } from "../pagination";
import { defineRoute } from "../route";
import {
  restExecutionCancelled,
  restExecutionDetail,
  restExecutionList,
  restExecutionLogs,
  restExecutionMetrics,
  restExecutionStarted,
  restModuleList,
  restModuleSchema,
  restNodePreview,
  restPipeline,
  restPipelineApproval,
  restPipelineApprovalList,
  restPipelineDeleted,
  restPipelineList,
  restPipelineWithMessage,
  restValidation,
} from "./pipeline-shapes";

/**
 * ETL Builder's pipelines, executions and modules. Bodies carry the document's fields
 * and, beside them, what the ETL Builder's own frontend reads (a created pipeline comes
 * back whole, validation issues are objects with the sentences beside them, `GET
 * /modules` also lists every module flat under `modules`).
 */
const tag = "pipelines";
const listOf = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean)));
const paramsBody = z.object({ params: z.record(z.string(), z.unknown()).optional().nullable() }).optional();

export const pipelineRoutes = [
  defineRoute({
    method: "GET", path: "/pipelines", format: "etl", auth: "user", procedure: "pipelines.list", tag, response: restPipelineList,
    summary: "Pipelines the caller owns (all for admins), filtered and paginated",
    query: pagingQuery.extend({ status: z.enum(PIPELINE_STATUSES).optional(), search: z.string().max(200).optional(), tags: listOf, "tags[]": listOf }),
    async handle({ principal, query }) {
      const { page, pageSize, skip } = pageWindow(query, 20);
      const tags = [...(query.tags ?? []), ...(query["tags[]"] ?? [])];
      const { pipelines, total } = await listPipelines(principal, { status: query.status, search: query.search, tags, skip, take: pageSize });
      const paging = { page, pageSize, total };
      return { body: { pipelines, total, page, page_size: pageSize, total_pages: totalPages(paging) }, paging };
    },
  }),
  defineRoute({
    method: "POST", path: "/pipelines", format: "etl", auth: "user", procedure: "pipelines.create", tag, response: restPipelineWithMessage,
    summary: "Create a pipeline (version 1, status draft)", successStatus: 201, body: pipelineInput,
    async handle({ principal, body }) {
      const pipeline = await createPipeline(principal, body);
      return { body: { ...pipeline, message: "Pipeline created successfully" } };
    },
  }),
  defineRoute({
    method: "POST", path: "/pipelines/validate-config", format: "etl", auth: "user", procedure: "pipelines.validateConfig", tag, response: restValidation,
    summary: "Validate a pipeline config that is not saved",
    addition: "The ETL Builder's own frontend validates the canvas before saving it",
    body: z.object({ config: z.unknown(), schedule: z.string().max(100).nullable().optional(), default_params: z.record(z.string(), z.unknown()).optional() }).loose(),
    async handle({ body }) {
      return { body: validationView(await validateWithSources(body.config, { schedule: body.schedule, params: body.default_params })) };
    },
  }),
  defineRoute({
    method: "POST", path: "/pipelines/preview-node", format: "etl", auth: "user", procedure: "pipelines.preview", tag, response: restNodePreview,
    summary: "The first rows out of one node of a pipeline config (saved or not), read as the caller",
    addition: "The canvas previews any node's output before a run",
    body: previewInput,
    async handle({ principal, body }) {
      return { body: await previewNode(principal, body) };
    },
  }),
  defineRoute({
    method: "GET", path: "/pipelines/:pipeline_id", format: "etl", auth: "user", procedure: "pipelines.get", tag, response: restPipeline,
    summary: "One pipeline with its config and last execution",
    async handle({ principal, params }) {
      return { body: await getPipeline(principal, params.pipeline_id!) };
    },
  }),
  defineRoute({
    method: "PUT", path: "/pipelines/:pipeline_id", format: "etl", auth: "user", procedure: "pipelines.update", tag, response: restPipelineWithMessage,
    summary: "Change a pipeline (a new version)", body: pipelinePatch,
    async handle({ principal, params, body }) {
      return { body: { ...(await updatePipeline(principal, params.pipeline_id!, body)), message: "Pipeline updated successfully" } };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/pipelines/:pipeline_id", format: "etl", auth: "user", procedure: "pipelines.remove", tag, response: restPipelineDeleted,
    summary: "Delete a pipeline and its executions",
    async handle({ principal, params }) {
      await deletePipeline(principal, params.pipeline_id!);
      return { body: { id: params.pipeline_id, message: "Pipeline deleted successfully" } };
    },
  }),
  defineRoute({
    method: "POST", path: "/pipelines/:pipeline_id/execute", format: "etl", auth: "user", procedure: "pipelines.execute", tag, response: restExecutionStarted,
    summary: "Run a pipeline now (parameters over its defaults)", body: paramsBody,
    async handle({ principal, params, body }) {
      return { body: await executePipeline(principal, params.pipeline_id!, { params: body?.params ?? undefined, triggerType: "api" }) };
    },
  }),
  defineRoute({
    method: "GET", path: "/pipelines/:pipeline_id/approval", format: "etl", auth: "user", procedure: "pipelines.approval", tag, response: restPipelineApproval,
    summary: "Whether the current version writes to data sources, and its approval",
    addition: "Writes never run unreviewed: a version whose loaders write into data sources runs once an approver approves it",
    async handle({ principal, params }) {
      return { body: await pipelineApproval(principal, params.pipeline_id!) };
    },
  }),
  defineRoute({
    method: "POST", path: "/pipelines/:pipeline_id/versions/:version/decision", format: "etl", auth: "user", procedure: "pipelines.decide", tag, response: restPipelineApproval,
    summary: "Approve or reject a pipeline version's writes (approvers of every target; never the author)",
    addition: "Writes never run unreviewed",
    body: z.object({ decision: z.enum(["approve", "reject"]), comment: z.string().max(2000).optional() }),
    async handle({ principal, params, body }) {
      const version = Number(params.version);
      if (!Number.isInteger(version) || version < 1) throw new AppError("VALIDATION_ERROR", "version must be a whole number from 1", { fields: [{ field: "version", message: "a whole number from 1" }] });
      return { body: await decidePipelineVersion(principal, { pipelineId: params.pipeline_id!, version, decision: body.decision, comment: body.comment }) };
    },
  }),
  defineRoute({
    method: "GET", path: "/pipeline-approvals", format: "etl", auth: "user", procedure: "pipelines.pendingApprovals", tag, response: restPipelineApprovalList,
    summary: "Pipeline versions waiting for the caller's decision",
    addition: "Writes never run unreviewed",
    async handle({ principal }) {
      const approvals = await pendingPipelineApprovals(principal);
      return { body: { approvals, total: approvals.length } };
    },
  }),
  defineRoute({
    method: "POST", path: "/pipelines/:pipeline_id/validate", format: "etl", auth: "user", procedure: "pipelines.validate", tag, response: restValidation,
    summary: "Validate a pipeline (errors and warnings)", body: paramsBody,
    async handle({ principal, params, body }) {
      return { body: await validateStoredPipeline(principal, params.pipeline_id!, body?.params ?? undefined) };
    },
  }),
  defineRoute({
    method: "GET", path: "/executions", format: "etl", auth: "user", procedure: "pipelines.executions", tag, response: restExecutionList,
    summary: "Executions (filter by pipeline, status, trigger type)",
    query: pagingQuery.extend({ pipeline_id: z.string().max(100).optional(), status: z.string().max(20).optional(), trigger_type: z.string().max(20).optional() }),
    async handle({ principal, query }) {
      const { page, pageSize, skip } = pageWindow(query, 20);
      const { executions, total } = await listExecutions(principal, { pipelineId: query.pipeline_id, status: query.status, triggerType: query.trigger_type, skip, take: pageSize });
      const paging = { page, pageSize, total };
      return { body: { executions, total, page, page_size: pageSize, total_pages: totalPages(paging) }, paging };
    },
  }),
  defineRoute({
    method: "GET", path: "/executions/:execution_id", format: "etl", auth: "user", procedure: "pipelines.execution", tag, response: restExecutionDetail,
    summary: "One execution with its node metrics and first log lines",
    async handle({ principal, params }) {
      return { body: await getExecution(principal, params.execution_id!) };
    },
  }),
  defineRoute({
    method: "GET", path: "/executions/:execution_id/logs", format: "etl", auth: "user", procedure: "pipelines.logs", tag, response: restExecutionLogs,
    summary: "An execution's log lines (filter by level, node)",
    query: pagingQuery.extend({ level: z.string().max(10).optional(), node_id: z.string().max(200).optional() }),
    async handle({ principal, params, query }) {
      const { pageSize, skip } = pageWindow(query, 1000, 10_000);
      return { body: await executionLogs(principal, params.execution_id!, { level: query.level, nodeId: query.node_id, skip, take: pageSize }) };
    },
  }),
  defineRoute({
    method: "GET", path: "/executions/:execution_id/metrics", format: "etl", auth: "user", procedure: "pipelines.metrics", tag, response: restExecutionMetrics,
    summary: "Per-node rows, bytes, duration, memory and CPU of an execution",
    async handle({ principal, params }) {
      return { body: await executionMetrics(principal, params.execution_id!) };
    },
  }),
  defineRoute({
    method: "POST", path: "/executions/:execution_id/cancel", format: "etl", auth: "user", procedure: "pipelines.cancel", tag, response: restExecutionCancelled,
    summary: "Cancel a pending or running execution (nothing is committed)",
    addition: "The ETL Builder's own frontend cancels running executions",
    async handle({ principal, params }) {
      return { body: { ...(await cancelExecution(principal, params.execution_id!)), message: "Cancellation requested" } };
    },
  }),
  defineRoute({
    method: "GET", path: "/modules", format: "etl", auth: "user", procedure: "pipelines.modules", tag, response: restModuleList,
    summary: "Every module, by type and as one list",
    query: z.object({ type: z.enum(["extractor", "transformer", "loader"]).optional(), search: z.string().max(200).optional(), is_active: z.string().optional(), category: z.string().optional() }),
    async handle({ query }) {
      const search = query.search?.toLowerCase();
      const all = pipelineModules
        .map(moduleSummary)
        .filter((m) => (!query.type || m.type === query.type) && (!search || `${m.name} ${m.display_name} ${m.description}`.toLowerCase().includes(search)));
      const brief = (m: (typeof all)[number]) => ({ name: m.name, display_name: m.display_name, description: m.description, icon: m.icon, color: m.color });
      return {
        body: {
          extractors: all.filter((m) => m.type === "extractor").map(brief),
          transformers: all.filter((m) => m.type === "transformer").map(brief),
          loaders: all.filter((m) => m.type === "loader").map(brief),
          modules: all,
          total: all.length,
        },
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/modules/:module_type/:module_name/schema", format: "etl", auth: "user", procedure: "pipelines.moduleSchema", tag, response: restModuleSchema,
    summary: "A module's config as JSON Schema, with its defaults",
    async handle({ params }) {
      const type = params.module_type!.toLowerCase().replace(/s$/, "");
      const module = findModule(type, params.module_name!);
      if (!module) throw new AppError("NOT_FOUND", `No ${params.module_type} module named ${params.module_name}`);
      return { body: moduleSchema(module) };
    },
  }),
];
