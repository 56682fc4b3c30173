import "server-only";
import { isAppError } from "../../errors";
import type { Principal } from "../principal";
import { batchBytes, Channel } from "./channel";
import { inputEdges, outputEdges, topologicalOrder } from "./graph";
import { findModule } from "./modules";
import type { Batch, BatchStream, LogLevel, PipelineGraph, PipelineModule, PipelineNode, PushedQuery } from "./types";

/**
 * Runs a validated graph: every node is a task, every edge a bounded channel, so rows
 * stream from node to node with backpressure and all nodes work at once. Loaders write
 * without committing until every node has got through its rows (`awaitCommit`), then
 * commit together; any failure or a cancel fails every channel and rolls them back.
 */
export type NodeStatus = "pending" | "running" | "success" | "failed" | "cancelled" | "pushed_down";

export interface NodeMetrics {
  nodeId: string;
  module: string;
  status: NodeStatus;
  rowsIn: number;
  rowsOut: number;
  rowsFiltered: number;
  bytesOut: number;
  durationMs: number;
  peakMemoryMb: number;
  cpuPercent: number;
  error: string | null;
}

export interface ExecutorHooks {
  log(level: LogLevel, nodeId: string | null, message: string, metadata?: Record<string, unknown>): void;
  /** A node started, moved on (about once per batch), or ended. */
  node(metrics: NodeMetrics): void;
}

export interface ExecuteGraphInput {
  graph: PipelineGraph;
  principal: Principal;
  executionId: string;
  params: Record<string, unknown>;
  signal: AbortSignal;
  pushdown: Map<string, PushedQuery>;
  hooks: ExecutorHooks;
  /** Modules outside the registry (a node preview's collecting sink); looked up before it. */
  extraModules?: PipelineModule[];
  /** Per-edge bounds (defaults: 10,000 rows, 16 MiB). */
  maxBufferRows?: number;
  maxBufferBytes?: number;
}

export interface ExecuteGraphResult {
  status: "success" | "failed" | "cancelled";
  error: string | null;
  nodes: NodeMetrics[];
  rowsProcessed: number;
  bytesProcessed: number;
}

export class CancelledError extends Error {
  constructor() {
    super("The execution was cancelled");
  }
}

