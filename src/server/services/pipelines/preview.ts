import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../errors";
import { requireActingUser, type Principal } from "../principal";
import { executeGraph } from "./executor";
import { graphOf, inputEdges } from "./graph";
import { describeAs, planPushdown } from "./pushdown";
import type { Column, LoaderModule, PipelineGraph, Row } from "./types";
import { validatePipeline } from "./validate";

/**
 * The first rows out of any node of a graph as it is on the canvas (saved or not): the
 * node and everything upstream of it run as the caller (reads through the execution
 * pipe, with their permissions and masking) into a sink that keeps `limit` rows and then
 * stops the run. Loaders never run: previewing a loader shows the rows it would receive.
 */
export const previewInput = z.object({
  config: z.unknown(),
  node_id: z.string().min(1).max(200),
  params: z.record(z.string(), z.unknown()).optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
/** As the transports parse it (`limit` may be left out by in-process callers). */
export type PreviewInput = Omit<z.output<typeof previewInput>, "limit"> & { limit?: number };

export interface NodePreview {
  node_id: string;
  columns: Column[];
  rows: Row[];
  /** More rows would have come (the preview stopped at `limit`). */
  truncated: boolean;
  duration_ms: number;
}

const SINK = "__preview";

/** The node and every node it depends on. */
function upstreamOf(graph: PipelineGraph, nodeId: string): Set<string> {
  const keep = new Set<string>();
  const visit = (id: string) => {
    if (keep.has(id)) return;
    keep.add(id);
    for (const e of inputEdges(graph, id)) visit(e.source);
  };
  visit(nodeId);
  return keep;
}

export async function previewNode(principal: Principal, input: PreviewInput): Promise<NodePreview> {
  requireActingUser(principal);
  const limit = input.limit ?? 50;
  const graph = graphOf(input.config);
  const target = graph.nodes.find((n) => n.id === input.node_id);
  if (!target) throw new AppError("NOT_FOUND", `The graph has no node '${input.node_id}'`);
  // A loader's preview is what flows into it; a loader with several inputs has no one answer.
  let feeding = target.id;
  if (target.type === "loader") {
    const into = inputEdges(graph, target.id);
    if (into.length !== 1) throw new AppError("VALIDATION_ERROR", `The loader '${target.id}' has ${into.length} inputs; preview the node that feeds it`);
    feeding = into[0]!.source;
  }
  const keep = upstreamOf(graph, feeding);
  const sub: PipelineGraph = {
    nodes: [...graph.nodes.filter((n) => keep.has(n.id) && n.type !== "loader"), { id: SINK, type: "loader", module: SINK, config: {} }],
    edges: [...graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)), { id: `${feeding}->${SINK}`, source: feeding, target: SINK }],
  };
  const params = input.params ?? {};
  // The upstream part as it stands (the sink is not a registered module, so it is left out).
  const { errors } = validatePipeline({ nodes: sub.nodes.filter((n) => n.id !== SINK), edges: sub.edges.filter((e) => e.target !== SINK) }, { params, requireParams: true });
  if (errors.length) {
    throw new AppError("VALIDATION_ERROR", `Cannot preview: ${errors[0]!.message}`, {
      fields: errors.map((e) => ({ field: e.field ?? e.node_id ?? "config", message: e.message })),
    });
  }

  const rows: Row[] = [];
  let columns: Column[] = [];
  let truncated = false;
  const stop = new AbortController();
  const sink: LoaderModule<Record<string, never>> = {
    type: "loader",
    name: SINK,
    displayName: "Preview",
    description: "Keeps the first rows",
    icon: "eye",
    color: "#888",
    config: z.object({}) as unknown as z.ZodType<Record<string, never>>,
    inputs: [1, 1],
    async run(_ctx, _config, inputs) {
      for await (const batch of inputs[0]!) {
        if (columns.length === 0) columns = batch.columns;
        for (const row of batch.rows) {
          if (rows.length >= limit) {
            truncated = true;
            stop.abort();
            return { rowsWritten: rows.length, target: "preview" };
          }
          rows.push(row);
        }
      }
      return { rowsWritten: rows.length, target: "preview" };
    },
  };
  const started = Date.now();
  const result = await executeGraph({
    graph: sub,
    principal,
    executionId: `preview-${randomUUID()}`,
    params,
    signal: stop.signal,
    pushdown: await planPushdown(sub, params, describeAs(principal)),
    hooks: { log: () => undefined, node: () => undefined },
    extraModules: [sink],
    maxBufferRows: Math.max(limit * 2, 1000),
  });
  if (result.status === "failed") throw new AppError("QUERY_FAILED", `The preview failed: ${result.error}`);
  if (result.status === "cancelled" && !truncated) throw new AppError("INTERNAL", "The preview stopped before it had its rows");
  return { node_id: input.node_id, columns, rows, truncated, duration_ms: Date.now() - started };
}

