import "server-only";
import type { Pipeline, PipelineExecution, PipelineLog, PipelineNodeMetric } from "@prisma/client";
import type { ValidationReport } from "./validate";

/**
 * The ETL Builder document's shapes (snake_case), with the fields its own frontend
 * reads beside them (`config`, `default_params`, `created_by` on a pipeline; `logs`,
 * `metrics`, `params` on an execution). tRPC returns the same views.
 */
const parse = <T>(text: string | null | undefined, fallback: T): T => {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export const versionLabel = (n: number) => `${n}.0.0`;

export interface ExecutionSummary {
  id: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  rows_processed: number;
}

export interface PipelineView {
  id: string;
  name: string;
  description: string;
  status: string;
  version: string;
  version_number: number;
  config: { nodes: unknown[]; edges: unknown[]; [key: string]: unknown };
  schedule: string | null;
  is_scheduled: boolean;
  tags: string[];
  default_params: Record<string, unknown>;
  max_concurrent: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  last_execution: ExecutionSummary | null;
}

export function pipelineView(p: Pipeline, last: PipelineExecution | null = null): PipelineView {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    status: p.status,
    version: versionLabel(p.version),
    version_number: p.version,
    config: parse(p.config, { nodes: [], edges: [] }),
    schedule: p.schedule,
    is_scheduled: p.isScheduled,
    tags: parse<string[]>(p.tags, []),
    default_params: parse<Record<string, unknown>>(p.defaultParams, {}),
    max_concurrent: p.maxConcurrent,
    created_by: p.ownerId,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    last_execution: last
      ? { id: last.id, status: last.status, started_at: iso(last.startedAt), completed_at: iso(last.completedAt), rows_processed: last.rowsProcessed }
      : null,
  };
}

export interface LogView {
  timestamp: string;
  level: string;
  node_id: string | null;
  message: string;
  metadata: Record<string, unknown>;
}

export const logView = (l: PipelineLog): LogView => ({
  timestamp: l.createdAt.toISOString(),
  level: l.level,
  node_id: l.nodeId,
  message: l.message,
  metadata: parse<Record<string, unknown>>(l.metadata, {}),
});

export interface NodeMetricView {
  node_id: string;
  module: string;
  status: string;
  rows_input: number;
  rows_output: number;
  rows_filtered: number;
  bytes_output: number;
  duration_seconds: number;
  memory_peak_mb: number;
  cpu_percent: number;
  error: string | null;
}

export const nodeMetricView = (m: PipelineNodeMetric): NodeMetricView => ({
  node_id: m.nodeId,
  module: m.module,
  status: m.status,
  rows_input: m.rowsIn,
  rows_output: m.rowsOut,
  rows_filtered: m.rowsFiltered,
  bytes_output: m.bytesOut,
  duration_seconds: m.durationMs / 1000,
  memory_peak_mb: m.peakMemoryMb,
  cpu_percent: m.cpuPercent,
  error: m.error,
});

export interface ExecutionView {
  id: string;
  pipeline_id: string;
  pipeline_name: string;
  version: string;
  version_number: number;
  status: string;
  trigger_type: string;
  triggered_by: string | null;
  params: Record<string, unknown>;
  progress: number;
  current_node: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  rows_processed: number;
  data_size_bytes: number;
  error_message: string | null;
  pushdown: unknown[];
  metrics: { rows_processed: number; data_size_bytes: number; execution_time_ms: number | null; nodes?: NodeMetricView[] };
  created_at: string;
}

export function executionView(e: PipelineExecution & { pipeline: { name: string } }, nodes?: PipelineNodeMetric[]): ExecutionView {
  const durationMs = e.startedAt && e.completedAt ? e.completedAt.getTime() - e.startedAt.getTime() : null;
  return {
    id: e.id,
    pipeline_id: e.pipelineId,
    pipeline_name: e.pipeline.name,
    version: versionLabel(e.version),
    version_number: e.version,
    status: e.status,
    trigger_type: e.triggerType,
    triggered_by: e.triggeredById,
    params: parse<Record<string, unknown>>(e.params, {}),
    progress: e.progress,
    current_node: e.currentNode,
    started_at: iso(e.startedAt),
    completed_at: iso(e.completedAt),
    duration_seconds: durationMs === null ? null : durationMs / 1000,
    rows_processed: e.rowsProcessed,
    data_size_bytes: e.bytesProcessed,
    error_message: e.error,
    pushdown: parse<unknown[]>(e.pushdown, []),
    metrics: {
      rows_processed: e.rowsProcessed,
      data_size_bytes: e.bytesProcessed,
      execution_time_ms: durationMs,
      ...(nodes ? { nodes: nodes.map(nodeMetricView) } : {}),
    },
    created_at: e.createdAt.toISOString(),
  };
}

/**
 * The validation answer: the document lists warnings as sentences, the ETL Builder's
 * frontend reads `{type, message, node_id}` objects. Errors and warnings are objects
 * (each has `message`); `error_messages`/`warning_messages` carry the plain sentences.
 */
export function validationView(report: ValidationReport) {
  return {
    valid: report.valid,
    errors: report.errors,
    warnings: report.warnings,
    error_messages: report.errors.map((e) => e.message),
    warning_messages: report.warnings.map((w) => w.message),
  };
}
