import "server-only";
import { analyzeOrThrow, singleStatement } from "./analyze";
import { cancelRun, runningQuery } from "./cancel";
import { describe } from "./describe";
import { closeAllConnections, engineCapabilities, evictDataSourceConnector, introspect, probeConnection, testConnection } from "./connection";
import { assessWrite, explain, previewDecision } from "./explain";
import { load } from "./load";
import { maskingPlanFor } from "./masking";
import { permission, prepare, prepareRead } from "./prepare";
import { read } from "./read";
import { stream } from "./stream";
import { commit, dryRun, preview, revert } from "./write";

/**
 * THE way to run SQL against a target database. Every statement, whoever asks (editor,
 * REST, export, validation, approvals, schema sync, jobs, later chat and pipelines),
 * goes through here with a `Principal`: permission → analysis → safety policy →
 * masking → run record + cancel tracking → run → status events → audit. This module is
 * the only importer of the connector registry (see execution/boundary.test.ts).
 *
 *   const out = await execution.read(principal, { dataSourceId, sql }, { source: "chat" });
 *
 * Each step is its own small function (prepare.ts, masking.ts, run-record.ts, audit.ts,
 * cancel.ts), so a step can be cached or batched without touching the others.
 */
export const execution = {
  /** Permission step alone: the data source, if the principal may read it. */
  permission,
  /** Permission, analysis and read policy for one statement, without running it. */
  prepare,
  /** As `prepare`, refusing anything but a read. */
  prepareRead,
  /** Analysis step alone (no data source, no permission): parse, classify, outside-database check. */
  analyze: analyzeOrThrow,
  singleStatement,
  /** Rows of one read (capped), stored in history. */
  read,
  /** A read's full result as a stream (export, pipeline extract). */
  stream,
  /** The columns a read would return, without running it for rows (pipeline pushdown). */
  describe,
  /** The planner's estimate of a read (validation). */
  explain,
  /** What an approval request is filed with: preview decision, estimate, plan. */
  assessWrite,
  /** Whether a write may be dry-run, from the catalogue as it is now. */
  previewDecision,
  /** Pipeline loaders: rows into a table the principal may write to, committed all or nothing. */
  load,
  /** Writes, driven by the approval request's state. */
  write: { dryRun, preview, commit, revert },
  /** The masking plan of a read for its reader (stored rows are re-masked with it). */
  maskingPlan: maskingPlanFor,
  /** Connection test, catalogue introspection and pool lifecycle for the data-source service. */
  testConnection,
  introspect,
  probeConnection,
  evict: evictDataSourceConnector,
  /** What an engine can do, without connecting (pipeline validation). */
  capabilities: engineCapabilities,
  closeAll: closeAllConnections,
  /** A run in flight in this process (cancel requests reach it through its controller). */
  running: runningQuery,
  /** Stops a run (the caller checks it may): aborts it here, or ends it when its process is gone. */
  cancel: cancelRun,
};

export type { Analysis } from "./analyze";
export type { ReadEstimate, WriteAssessment } from "./explain";
export type { Prepared, StatementInput } from "./prepare";
export type { Previewability } from "./previewable";
export type { LoadMode, LoadOutcome, LoadRequest } from "./load";
export type { ReadOptions, ReadOutcome } from "./read";
export type { ReadStream, StreamRequest } from "./stream";
export type { WriteTarget } from "./write";
