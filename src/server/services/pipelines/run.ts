import "server-only";
import type { PipelineNodeMetric } from "@prisma/client";
import { db } from "../../db";
import { processState } from "../../process-state";
import { AppError } from "../../errors";
import { publish } from "../../events/bus";
import type { PipelineProgressEvent } from "../../events/catalogue";
import type { Principal } from "../principal";
import { executeGraph, messageOf, type NodeMetrics } from "./executor";
import { graphOf } from "./graph";
import { describeAs, planPushdown } from "./pushdown";
import { pauseAfterRepeatedFailures } from "./schedule";
import type { LogLevel, PushedQuery } from "./types";

/**
 * One execution, run by the `pipeline-run` job as the pipeline's owner: the version it
 * was started with, its parameters, pushdown planned, the graph streamed. Logs and node
 * metrics are written in small batches while it runs and published on the bus (live
 * progress for tRPC and /ws/pipeline/:id). Every way out leaves it success, failed or
 * cancelled.
 */
const live = processState("pipelines.live-runs", () => new Map<string, AbortController>());

/** Aborts a run in this process, if it runs here. */
export function abortLocalRun(executionId: string): boolean {
  const controller = live.get(executionId);
  controller?.abort();
  return Boolean(controller);
}

export async function runExecution(principal: Principal, executionId: string, signal: AbortSignal, attempt = 1) {
  const execution = await db.pipelineExecution.findUnique({ where: { id: executionId } });
  if (!execution) throw new AppError("NOT_FOUND", `execution ${executionId} was not found`);
  if (!["pending", "running"].includes(execution.status)) return { status: execution.status };
  const version = await db.pipelineVersion.findUnique({ where: { pipelineId_version: { pipelineId: execution.pipelineId, version: execution.version } } });
  if (!version) throw new AppError("NOT_FOUND", `version ${execution.version} of pipeline ${execution.pipelineId} was not found`);
  const pipelineId = execution.pipelineId;
  const config = JSON.parse(version.config) as { pushdown?: boolean };
  const params = JSON.parse(execution.params) as Record<string, unknown>;
  const graph = graphOf(config);

  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  live.set(executionId, controller);

  const recorder = new ExecutionRecorder(executionId, pipelineId, graph.nodes.length);
  // A retry starts over: loaders committed nothing for the attempt that died.
  await db.pipelineNodeMetric.deleteMany({ where: { executionId } });
  await db.pipelineExecution.update({ where: { id: executionId }, data: { status: "running", startedAt: new Date(), error: null, progress: 0 } });
  if (attempt > 1) recorder.log("WARNING", null, `Attempt ${attempt}: the previous attempt stopped before it finished; starting over`);
  recorder.log("INFO", null, `Execution started (version ${execution.version})`, { params });
  recorder.progress("running", null);

  let pushdown = new Map<string, PushedQuery>();
  if (config.pushdown !== false) {
    // A planner failure costs the pushdown, never the run: every node can run in Node.
    pushdown = await planPushdown(graph, params, describeAs(principal)).catch((error: unknown) => {
      recorder.log("WARNING", null, `Pushdown planning failed, so every transformer runs in Node: ${messageOf(error)}`);
      return new Map<string, PushedQuery>();
    });
  } else recorder.log("INFO", null, "Pushdown is off for this pipeline: every transformer runs in Node");
  await db.pipelineExecution.update({
    where: { id: executionId },
    data: { pushdown: JSON.stringify([...pushdown].map(([extractor, p]) => ({ extractor, absorbed: p.absorbed, sql: p.sql, ...(p.loader ? { loader: p.loader } : {}) }))) },
  });

  let result;
  try {
    result = await executeGraph({
      graph,
      principal,
      executionId,
      params,
      signal: controller.signal,
      pushdown,
      hooks: { log: (level, nodeId, message, metadata) => recorder.log(level, nodeId, message, metadata), node: (m) => recorder.node(m) },
    });
  } catch (error) {
    result = { status: "failed" as const, error: messageOf(error), nodes: [], rowsProcessed: 0, bytesProcessed: 0 };
  } finally {
    live.delete(executionId);
    signal.removeEventListener("abort", onAbort);
  }
  if (result.status === "success") recorder.log("INFO", null, `Execution succeeded: ${result.rowsProcessed} rows loaded`, { rows: result.rowsProcessed });
  else if (result.status === "cancelled") recorder.log("WARNING", null, "Execution cancelled; nothing was committed");
  else recorder.log("ERROR", null, `Execution failed: ${result.error}; nothing was committed`);
  await recorder.flush();
  await db.pipelineExecution.update({
    where: { id: executionId },
    data: { status: result.status, error: result.error, completedAt: new Date(), rowsProcessed: result.rowsProcessed, bytesProcessed: result.bytesProcessed, progress: 100, currentNode: null },
  });
  recorder.progress(result.status, null, result.error ?? undefined);
  if (result.status === "failed" && execution.triggerType === "scheduled") {
    const paused = await pauseAfterRepeatedFailures(principal, pipelineId).catch(() => null);
    if (paused) {
      recorder.log("WARNING", null, `Paused after ${paused} scheduled runs in a row failed (stop_after_failures); set the pipeline active again to resume its schedule`);
      await recorder.flush();
    }
  }
  const event = { pipelineId, runId: executionId, userId: execution.triggeredById ?? "", ...(result.error ? { error: result.error } : {}) };
  publish(result.status === "success" ? "pipeline.finished" : "pipeline.failed", pipelineId, event);
  return { status: result.status, rowsProcessed: result.rowsProcessed, error: result.error };
}

