import "server-only";
import { execution } from "../../execution";
import type { Principal } from "../../principal";
import { inputEdges, outputEdges } from "../graph";
import { findModule } from "../modules";
import type { JoinConfig } from "../modules/join";
import { bindParameters, numberMarkers, ParamList } from "../params";
import type { PipelineGraph, PipelineNode, PushedQuery } from "../types";
import { PUSHDOWN_DIALECTS, type PushdownDialect, type RelationColumn } from "./dialects";
import { compileStep, joinStep, type Relation, type StepContext } from "./steps";

/**
 * The ELT half: transformers right after a database extractor that its engine can do
 * (filter, select/rename/cast, derived columns, aggregate, the cleaner's trim, nulls and
 * dedupe, a join with another extractor's rows from the same data source) are compiled
 * into the extractor's query, so those rows never travel to Node. When the chain then
 * ends in a database loader into that same data source (PostgreSQL), the loader runs the
 * query itself as INSERT … SELECT and no row leaves the server. A chain stops at the
 * first node that cannot be expressed, or whose predecessor feeds more than one node.
 * Steps that need the columns ask the engine (`LIMIT 0`, through the execution pipe as
 * the pipeline's owner). The executor logs what was pushed down.
 */
export type DescribeQuery = (connectionId: string, sql: string, params: unknown[]) => Promise<RelationColumn[] | null>;

interface Source {
  connectionId: string;
  engine: string;
  dialect: PushdownDialect;
}

export async function planPushdown(graph: PipelineGraph, params: Record<string, unknown>, describe: DescribeQuery): Promise<Map<string, PushedQuery>> {
  const plans = new Map<string, PushedQuery>();
  const taken = new Set<string>(); // extractors another plan joined into its query
  const nodeOf = (id: string) => graph.nodes.find((n) => n.id === id);
  const soleSuccessor = (id: string) => {
    const out = outputEdges(graph, id);
    return out.length === 1 ? nodeOf(out[0]!.target) : undefined;
  };

  for (const extractor of graph.nodes) {
    if (extractor.type !== "extractor" || taken.has(extractor.id)) continue;
    const source = sourceOf(extractor);
    if (!source) continue;
    const list = new ParamList("marker");
    const ctx = stepContext(source, list, describe);
    const start = boundQuery(extractor, params, list);
    if (start === null) continue;
    let relation: Relation = { sql: start, columns: null };
    const absorbed: string[] = [];
    let current: PipelineNode = extractor;
    for (;;) {
      const next = soleSuccessor(current.id);
      if (!next || next.type !== "transformer") break;
      const mark = list.values.length;
      const into = inputEdges(graph, next.id);
      let compiled: Relation | null = null;
      let joined: string[] = [];
      if (into.length === 1) compiled = await compileStep(next, relation, ctx).catch(() => null);
      else if (into.length === 2 && next.module === "join") {
        const otherEdge = into.find((e) => e.source !== current.id);
        const other = otherEdge ? await sideChain(otherEdge.source) : null;
        const config = findModule("transformer", "join")?.config.safeParse(next.config);
        if (other && config?.success) {
          const leftIsThis = into[0]!.source === current.id;
          const [l, r] = leftIsThis ? [relation, other.relation] : [other.relation, relation];
          compiled = await joinStep(config.data as JoinConfig, l, r, ctx).catch(() => null);
          joined = other.nodes;
        }
      }
      if (!compiled) {
        list.values.length = mark;
        break;
      }
      for (const id of joined) {
        taken.add(id);
        plans.delete(id); // its own chain, planned before, now runs inside this query
      }
      relation = compiled;
      absorbed.push(...joined, next.id);
      current = next;
    }
    const loader = insertSelectLoader(soleSuccessor(current.id), source);
    if (absorbed.length || loader) {
      plans.set(extractor.id, { ...numberMarkers(relation.sql, list.values, source.dialect.paramStyle), absorbed, outputNode: current.id, ...(loader ? { loader } : {}) });
    }

    /** The other input of a join, when it is an extractor on the same data source followed only by compilable steps. */
    async function sideChain(lastId: string): Promise<{ relation: Relation; nodes: string[] } | null> {
      const steps: PipelineNode[] = [];
      let node = nodeOf(lastId);
      while (node?.type === "transformer" && inputEdges(graph, node.id).length === 1 && outputEdges(graph, node.id).length === 1) {
        steps.unshift(node);
        node = nodeOf(inputEdges(graph, node.id)[0]!.source);
      }
      if (!node || node.type !== "extractor" || node.id === extractor.id || outputEdges(graph, node.id).length !== 1) return null;
      const other = sourceOf(node);
      if (!other || other.connectionId !== source!.connectionId || other.engine !== source!.engine) return null;
      const sql = boundQuery(node, params, list);
      if (sql === null) return null;
      let side: Relation | null = { sql, columns: null };
      for (const step of steps) {
        side = await compileStep(step, side, ctx).catch(() => null);
        if (!side) return null;
      }
      return { relation: side, nodes: [node.id, ...steps.map((s) => s.id)] };
    }
  }
  return plans;
}

/** The extractor's data source and engine, where its module reads a database with a query. */
function sourceOf(node: PipelineNode): Source | null {
  const engine = findModule("extractor", node.module)?.engines?.[0];
  const dialect = engine ? PUSHDOWN_DIALECTS[engine] : undefined;
  const connectionId = node.config.connection_id;
  if (!engine || !dialect || typeof connectionId !== "string" || typeof node.config.query !== "string") return null;
  return { connectionId, engine, dialect };
}

function boundQuery(node: PipelineNode, params: Record<string, unknown>, list: ParamList): string | null {
  try {
    return bindParameters(String(node.config.query).trim().replace(/;\s*$/, ""), params, list);
  } catch {
    return null; // the extractor reports the missing parameter itself
  }
}

/** A database loader right after the chain, into the same data source, where the engine runs INSERT … SELECT. */
function insertSelectLoader(next: PipelineNode | undefined, source: Source): string | undefined {
  if (!next || next.type !== "loader" || next.module !== "database" || !source.dialect.insertSelect) return undefined;
  const config = findModule("loader", "database")?.config.safeParse(next.config);
  if (!config?.success) return undefined;
  const c = config.data as { connection_id: string; mode: string };
  // Upsert stays on the batch path: one INSERT … ON CONFLICT cannot touch a key twice.
  return c.connection_id === source.connectionId && c.mode !== "upsert" ? next.id : undefined;
}

function stepContext(source: Source, list: ParamList, describe: DescribeQuery): StepContext {
  let aliases = 0;
  return {
    engine: source.engine,
    dialect: source.dialect,
    params: list,
    alias: () => `quarry_q${aliases++}`,
    async columnsOf(relation) {
      if (relation.columns) return relation.columns;
      const { sql, params } = numberMarkers(relation.sql, list.values, source.dialect.paramStyle);
      relation.columns = await describe(source.connectionId, sql, params).catch(() => null); // the engine could not say: no pushdown for this step
      return relation.columns;
    },
  };
}

/** Describes a compiled query through the execution pipe, as the pipeline's owner (a refusal or failure: the step stays in Node). */
export const describeAs =
  (principal: Principal): DescribeQuery =>
  async (connectionId, sql, params) => {
    const columns = await execution.describe(principal, { dataSourceId: connectionId, sql, params });
    return columns.map((c) => ({ name: c.name, kind: c.kind, type: c.type }));
  };
