import "server-only";

/** ETL/ELT pipelines: CRUD, validation, runs (jobs), executions, modules. */
export { createPipeline, deletePipeline, getPipeline, listPipelines, listVersions, pipelineInput, pipelinePatch, PIPELINE_STATUSES, updatePipeline } from "./crud";
export type { PipelineInput } from "./crud";
export { decidePipelineVersion, pendingPipelineApprovalCount, pendingPipelineApprovals, pipelineApproval, writeTargets } from "./approval";
export type { PipelineApprovalView } from "./approval";
export { cancelExecution, executePipeline, executionLogs, executionMetrics, EXECUTION_STATUSES, getExecution, listExecutions, TRIGGER_TYPES, validateStoredPipeline } from "./executions";
export { findModule, moduleSchema, moduleSummary, pipelineModules } from "./modules";
export { validatePipeline } from "./validate";
export { validateWithSources } from "./validate-sources";
export { validationView } from "./views";
export { previewInput, previewNode } from "./preview";
export type { NodePreview } from "./preview";
