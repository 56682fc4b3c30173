import "server-only";
import { Cron } from "croner";
import { graphOf, inputEdges, outputEdges, topologicalOrder } from "./graph";
import { findModule } from "./modules";
import { parameterNames } from "./params";
import { NODE_TYPES, type PipelineGraph } from "./types";

/**
 * What is wrong with a pipeline before it runs. Errors stop a run; warnings do not.
 * Each issue names its node or edge, so the canvas can mark it. `message` is a sentence;
 * the ETL Builder document lists warnings as sentences, its own frontend as objects,
 * so the view sends both (see views.ts).
 */
export interface ValidationIssue {
  type: string;
  message: string;
  node_id?: string;
  edge_id?: string;
  field?: string;
}

export interface ValidationReport {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export interface ValidateOptions {
  schedule?: string | null;
  /** Parameter values a run would have (defaults, or defaults over a run request's). */
  params?: Record<string, unknown>;
  /** Report parameters with no value as errors (a run) rather than warnings (a save). */
  requireParams?: boolean;
  /** Data sources (id → name) that take one writer at a time; see validate-sources.ts. */
  singleWriterSources?: Map<string, string>;
}

export function validatePipeline(config: unknown, options: ValidateOptions = {}): ValidationReport {
  const graph = graphOf(config);
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const ids = new Set<string>();

  if (graph.nodes.length === 0) errors.push({ type: "empty_pipeline", message: "The pipeline has no nodes" });
  for (const node of graph.nodes) {
    if (ids.has(node.id)) errors.push({ type: "duplicate_node", message: `Node id '${node.id}' is used twice`, node_id: node.id });
    ids.add(node.id);
    if (!(NODE_TYPES as readonly string[]).includes(node.type)) {
      errors.push({ type: "invalid_node_type", message: `Node '${node.id}' has type '${node.type}'; use extractor, transformer or loader`, node_id: node.id });
      continue;
    }
    const module = findModule(node.type, node.module);
    if (!module) {
      errors.push({ type: "unknown_module", message: `Node '${node.id}' uses the unknown ${node.type} module '${node.module}'`, node_id: node.id });
      continue;
    }
    const parsed = module.config.safeParse(node.config);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join(".");
        errors.push({ type: "invalid_config", message: `Node '${node.id}': ${field ? `${field}: ` : ""}${issue.message}`, node_id: node.id, field: field || undefined });
      }
    }
    const inputs = inputEdges(graph, node.id).length;
    const [min, max] = module.inputs;
    if (node.type === "loader" && inputs === 0) errors.push({ type: "loader_without_input", message: `Loader '${node.id}' has no input`, node_id: node.id });
    else if (inputs < min) errors.push({ type: "missing_input", message: `Node '${node.id}' (${module.displayName}) needs ${min} input${min > 1 ? "s" : ""}, has ${inputs}`, node_id: node.id });
    else if (inputs > max) errors.push({ type: "too_many_inputs", message: `Node '${node.id}' (${module.displayName}) takes ${max} input${max === 1 ? "" : "s"}, has ${inputs}`, node_id: node.id });
    if (node.type !== "loader" && outputEdges(graph, node.id).length === 0) {
      warnings.push({ type: "unused_output", message: `Node '${node.id}' feeds no other node; its rows go nowhere`, node_id: node.id });
    }
    if (!node.description && !node.label) warnings.push({ type: "no_description", message: `Node '${node.id}' has no description`, node_id: node.id });
    if (module.type === "extractor" && typeof node.config.query === "string") {
      const missing = parameterNames(node.config.query).filter((p) => options.params?.[p] === undefined);
      for (const p of missing) {
        (options.requireParams ? errors : warnings).push({ type: "missing_parameter", message: `Node '${node.id}' uses :${p}, which has no default value`, node_id: node.id, field: `params.${p}` });
      }
    }
  }
  for (const edge of graph.edges) {
    for (const end of [edge.source, edge.target]) {
      if (!ids.has(end)) errors.push({ type: "dangling_edge", message: `Edge '${edge.id}' points at the missing node '${end || "(none)"}'`, edge_id: edge.id });
    }
    if (edge.source === edge.target) errors.push({ type: "cycle", message: `Edge '${edge.id}' connects node '${edge.source}' to itself`, edge_id: edge.id });
    const target = graph.nodes.find((n) => n.id === edge.target);
    if (target?.type === "extractor") errors.push({ type: "extractor_with_input", message: `Extractor '${target.id}' cannot take an input`, edge_id: edge.id, node_id: target.id });
    const source = graph.nodes.find((n) => n.id === edge.source);
    if (source?.type === "loader") errors.push({ type: "loader_with_output", message: `Loader '${source.id}' has no output to connect`, edge_id: edge.id, node_id: source.id });
  }
  const { cyclic } = topologicalOrder(graph);
  if (cyclic.length && !errors.some((e) => e.type === "cycle")) {
    errors.push({ type: "cycle", message: `The graph has a cycle through ${cyclic.map((c) => `'${c}'`).join(", ")}` });
  }
  checkColumnTypes(graph, errors);
  if (options.schedule) {
    try {
      new Cron(options.schedule, { paused: true }).stop();
    } catch {
      errors.push({ type: "invalid_schedule", message: `The schedule '${options.schedule}' is not a cron expression`, field: "schedule" });
    }
  }
  const stopAfter = stopAfterFailures(config);
  if (stopAfter === "invalid") {
    errors.push({ type: "invalid_schedule", message: "stop_after_failures must be a whole number from 1 to 100 (or left out)", field: "config.stop_after_failures" });
  }
  if (!graph.nodes.some((n) => n.type === "loader") && graph.nodes.length) warnings.push({ type: "no_loader", message: "The pipeline has no loader; its rows are not written anywhere" });
  const writers = new Map<string, string>();
  for (const node of graph.nodes) {
    const source = node.type === "loader" && node.module === "database" ? node.config.connection_id : undefined;
    if (typeof source !== "string" || !options.singleWriterSources?.has(source)) continue;
    const first = writers.get(source);
    if (first === undefined) writers.set(source, node.id);
    else {
      errors.push({
        type: "single_writer",
        message: `Loaders '${first}' and '${node.id}' both write to ${options.singleWriterSources.get(source)}, a SQLite database: it takes one writer at a time and a run commits its loaders together, so the second would wait for ever. Load one of them in another run, or into a file`,
        node_id: node.id,
        field: "connection_id",
      });
    }
  }
  checkSharedTargets(graph, errors);
  return { valid: errors.length === 0, errors, warnings };
}

