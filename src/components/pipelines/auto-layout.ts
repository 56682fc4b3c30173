/**
 * Places the nodes a graph gives no position (pipelines made over the API rarely do) in
 * columns by depth, left to right as the data flows, so they do not all stack at the
 * origin. Nodes that have a position keep it; new ones go below everything placed.
 */
export interface LayoutNode {
  id: string;
  position?: { x: number; y: number } | null;
}
export interface LayoutEdge {
  source: string;
  target: string;
}

export const COLUMN_WIDTH = 240;
export const ROW_HEIGHT = 120;
const MARGIN = 40;

const isPoint = (p: LayoutNode["position"]): p is { x: number; y: number } =>
  !!p && Number.isFinite(p.x) && Number.isFinite(p.y);

/** Depth of each node: the longest chain of edges leading to it (cycles are cut, never followed twice). */
function depths(nodes: LayoutNode[], edges: LayoutEdge[]): Map<string, number> {
  const ids = new Set(nodes.map((n) => n.id));
  const incoming = new Map<string, string[]>();
  for (const e of edges) {
    if (!ids.has(e.source) || !ids.has(e.target)) continue;
    incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map(visit)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const n of nodes) visit(n.id);
  return depth;
}

export function withPositions<N extends LayoutNode>(nodes: N[], edges: LayoutEdge[]): (N & { position: { x: number; y: number } })[] {
  if (nodes.every((n) => isPoint(n.position))) return nodes as (N & { position: { x: number; y: number } })[];
  const depth = depths(nodes, edges);
  const placed = nodes.filter((n) => isPoint(n.position)).map((n) => n.position as { x: number; y: number });
  const top = placed.length ? Math.max(...placed.map((p) => p.y)) + ROW_HEIGHT : MARGIN;
  const rowsUsed = new Map<number, number>();
  return nodes.map((n) => {
    if (isPoint(n.position)) return n as N & { position: { x: number; y: number } };
    const column = depth.get(n.id) ?? 0;
    const row = rowsUsed.get(column) ?? 0;
    rowsUsed.set(column, row + 1);
    return { ...n, position: { x: MARGIN + column * COLUMN_WIDTH, y: top + row * ROW_HEIGHT } };
  });
}
