import { describe, expect, it } from "vitest";
import { COLUMN_WIDTH, ROW_HEIGHT, withPositions } from "./auto-layout";

const column = (n: { position: { x: number } }) => Math.round(n.position.x / COLUMN_WIDTH);

describe("withPositions", () => {
  it("lays a graph without positions out in columns by depth, no two nodes on one spot", () => {
    // two extractors → join → cleaner → two loaders, listed out of order
    const nodes = ["load-b", "join", "src-a", "clean", "src-b", "load-a"].map((id) => ({ id }));
    const edges = [
      { source: "src-a", target: "join" },
      { source: "src-b", target: "join" },
      { source: "join", target: "clean" },
      { source: "clean", target: "load-a" },
      { source: "clean", target: "load-b" },
    ];
    const laid = new Map(withPositions(nodes, edges).map((n) => [n.id, n]));
    expect(column(laid.get("src-a")!)).toBe(column(laid.get("src-b")!));
    expect(column(laid.get("join")!)).toBe(column(laid.get("src-a")!) + 1);
    expect(column(laid.get("clean")!)).toBe(column(laid.get("join")!) + 1);
    expect(column(laid.get("load-a")!)).toBe(column(laid.get("clean")!) + 1);
    const spots = [...laid.values()].map((n) => `${n.position.x},${n.position.y}`);
    expect(new Set(spots).size).toBe(nodes.length);
  });

  it("keeps the positions a graph has and puts the rest below them", () => {
    const nodes = [{ id: "a", position: { x: 500, y: 300 } }, { id: "b" }, { id: "c", position: null }];
    const laid = withPositions(nodes, [{ source: "a", target: "b" }]);
    expect(laid[0]!.position).toEqual({ x: 500, y: 300 });
    expect(laid[1]!.position.y).toBeGreaterThanOrEqual(300 + ROW_HEIGHT);
    expect(laid[2]!.position.y).toBeGreaterThanOrEqual(300 + ROW_HEIGHT);
    expect(laid[1]!.position.x).toBeGreaterThan(laid[2]!.position.x);
  });

  it("survives cycles and edges to missing nodes", () => {
    const laid = withPositions([{ id: "a" }, { id: "b" }], [{ source: "a", target: "b" }, { source: "b", target: "a" }, { source: "ghost", target: "a" }]);
    expect(laid.every((n) => Number.isFinite(n.position.x) && Number.isFinite(n.position.y))).toBe(true);
  });

  it("leaves a fully placed graph as it is", () => {
    const nodes = [{ id: "a", position: { x: 1, y: 2 } }];
    expect(withPositions(nodes, [])).toBe(nodes);
  });
});
