import "server-only";
import { z } from "zod";
import { defineJob } from "../definition";

/**
 * One pipeline execution, run as the pipeline's owner. One attempt by default: a run
 * whose worker died is marked failed by the reconciliation (loaders committed nothing),
 * and a retry, when asked for, starts the execution over.
 */
export const pipelineRunJob = defineJob({
  name: "pipeline-run",
  payloadSchema: z.object({ executionId: z.string().min(1).max(100) }),
  maxAttempts: 1,
  async run({ executionId }, ctx) {
    // Imported here: the pipelines service imports this definition to enqueue it.
    const { runExecution } = await import("../../services/pipelines/run");
    return runExecution(ctx.principal, executionId, ctx.signal, ctx.attempt);
  },
});

/** A schedule tick of a pipeline: starts one execution (trigger `scheduled`). */
export const pipelineScheduleJob = defineJob({
  name: "pipeline-schedule",
  payloadSchema: z.object({ pipelineId: z.string().min(1).max(100) }),
  maxAttempts: 1,
  async run({ pipelineId }, ctx) {
    const { executePipeline } = await import("../../services/pipelines/executions");
    const started = await executePipeline(ctx.principal, pipelineId, { triggerType: "scheduled" });
    return { executionId: started.execution_id };
  },
});
