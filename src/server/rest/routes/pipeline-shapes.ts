import "server-only";
import { z } from "zod";
import { pipelineApprovalDto } from "../../dto/pipeline-approvals";
import { EXECUTION_STATUSES, PIPELINE_STATUSES, TRIGGER_TYPES } from "../../services/pipelines";

/**
 * The success bodies of the ETL Builder's `/pipelines`, `/executions` and `/modules`
 * (the views of services/pipelines/views.ts and modules/index.ts), for the OpenAPI
 * document and the walker test.
 */
const text = z.string();
const num = z.number();
const record = z.record(z.string(), z.unknown());

const executionSummary = z.object({ id: text, status: text, started_at: text.nullable(), completed_at: text.nullable(), rows_processed: num });

export const restPipeline = z.object({
  id: text,
  name: text,
  description: text,
  status: z.enum(PIPELINE_STATUSES),
  version: text,
  version_number: num,
  config: z.looseObject({ nodes: z.array(z.unknown()), edges: z.array(z.unknown()) }),
  schedule: text.nullable(),
  is_scheduled: z.boolean(),
  tags: z.array(text),
  default_params: record,
  max_concurrent: num,
  created_by: text,
  created_at: text,
  updated_at: text,
  last_execution: executionSummary.nullable(),
});

export const restPipelineList = z.object({ pipelines: z.array(restPipeline), total: num, page: num, page_size: num, total_pages: num });
export const restPipelineWithMessage = restPipeline.extend({ message: text });
export const restPipelineDeleted = z.object({ id: text, message: text });

const issue = z.object({ type: text, message: text, node_id: text.optional(), edge_id: text.optional(), field: text.optional() });
export const restValidation = z.object({
  valid: z.boolean(),
  errors: z.array(issue),
  warnings: z.array(issue),
  error_messages: z.array(text),
  warning_messages: z.array(text),
});

export const restExecutionStarted = z.object({
  execution_id: text,
  pipeline_id: text,
  status: z.literal("pending"),
  started_at: text,
  version: num,
  message: text,
});

export const restLog = z.object({ timestamp: text, level: text, node_id: text.nullable(), message: text, metadata: record });

export const restNodeMetric = z.object({
  node_id: text,
  module: text,
  status: text,
  rows_input: num,
  rows_output: num,
  rows_filtered: num,
  bytes_output: num,
  duration_seconds: num,
  memory_peak_mb: num,
  cpu_percent: num,
  error: text.nullable(),
});

export const restExecution = z.object({
  id: text,
  pipeline_id: text,
  pipeline_name: text,
  version: text,
  version_number: num,
  status: z.enum(EXECUTION_STATUSES),
  trigger_type: z.enum(TRIGGER_TYPES),
  triggered_by: text.nullable(),
  params: record,
  progress: num,
  current_node: text.nullable(),
  started_at: text.nullable(),
  completed_at: text.nullable(),
  duration_seconds: num.nullable(),
  rows_processed: num,
  data_size_bytes: num,
  error_message: text.nullable(),
  pushdown: z.array(z.unknown()),
  metrics: z.object({ rows_processed: num, data_size_bytes: num, execution_time_ms: num.nullable(), nodes: z.array(restNodeMetric).optional() }),
  created_at: text,
});

export const restExecutionList = z.object({ executions: z.array(restExecution), total: num, page: num, page_size: num, total_pages: num });
export const restExecutionDetail = restExecution.extend({ logs: z.array(restLog) });
export const restExecutionLogs = z.object({ logs: z.array(restLog), total: num });
export const restExecutionMetrics = z.object({ execution_id: text, status: z.enum(EXECUTION_STATUSES), rows_processed: num, data_size_bytes: num, nodes: z.array(restNodeMetric) });
export const restExecutionCancelled = restExecution.extend({ message: text });

const moduleType = z.enum(["extractor", "transformer", "loader"]);
const moduleBrief = z.object({ name: text, display_name: text, description: text, icon: text, color: text });
/** A module's config as JSON Schema: open-ended. */
const jsonSchema = z.looseObject({});
export const restModule = z.object({
  id: text,
  name: text,
  type: moduleType,
  display_name: text,
  description: text,
  icon: text,
  color: text,
  category: text,
  version: text,
  is_active: z.boolean(),
  config_schema: jsonSchema,
  inputs: z.object({ min: num, max: num }),
  engines: z.array(text),
  tags: z.array(text),
});
export const restModuleList = z.object({
  extractors: z.array(moduleBrief),
  transformers: z.array(moduleBrief),
  loaders: z.array(moduleBrief),
  modules: z.array(restModule),
  total: num,
});
export const restModuleSchema = z.object({ schema: jsonSchema, defaults: record });

/** A pipeline version's approval (Quarry's addition: writes never run unreviewed). */
export const restPipelineApproval = pipelineApprovalDto;
export const restPipelineApprovalList = z.object({ approvals: z.array(restPipelineApproval), total: num });

export const restNodePreview = z.object({
  node_id: text,
  columns: z.array(z.looseObject({ name: text, kind: text })),
  rows: z.array(record),
  truncated: z.boolean(),
  duration_ms: num,
});
