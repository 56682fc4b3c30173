import "server-only";
import type { QueryRun } from "@prisma/client";
import { db } from "../../db";
import { isAppError } from "../../errors";
import type { SessionUser } from "../auth/session";
import { publish } from "../../events/bus";
import { startTracking, stopTracking } from "./running";

type Outcome = "completed" | "failed" | "cancelled";

/**
 * The run record of one export (source "export"): running while it streams, then
 * completed, failed (with the reason) or cancelled when the client goes away. It is
 * tracked like any run, so `cancelRun` stops it and a restart reconciles it.
 */
export class ExportRecorder {
  private rows = 0;
  private finished = false;

  private constructor(
    readonly runId: string,
    readonly signal: AbortSignal,
  ) {}

  static async start(user: SessionUser, of: QueryRun, operation: string): Promise<ExportRecorder> {
    const run = await db.queryRun.create({
      data: { userId: user.id, dataSourceId: of.dataSourceId, sql: of.sql, kind: "read", operation, status: "running", source: "export" },
    });
    publish("query.status", run.id, { queryId: run.id, status: "executing" });
    return new ExportRecorder(run.id, startTracking(run.id, user.id));
  }

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
    const message = outcome === "completed" ? null : outcome === "cancelled" ? "The export was cancelled" : isAppError(error) ? error.message : "The export failed";
    try {
      await db.queryRun.updateMany({
        where: { id: this.runId, status: "running" },
        data: { status: outcome, rowCount: this.rows, error: message, finishedAt: new Date() },
      });
      publish("query.status", this.runId, { queryId: this.runId, status: outcome, rowCount: this.rows, ...(message ? { error: message } : {}) });
    } catch (recordError) {
      console.error(`[export] could not record the end of run ${this.runId}:`, (recordError as Error).message);
    }
  }
}
