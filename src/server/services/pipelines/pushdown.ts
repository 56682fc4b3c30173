import "server-only";
import { conditionsSql, type Condition } from "./expressions";
import { inputEdges, outputEdges } from "./graph";
import { findModule } from "./modules";
import { aggregateAlias, type AggregateConfig } from "./modules/aggregate";
import type { SelectConfig } from "./modules/transformers";
import { bindParameters, ParamList } from "./params";
import type { PipelineGraph, PipelineNode, PushedQuery } from "./types";

/**
 * The ELT half: a chain of transformers right after a database extractor that the
 * engine can do itself (filter, select/rename/cast, aggregate) is compiled into the
 * extractor's query, so those rows never travel to Node. A chain stops at the first
 * node that cannot be expressed, has more than one input, or whose predecessor feeds
 * more than one node. What was pushed down is logged by the executor.
 */
const QUOTE: Record<string, (n: string) => string> = {
  postgres: (n) => `"${n.replaceAll('"', '""')}"`,
  mysql: (n) => `\`${n.replaceAll("`", "``")}\``,
  sqlite: (n) => `"${n.replaceAll('"', '""')}"`,
};

const CASTS: Record<string, Partial<Record<string, string>>> = {
  postgres: { string: "TEXT", integer: "BIGINT", number: "DOUBLE PRECISION", boolean: "BOOLEAN", date: "TIMESTAMPTZ" },
  mysql: { string: "CHAR", integer: "SIGNED", number: "DOUBLE", date: "DATETIME" },
  sqlite: { string: "TEXT", integer: "INTEGER", number: "REAL" },
};

export function planPushdown(graph: PipelineGraph, params: Record<string, unknown>): Map<string, PushedQuery> {
  const plans = new Map<string, PushedQuery>();
  for (const node of graph.nodes) {
    if (node.type !== "extractor") continue;
    const module = findModule(node.type, node.module);
    const engine = module?.engines?.[0];
    if (!engine || typeof node.config.query !== "string") continue;
    const list = new ParamList(engine === "postgres" ? "dollar" : "question");
    let sql: string;
    try {
      sql = bindParameters(node.config.query.trim().replace(/;\s*$/, ""), params, list);
    } catch {
      continue; // the extractor reports the missing parameter itself
    }
    const quote = QUOTE[engine]!;
    const absorbed: string[] = [];
    let current: PipelineNode = node;
    let depth = 0;
    for (;;) {
      const out = outputEdges(graph, current.id);
      if (out.length !== 1) break;
      const next = graph.nodes.find((n) => n.id === out[0]!.target);
      if (!next || next.type !== "transformer" || inputEdges(graph, next.id).length !== 1) break;
      const before = list.values.length;
      const compiled = compileStep(next, sql, `q${depth}`, engine, quote, list);
      if (!compiled) {
        list.values.length = before;
        break;
      }
      sql = compiled;
      absorbed.push(next.id);
      current = next;
      depth += 1;
    }
    if (absorbed.length) plans.set(node.id, { sql, params: list.values, absorbed, outputNode: current.id });
  }
  return plans;
}

function compileStep(node: PipelineNode, inner: string, alias: string, engine: string, quote: (n: string) => string, params: ParamList): string | null {
  const module = findModule("transformer", node.module);
  const parsed = module?.config.safeParse(node.config);
  if (!parsed?.success) return null;
  const from = `(${inner}) ${alias}`;
  if (node.module === "filter") {
    const c = parsed.data as { conditions: Condition[]; combine: "and" | "or" };
    const where = conditionsSql(c.conditions, c.combine, { quote, params, engine });
    return where ? `SELECT * FROM ${from} WHERE ${where}` : null;
  }
  if (node.module === "select") {
    const c = parsed.data as SelectConfig;
    // Without the column list the query's other columns are unknown here; leave it to Node.
    if (c.columns.length === 0) return null;
    const parts: string[] = [];
    for (const col of c.columns) {
      const cast = c.cast[col];
      const type = cast ? CASTS[engine]?.[cast] : undefined;
      if (cast && !type) return null;
      const expr = type ? `CAST(${quote(col)} AS ${type})` : quote(col);
      parts.push(`${expr} AS ${quote(c.rename[col] ?? col)}`);
    }
    return `SELECT ${parts.join(", ")} FROM ${from}`;
  }
  if (node.module === "aggregate") {
    const c = parsed.data as AggregateConfig;
    const fn = (a: AggregateConfig["aggregations"][number]) => {
      if (a.column === "*") return a.function === "count" ? "COUNT(*)" : null;
      const col = quote(a.column);
      return { count: `COUNT(${col})`, count_distinct: `COUNT(DISTINCT ${col})`, sum: `SUM(${col})`, avg: `AVG(${col})`, min: `MIN(${col})`, max: `MAX(${col})` }[a.function];
    };
    const aggs = c.aggregations.map((a) => {
      const f = fn(a);
      return f ? `${f} AS ${quote(aggregateAlias(a))}` : null;
    });
    if (aggs.some((a) => a === null)) return null;
    const groups = c.group_by.map(quote);
    return `SELECT ${[...groups, ...aggs].join(", ")} FROM ${from}${groups.length ? ` GROUP BY ${groups.join(", ")}` : ""}`;
  }
  return null;
}