export async function executeGraph(input: ExecuteGraphInput): Promise<ExecuteGraphResult> {
  const { graph, hooks } = input;
  const maxRows = input.maxBufferRows ?? 10_000;
  const maxBytes = input.maxBufferBytes ?? 16 * 1024 * 1024;
  const abort = new AbortController();
  let failure: unknown = null;
  const fail = (error: unknown) => {
    if (failure) return;
    failure = error;
    for (const c of channels.values()) c.fail(error);
    abort.abort(error);
    gate.reject(error);
  };
  const onCancel = () => fail(new CancelledError());
  if (input.signal.aborted) onCancel();
  else input.signal.addEventListener("abort", onCancel, { once: true });

  const absorbed = new Map<string, string>(); // absorbed node → its extractor
  const selectLoaders = new Map<string, PushedQuery>(); // loader running INSERT … SELECT → its plan
  for (const [extractor, plan] of input.pushdown) {
    for (const id of plan.absorbed) absorbed.set(id, extractor);
    if (plan.loader) {
      absorbed.set(extractor, extractor);
      selectLoaders.set(plan.loader, plan);
    }
  }
  const outputNodeOf = (id: string) => input.pushdown.get(id)?.outputNode ?? id;
  const pushdownOf = (id: string) => selectLoaders.get(id) ?? input.pushdown.get(id);

  // One channel per edge, except edges inside a pushed-down chain (and into a loader that runs the query itself).
  const channels = new Map<string, Channel>();
  for (const edge of graph.edges) {
    if (absorbed.has(edge.target) || selectLoaders.has(edge.target)) continue;
    channels.set(edge.id, new Channel(unboundedLeft(graph, edge.target, edge.id) ? Number.POSITIVE_INFINITY : maxRows, maxBytes));
  }

  const metrics = new Map<string, NodeMetrics>();
  for (const node of graph.nodes) {
    metrics.set(node.id, { nodeId: node.id, module: node.module, status: absorbed.has(node.id) ? "pushed_down" : "pending", rowsIn: 0, rowsOut: 0, rowsFiltered: 0, bytesOut: 0, durationMs: 0, peakMemoryMb: 0, cpuPercent: 0, error: null });
  }
  for (const [extractor, plan] of input.pushdown) {
    const steps = plan.absorbed.map((id) => `'${id}' (${graph.nodes.find((n) => n.id === id)?.module})`).join(", ");
    const into = plan.loader ? `; '${plan.loader}' loads its rows inside the database` : "";
    hooks.log("INFO", extractor, `Pushed down into the query of '${extractor}': ${steps || "no transformer"}${into}`, { sql: plan.sql, absorbed: plan.absorbed, ...(plan.loader ? { loader: plan.loader } : {}) });
  }

  const loaders = graph.nodes.filter((n) => n.type === "loader");
  const gate = deferred();
  gate.promise.catch(() => undefined);
  let working = graph.nodes.filter((n) => !absorbed.has(n.id)).length;
  const arrived = () => {
    working -= 1;
    if (working === 0 && !failure) gate.resolve();
  };

  const { order } = topologicalOrder(graph);
  const tasks = order
    .map((id) => graph.nodes.find((n) => n.id === id)!)
    .filter((n) => !absorbed.has(n.id))
    .map((node) => runNode(node).catch((error) => fail(error)));

  async function runNode(node: PipelineNode): Promise<void> {
    const module = (input.extraModules?.find((m) => m.type === node.type && m.name === node.module) ?? findModule(node.type, node.module)) as PipelineModule;
    const m = metrics.get(node.id)!;
    const started = Date.now();
    const cpuStart = process.cpuUsage();
    const sample = () => {
      m.peakMemoryMb = Math.max(m.peakMemoryMb, Math.round((process.memoryUsage.rss() / 1048576) * 10) / 10);
      m.durationMs = Date.now() - started;
      const cpu = process.cpuUsage(cpuStart);
      m.cpuPercent = m.durationMs > 0 ? Math.round(((cpu.user + cpu.system) / 1000 / m.durationMs) * 1000) / 10 : 0;
    };
    m.status = "running";
    sample();
    hooks.node({ ...m });
    let lastReport = 0;
    const report = () => {
      // Sampled with the progress report (a few times a second), not per batch.
      if (Date.now() - lastReport > 250) {
        sample();
        lastReport = Date.now();
        hooks.node({ ...m });
      }
    };
    let committed = false;
    const inEdges = inputEdges(graph, node.id).filter((edge) => channels.has(edge.id));
    const ctx = {
      principal: input.principal,
      executionId: input.executionId,
      nodeId: node.id,
      params: input.params,
      signal: abort.signal,
      pushdown: pushdownOf(node.id),
      // Rows read by this node alone may be changed in place; rows other nodes read too must not be.
      ownsInputs: inEdges.map((edge) => outputEdges(graph, edge.source).length === 1),
      log: (level: LogLevel, message: string, metadata?: Record<string, unknown>) => hooks.log(level, node.id, message, metadata),
      awaitCommit: () => {
        if (!committed) {
          committed = true;
          arrived();
        }
        return gate.promise;
      },
    };
    const inputs: BatchStream[] = inEdges.map((edge) => counting(channels.get(edge.id)!, (batch) => {
      m.rowsIn += batch.rows.length;
      report();
    }));
    try {
      const config = module.config.parse(node.config);
      if (module.type === "loader") {
        const result = await module.run(ctx, config, inputs);
        m.rowsOut = result.rowsWritten;
        ctx.awaitCommit(); // a loader that never asked still counts as arrived
      } else {
        const out = module.type === "extractor" ? module.run(ctx, config) : module.run(ctx, config, inputs);
        const targets = outputEdges(graph, outputNodeOf(node.id)).map((e) => channels.get(e.id)!);
        for await (const batch of out) {
          if (abort.signal.aborted) break;
          const bytes = batchBytes(batch);
          m.rowsOut += batch.rows.length;
          m.bytesOut += bytes;
          report();
          await Promise.all(targets.map((t) => t.push(batch, bytes)));
        }
        if (abort.signal.aborted) throw failure ?? new CancelledError();
        for (const t of targets) t.close();
        if (module.type === "transformer") m.rowsFiltered = Math.max(0, m.rowsIn - m.rowsOut);
        arrived();
      }
      sample();
      m.status = "success";
      hooks.log("DEBUG", node.id, `Node finished: ${m.rowsIn} rows in, ${m.rowsOut} out`, { duration_ms: m.durationMs });
    } catch (error) {
      sample();
      const cancelled = error instanceof CancelledError || failure instanceof CancelledError;
      const own = !failure || failure === error;
      m.status = cancelled ? "cancelled" : own ? "failed" : "cancelled";
      m.error = own ? messageOf(error) : "Stopped: another node failed";
      if (own && !cancelled) hooks.log("ERROR", node.id, `Node failed: ${messageOf(error)}`);
      throw error;
    } finally {
      hooks.node({ ...m });
    }
  }

  await Promise.all(tasks);
  input.signal.removeEventListener("abort", onCancel);
  const nodes = [...metrics.values()];
  // A pushed-down node did its work inside the extractor's query: it shows the rows the query returned.
  for (const [extractor, plan] of input.pushdown) {
    const loader = plan.loader ? metrics.get(plan.loader)! : null;
    const rows = loader ? loader.rowsOut : metrics.get(extractor)!.rowsOut;
    if (loader) {
      loader.rowsIn = rows;
      hooks.node({ ...loader });
    }
    for (const id of loader ? [extractor, ...plan.absorbed] : plan.absorbed) {
      // The extractor of an INSERT … SELECT reports the query's rows, as a streaming one does.
      Object.assign(metrics.get(id)!, { rowsOut: id === plan.outputNode || id === extractor ? rows : 0 });
      hooks.node({ ...metrics.get(id)! });
    }
  }
  const rowsProcessed = loaders.reduce((sum, l) => sum + (metrics.get(l.id)?.rowsOut ?? 0), 0);
  const bytesProcessed = nodes.reduce((sum, n) => sum + n.bytesOut, 0);
  if (failure) return { status: failure instanceof CancelledError ? "cancelled" : "failed", error: messageOf(failure), nodes, rowsProcessed, bytesProcessed };
  return { status: "success", error: null, nodes, rowsProcessed, bytesProcessed };
}

async function* counting(source: AsyncIterable<Batch>, seen: (batch: Batch) => void): BatchStream {
  for await (const batch of source) {
    seen(batch);
    yield batch;
  }
}

/**
 * A join reads its right input to the end before its left one. When both come from one
 * upstream node, that node would wait on a full left buffer while the join waits for
 * the rest of the right: the left buffer of such a join has no bound.
 */
function unboundedLeft(graph: PipelineGraph, target: string, edgeId: string): boolean {
  const into = inputEdges(graph, target);
  if (into.length !== 2 || into[0]!.id !== edgeId) return false;
  const ancestors = (id: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(id)) return seen;
    seen.add(id);
    for (const e of inputEdges(graph, id)) ancestors(e.source, seen);
    return seen;
  };
  const left = ancestors(into[0]!.source);
  return [...ancestors(into[1]!.source)].some((id) => left.has(id));
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function messageOf(error: unknown): string {
  if (isAppError(error)) return error.message;
  if (error instanceof CancelledError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