/** Batches the execution's log lines and node metrics into app state, and publishes them as they come. */
class ExecutionRecorder {
  private seq = 0;
  private logs: { executionId: string; seq: number; level: string; nodeId: string | null; message: string; metadata: string; createdAt: Date }[] = [];
  private nodes = new Map<string, NodeMetrics>();
  private dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private current: string | null = null;

  constructor(
    readonly executionId: string,
    readonly pipelineId: string,
    readonly nodeCount: number,
  ) {}

  log(level: LogLevel, nodeId: string | null, message: string, metadata: Record<string, unknown> = {}) {
    const createdAt = new Date();
    this.seq += 1;
    this.logs.push({ executionId: this.executionId, seq: this.seq, level, nodeId, message, metadata: JSON.stringify(metadata), createdAt });
    publish("pipeline.log", this.pipelineId, { pipelineId: this.pipelineId, executionId: this.executionId, timestamp: createdAt.toISOString(), level, nodeId, message });
    this.schedule();
  }

  node(m: NodeMetrics) {
    this.nodes.set(m.nodeId, m);
    this.dirty.add(m.nodeId);
    if (m.status === "running") this.current = m.nodeId;
    this.progress("running", this.current);
    this.schedule();
  }

  progress(status: PipelineProgressEvent["status"], currentNode: string | null, error?: string) {
    const done = [...this.nodes.values()].filter((n) => !["pending", "running"].includes(n.status)).length;
    publish("pipeline.progress", this.pipelineId, {
      pipelineId: this.pipelineId,
      executionId: this.executionId,
      status,
      progress: status === "running" ? Math.round((done / Math.max(1, this.nodeCount)) * 100) : 100,
      currentNode,
      nodes: [...this.nodes.values()].map((n) => ({ nodeId: n.nodeId, status: n.status, rowsIn: n.rowsIn, rowsOut: n.rowsOut })),
      ...(error ? { error } : {}),
    });
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, 300);
  }

  /** Writes what is pending; writes never overlap, so lines land in order. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing = this.writing.then(() => this.write()).catch((error) => console.error(`[pipelines] could not record execution ${this.executionId}:`, (error as Error).message));
    return this.writing;
  }

  private async write() {
    const logs = this.logs.splice(0);
    const dirty = [...this.dirty].map((id) => this.nodes.get(id)!);
    this.dirty.clear();
    if (logs.length) await db.pipelineLog.createMany({ data: logs });
    for (const m of dirty) {
      const data: Omit<PipelineNodeMetric, "executionId" | "nodeId" | "updatedAt"> = {
        module: m.module,
        status: m.status,
        rowsIn: m.rowsIn,
        rowsOut: m.rowsOut,
        rowsFiltered: m.rowsFiltered,
        bytesOut: m.bytesOut,
        durationMs: m.durationMs,
        peakMemoryMb: m.peakMemoryMb,
        cpuPercent: m.cpuPercent,
        error: m.error,
      };
      await db.pipelineNodeMetric.upsert({ where: { executionId_nodeId: { executionId: this.executionId, nodeId: m.nodeId } }, create: { executionId: this.executionId, nodeId: m.nodeId, ...data }, update: data });
    }
    const progress = Math.round(([...this.nodes.values()].filter((n) => !["pending", "running"].includes(n.status)).length / Math.max(1, this.nodeCount)) * 100);
    await db.pipelineExecution.updateMany({ where: { id: this.executionId, status: "running" }, data: { currentNode: this.current, progress } });
  }
}
