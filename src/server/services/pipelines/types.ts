import "server-only";
import type { z } from "zod";
import type { Principal } from "../principal";

/**
 * What flows between nodes: batches of rows, each naming its columns (the same array
 * from batch to batch), so a node downstream knows the shape even of an empty result.
 * A stream always yields at least one batch, possibly with no rows.
 */
export type ColumnKind = "number" | "string" | "boolean" | "date" | "json" | "binary" | "unknown";
export interface Column {
  name: string;
  kind: ColumnKind;
}
export type Row = Record<string, unknown>;
export interface Batch {
  columns: Column[];
  rows: Row[];
}
export type BatchStream = AsyncIterable<Batch>;

export const NODE_TYPES = ["extractor", "transformer", "loader"] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** What a node's run function may use: who acts, the run's parameters, logging, cancel. */
export interface ModuleContext {
  principal: Principal;
  executionId: string;
  nodeId: string;
  params: Record<string, unknown>;
  signal: AbortSignal;
  log(level: LogLevel, message: string, metadata?: Record<string, unknown>): void;
  /**
   * A loader calls this once its rows are written (uncommitted): it resolves once every
   * node of the run has got that far without error, and rejects when any failed or the
   * run was cancelled. Loaders commit only after it resolves, so a run writes all of its
   * targets or none.
   */
  awaitCommit(): Promise<void>;
  /** A pushdown the planner compiled into this extractor's query (or, with `loader`, this loader's INSERT … SELECT). */
  pushdown?: PushedQuery;
  /** Per input: whether this node is the only reader of its rows, so it may change them in place instead of copying each. */
  ownsInputs?: boolean[];
}

export interface PushedQuery {
  /** SQL with `:param` placeholders already turned into the engine's; values in `params`. */
  sql: string;
  params: unknown[];
  /** The transformer nodes whose work the query now does. */
  absorbed: string[];
  /** The node whose output the query's rows are. */
  outputNode: string;
  /**
   * A database loader into the same data source that runs the query itself as
   * INSERT … SELECT: then the extractor does not run and no row passes through Node.
   */
  loader?: string;
}

export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";

/** What a loader reports when its rows are written (committed after the gate). */
export interface LoadResult {
  rowsWritten: number;
  target: string;
}

interface ModuleBase<C> {
  name: string;
  displayName: string;
  description: string;
  icon: string;
  color: string;
  /** Config schema: validated on save/validate/run, served as JSON Schema. */
  config: z.ZodType<C>;
  /** Inputs the node takes: [min, max]. */
  inputs: [number, number];
  /** Data-source engines the node's `connection_id` may name (absent: no data source). */
  engines?: readonly string[];
}

export interface ExtractorModule<C = any> extends ModuleBase<C> {
  type: "extractor";
  run(ctx: ModuleContext, config: C): BatchStream;
}
export interface TransformerModule<C = any> extends ModuleBase<C> {
  type: "transformer";
  run(ctx: ModuleContext, config: C, inputs: BatchStream[]): BatchStream;
}
export interface LoaderModule<C = any> extends ModuleBase<C> {
  type: "loader";
  run(ctx: ModuleContext, config: C, inputs: BatchStream[]): Promise<LoadResult>;
}
export type PipelineModule = ExtractorModule | TransformerModule | LoaderModule;

/** A node as the executor sees it (normalised from the document's or the canvas's spelling). */
export interface PipelineNode {
  id: string;
  type: NodeType;
  module: string;
  config: Record<string, unknown>;
  label?: string;
  description?: string;
}
export interface PipelineEdge {
  id: string;
  source: string;
  target: string;
  /** Join inputs: `left`/`right` (else the order of the edges). */
  targetHandle?: string | null;
}
export interface PipelineGraph {
  nodes: PipelineNode[];
  edges: PipelineEdge[];
}
