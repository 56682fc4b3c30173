import "server-only";
import { z } from "zod";

/** What the pipelines procedures answer (the service's views: the ETL Builder's snake_case shapes). */
const executionSummary = z.object({ id: z.string(), status: z.string(), started_at: z.string().nullable(), completed_at: z.string().nullable(), rows_processed: z.number() });

export const pipelineDto = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.string(),
  version: z.string(),
  version_number: z.number(),
  config: z.looseObject({ nodes: z.array(z.unknown()), edges: z.array(z.unknown()) }),
  schedule: z.string().nullable(),
  is_scheduled: z.boolean(),
  tags: z.array(z.string()),
  default_params: z.record(z.string(), z.unknown()),
  max_concurrent: z.number(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  last_execution: executionSummary.nullable(),
});

const issue = z.object({ type: z.string(), message: z.string(), node_id: z.string().optional(), edge_id: z.string().optional(), field: z.string().optional() });
export const validationDto = z.object({ valid: z.boolean(), errors: z.array(issue), warnings: z.array(issue), error_messages: z.array(z.string()), warning_messages: z.array(z.string()) });

export const nodeMetricDto = z.object({
  node_id: z.string(),
  module: z.string(),
  status: z.string(),
  rows_input: z.number(),
  rows_output: z.number(),
  rows_filtered: z.number(),
  bytes_output: z.number(),
  duration_seconds: z.number(),
  memory_peak_mb: z.number(),
  cpu_percent: z.number(),
  error: z.string().nullable(),
});

export const logDto = z.object({ timestamp: z.string(), level: z.string(), node_id: z.string().nullable(), message: z.string(), metadata: z.record(z.string(), z.unknown()) });

export const executionDto = z.object({
  id: z.string(),
  pipeline_id: z.string(),
  pipeline_name: z.string(),
  version: z.string(),
  version_number: z.number(),
  status: z.string(),
  trigger_type: z.string(),
  triggered_by: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  progress: z.number(),
  current_node: z.string().nullable(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  duration_seconds: z.number().nullable(),
  rows_processed: z.number(),
  data_size_bytes: z.number(),
  error_message: z.string().nullable(),
  pushdown: z.array(z.unknown()),
  metrics: z.object({ rows_processed: z.number(), data_size_bytes: z.number(), execution_time_ms: z.number().nullable(), nodes: z.array(nodeMetricDto).optional() }),
  created_at: z.string(),
});

export const moduleDto = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(["extractor", "transformer", "loader"]),
  display_name: z.string(),
  description: z.string(),
  icon: z.string(),
  color: z.string(),
  category: z.string(),
  version: z.string(),
  is_active: z.boolean(),
  config_schema: z.record(z.string(), z.unknown()),
  inputs: z.object({ min: z.number(), max: z.number() }),
  engines: z.array(z.string()),
  tags: z.array(z.string()),
});

export const startedDto = z.object({ execution_id: z.string(), pipeline_id: z.string(), status: z.literal("pending"), started_at: z.string(), version: z.number(), message: z.string() });

export { pipelineApprovalDto as approvalDto } from "../../dto/pipeline-approvals";

export const nodePreviewDto = z.object({
  node_id: z.string(),
  columns: z.array(z.object({ name: z.string(), kind: z.string() })),
  rows: z.array(z.record(z.string(), z.unknown())),
  truncated: z.boolean(),
  duration_ms: z.number(),
});
