import "server-only";
import { config } from "../../config";
import type { StreamChunk } from "../../connectors/types";
import { db } from "../../db";
import { isAppError, type AppError } from "../../errors";
import { publish } from "../../events/bus";
import { maskedColumnsFor, maskRows, type MaskingPlan } from "../access/masking";
import type { AuditRecord } from "../audit";
import type { Principal } from "../principal";
import { audit } from "./audit";
import { startTracking, stopTracking } from "./cancel";
import { connectorFor } from "./connection";
import { maskingPlanFor } from "./masking";
import { prepareRead, type StatementInput } from "./prepare";
import { startRun } from "./run-record";

export interface StreamRequest extends StatementInput {
  /** The audit entry of this stream (e.g. `export_query` of a history entry). */
  audit: AuditRecord;
  /** Shown in history (default `export`). */
  source?: string;
  /** Ask for the server's own CSV (PostgreSQL COPY, header included) where the engine has it and nothing needs masking. */
  serverCsv?: boolean;
  /** Values for the statement's placeholders ($1… / ?), bound by the driver (pipeline parameters). */
  params?: unknown[];
  /** Rows per batch (the connector's default when absent). */
  batchSize?: number;
}

/** Either row batches (first chunk names the columns) or the server's CSV bytes. */
export type ReadStream = { runId: string } & ({ kind: "rows"; batches: AsyncIterable<StreamChunk> } | { kind: "csv"; bytes: AsyncIterable<Buffer> });

/**
 * A read's full result, with no row cap, batch by batch from the database cursor, with
 * memory flat at any row count. The pipe as for `read` (permission, analysis, read
 * policy, masking, audit), and a run record of its own (it can fail, or be cut off,
 * long after this returns) that is tracked, so a cancel stops it and a restart
 * reconciles it.
 */
export async function stream(principal: Principal, request: StreamRequest): Promise<ReadStream> {
  const prepared = await prepareRead(principal, request);
  const plan = await maskingPlanFor(prepared);
  await audit(principal, request.audit);
  const run = await startRun(principal, {
    dataSourceId: prepared.dataSource.id,
    sql: prepared.sql,
    kind: "read",
    operation: prepared.statement.operation,
    source: request.source ?? "export",
  });
  const recorder = new StreamRecorder(run.id, startTracking(run.id, run.userId));
  const limits = config();
  const options = {
    readOnly: true as const,
    timeoutMs: limits.QUARRY_EXPORT_TIMEOUT_MS,
    maxValueBytes: limits.QUARRY_QUERY_MAX_VALUE_BYTES,
    signal: recorder.signal,
    params: request.params,
    batchSize: request.batchSize,
  };
  const connector = connectorFor(prepared.dataSource);
  // COPY bypasses row objects, so a stream whose columns may need masking goes row by row.
  if (request.serverCsv && connector.copyOut && plan.mode === "off") {
    return { runId: run.id, kind: "csv", bytes: recorder.follow(connector.copyOut(prepared.statement.text, options)) };
  }
  return { runId: run.id, kind: "rows", batches: recorder.follow(masked(plan, connector.stream(prepared.statement.text, options))) };
}

/** Applies the masking plan to a batch stream (the first chunk names the columns). */
async function* masked(plan: MaskingPlan, batches: AsyncIterable<StreamChunk>): AsyncIterable<StreamChunk> {
  let columns: Set<string> | null = null;
  for await (const batch of batches) {
    if ("columns" in batch) {
      columns = maskedColumnsFor(plan, batch.columns);
      yield batch;
    } else yield { rows: maskRows(batch.rows, columns) };
  }
}

type Outcome = "completed" | "failed" | "cancelled";

/**
 * Ends the stream's run record: completed, failed (with the reason) or cancelled when
 * the client goes away, with the rows sent, and its status on the bus.
 */
class StreamRecorder {
  private rows = 0;
  private finished = false;

  constructor(
    readonly runId: string,
    readonly signal: AbortSignal,
  ) {}

  /**
   * Wraps the chunks the response pulls. A plain iterator, not a generator: a stream
   * cancelled before its first pull still calls `return`, and that still ends the run.
   */
  follow<T>(source: AsyncIterable<T>): AsyncIterable<T> {
    const count = (chunk: T) => ((chunk as { rows?: unknown[] }).rows?.length ?? 0);
    return {
      [Symbol.asyncIterator]: () => {
        const inner = source[Symbol.asyncIterator]();
        return {
          next: async () => {
            try {
              const step = await inner.next();
              if (step.done) await this.finish("completed");
              else this.rows += count(step.value);
              return step;
            } catch (error) {
              await this.finish(this.signal.aborted ? "cancelled" : "failed", error);
              throw error;
            }
          },
          return: async (value?: unknown) => {
            await this.finish("cancelled");
            return (await inner.return?.(value)) ?? { done: true as const, value: undefined };
          },
        };
      },
    };
  }

  private async finish(outcome: Outcome, error?: unknown): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    stopTracking(this.runId);
    const message =
      outcome === "completed" ? null : outcome === "cancelled" ? "The export was cancelled" : isAppError(error) ? (error as AppError).message : "The export failed";
    try {
      await db.queryRun.updateMany({
        where: { id: this.runId, status: "running" },
        data: { status: outcome, rowCount: this.rows, error: message, finishedAt: new Date() },
      });
      publish("query.status", this.runId, { queryId: this.runId, status: outcome, rowCount: this.rows, ...(message ? { error: message } : {}) });
    } catch (recordError) {
      console.error(`[execution] could not record the end of stream ${this.runId}:`, (recordError as Error).message);
    }
  }
}