/**
 * A run commits its loaders together, each holding its transaction open until all are
 * through. Two database loaders into one table, one of them creating, replacing or
 * upserting it, would make the second wait on the first's uncommitted DDL or rows until
 * the statement timeout: refused on the second loader's node. Two appends take no such
 * locks and are allowed.
 */
function checkSharedTargets(graph: PipelineGraph, errors: ValidationIssue[]): void {
  const loaders = graph.nodes.filter((n) => n.type === "loader" && n.module === "database" && typeof n.config.connection_id === "string" && typeof n.config.table === "string");
  for (let i = 1; i < loaders.length; i++) {
    const node = loaders[i]!;
    const first = loaders
      .slice(0, i)
      .find((other) => other.config.connection_id === node.config.connection_id && sameTable(String(other.config.table), String(node.config.table)) && (modeOf(other) !== "append" || modeOf(node) !== "append"));
    if (!first) continue;
    errors.push({
      type: "shared_target",
      message: `Loaders '${first.id}' and '${node.id}' both load ${String(node.config.table)} (${modeOf(first)} and ${modeOf(node)}): a run commits its loaders together, so the second would wait on the first. Feed one loader (a SQL transformer can union two inputs), or append with both`,
      node_id: node.id,
      field: "table",
    });
  }
}

const modeOf = (node: PipelineGraph["nodes"][number]) => (typeof node.config.mode === "string" ? node.config.mode : "append");

/** Whether two table names can be one table: quotes and case aside, and a bare name matching a qualified one's last part. */
function sameTable(a: string, b: string): boolean {
  const parts = (name: string) => name.split(".").map((p) => p.trim().replace(/^["`\[]|["`\]]$/g, "").toLowerCase());
  const x = parts(a);
  const y = parts(b);
  if (x.length === y.length) return x.join(".") === y.join(".");
  return x.at(-1) === y.at(-1);
}

/**
 * Type mismatches the configs alone reveal: a join whose key counts differ, an upsert
 * without keys. Column types of database extractors are only known when they run.
 */
function checkColumnTypes(graph: PipelineGraph, errors: ValidationIssue[]): void {
  for (const node of graph.nodes) {
    if (node.module === "join" && Array.isArray(node.config.left_on) && Array.isArray(node.config.right_on) && node.config.left_on.length !== node.config.right_on.length) {
      errors.push({ type: "type_mismatch", message: `Join '${node.id}' compares ${node.config.left_on.length} left keys with ${node.config.right_on.length} right keys`, node_id: node.id });
    }
    if (node.type === "loader" && node.config.mode === "upsert" && !(Array.isArray(node.config.keys) && node.config.keys.length)) {
      errors.push({ type: "invalid_config", message: `Loader '${node.id}' upserts but names no key columns`, node_id: node.id, field: "keys" });
    }
  }
}

/**
 * Kestra's `stopAfter`: `config.stop_after_failures` = N pauses the pipeline (status
 * `paused`, schedule disarmed) after N scheduled runs in a row failed. Null when unset.
 */
export function stopAfterFailures(config: unknown): number | null | "invalid" {
  const value = (config as { stop_after_failures?: unknown } | null)?.stop_after_failures;
  if (value === undefined || value === null) return null;
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 100 ? value : "invalid";
}
