import "server-only";
import { NODE_TYPES, type NodeType, type PipelineEdge, type PipelineGraph, type PipelineNode } from "./types";

/**
 * A pipeline's stored config is kept as the client sent it; the executor reads it
 * through here. Two spellings arrive: the ETL Builder document's
 * (`{id, type, module, config}`) and its canvas's React Flow nodes
 * (`{id, type, data: {moduleId, config, label}}`); both become one `PipelineNode`.
 */
const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const asString = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

export function graphOf(config: unknown): PipelineGraph {
  const c = asRecord(config);
  const nodes = (Array.isArray(c.nodes) ? c.nodes : []).map((raw, i): PipelineNode => {
    const n = asRecord(raw);
    const data = asRecord(n.data);
    const type = asString(n.type) ?? asString(data.type) ?? "";
    return {
      id: asString(n.id) ?? `node-${i + 1}`,
      type: (NODE_TYPES as readonly string[]).includes(type) ? (type as NodeType) : (type as NodeType),
      module: asString(n.module) ?? asString(data.module) ?? asString(data.moduleId) ?? "",
      config: asRecord(n.config ?? data.config),
      label: asString(data.label) ?? asString(n.label),
      description: asString(n.description) ?? asString(data.description),
    };
  });
  const edges = (Array.isArray(c.edges) ? c.edges : []).map((raw, i): PipelineEdge => {
    const e = asRecord(raw);
    return {
      id: asString(e.id) ?? `edge-${i + 1}`,
      source: asString(e.source) ?? "",
      target: asString(e.target) ?? "",
      targetHandle: asString(e.targetHandle) ?? asString(e.target_handle) ?? null,
    };
  });
  return { nodes, edges };
}

/** Edges into `nodeId`, `left` before `right`, else in the order they were drawn. */
export function inputEdges(graph: PipelineGraph, nodeId: string): PipelineEdge[] {
  const rank = (e: PipelineEdge) => (e.targetHandle === "left" ? 0 : e.targetHandle === "right" ? 2 : 1);
  return graph.edges.filter((e) => e.target === nodeId).sort((a, b) => rank(a) - rank(b));
}

export const outputEdges = (graph: PipelineGraph, nodeId: string) => graph.edges.filter((e) => e.source === nodeId);

/** Kahn's algorithm: the nodes in an order where every edge goes forward, or the nodes left on a cycle. */
export function topologicalOrder(graph: PipelineGraph): { order: string[]; cyclic: string[] } {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const indegree = new Map([...ids].map((id) => [id, 0]));
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  for (const e of edges) indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
  const ready = [...ids].filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const e of edges.filter((x) => x.source === id)) {
      const left = (indegree.get(e.target) ?? 0) - 1;
      indegree.set(e.target, left);
      if (left === 0) ready.push(e.target);
    }
  }
  return { order, cyclic: [...ids].filter((id) => !order.includes(id)) };
}
