import "server-only";
import { stringify } from "csv-stringify";
import { config } from "../../config";
import { notFound } from "../../errors";
import { maskedColumnsFor, maskRows, type MaskingPlan } from "../access/masking";
import { recordAudit } from "../audit";
import type { SessionUser } from "../auth/session";
import { inspectRead } from "./gateway";
import { ExportRecorder } from "./export-run";
import { ownRun } from "./history";
import { maskingPlanFor } from "./masking-plan";

export type ExportFormat = "csv" | "json";

export interface ExportFile {
  filename: string;
  contentType: string;
  stream: ReadableStream<Uint8Array>;
}

/**
 * Re-runs a query from the caller's history on the read-only path and streams its
 * full result (no row cap) as CSV or JSON. Rows flow batch by batch from the database
 * cursor to the client with back-pressure, so memory stays flat at any row count.
 */
export async function exportQuery(
  user: SessionUser,
  queryId: string,
  options: { format: ExportFormat; includeHeaders: boolean },
): Promise<ExportFile> {
  const run = await ownRun(user, queryId);
  if (!run.dataSourceId) throw notFound("Query", queryId);
  const check = await inspectRead(user, run.dataSourceId, run.sql);
  const plan = await maskingPlanFor(check);
  await recordAudit(
    { userId: user.id, label: user.email },
    { action: "export_query", resourceType: "query", resourceId: queryId, details: { format: options.format } },
  );
  // The export is a run of its own: it can fail (or be cut off) long after this returns.
  const recorder = await ExportRecorder.start(user, run, check.statement.operation);
  const limits = config();
  const streamOptions = {
    readOnly: true as const,
    timeoutMs: limits.QUARRY_EXPORT_TIMEOUT_MS,
    maxValueBytes: limits.QUARRY_QUERY_MAX_VALUE_BYTES,
    signal: recorder.signal,
  };
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  const masked = maskedStream(plan);
  if (options.format === "json") {
    const batches = recorder.follow(masked(check.connector.stream(check.statement.text, streamOptions)));
    return { filename: `query-${stamp}.json`, contentType: "application/json; charset=utf-8", stream: jsonStream(batches) };
  }
  // Where the server can produce CSV itself (PostgreSQL COPY), its bytes pass straight through.
  // (Not when columns may need masking: COPY bypasses row objects, so that happens row by row here.)
  const stream =
    check.connector.exportCsv && options.includeHeaders && plan.mode === "off"
      ? byteStream(recorder.follow(check.connector.exportCsv(check.statement.text, streamOptions)))
      : csvStream(recorder.follow(masked(check.connector.stream(check.statement.text, streamOptions))), options.includeHeaders);
  return { filename: `query-${stamp}.csv`, contentType: "text/csv; charset=utf-8", stream };
}

/** Applies the masking plan to a batch stream (the first chunk names the columns). */
function maskedStream(plan: MaskingPlan) {
  return async function* (batches: AsyncIterable<Batch>): AsyncIterable<Batch> {
    let masked: Set<string> | null = null;
    for await (const batch of batches) {
      if ("columns" in batch) {
        masked = maskedColumnsFor(plan, batch.columns);
        yield batch;
      } else yield { rows: maskRows(batch.rows, masked) };
    }
  };
}

function byteStream(chunks: AsyncIterable<Buffer>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) return controller.close();
      controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

type Batch = { columns: { name: string }[] } | { rows: Record<string, unknown>[] };

function csvStream(batches: AsyncIterable<Batch>, includeHeaders: boolean): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let columns: string[] = [];
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) return controller.close();
      if ("columns" in next.value) {
        columns = next.value.columns.map((c) => c.name);
        if (includeHeaders) controller.enqueue(encoder.encode(await csvLines([columns])));
        return;
      }
      const lines = next.value.rows.map((row) => columns.map((c) => cell(row[c])));
      controller.enqueue(encoder.encode(await csvLines(lines)));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function cell(value: unknown): unknown {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

function csvLines(records: unknown[][]): Promise<string> {
  return new Promise((resolve, reject) =>
    stringify(records as string[][], { cast: { boolean: (b) => (b ? "true" : "false") } }, (err, out) =>
      err ? reject(err) : resolve(out),
    ),
  );
}

function jsonStream(batches: AsyncIterable<Batch>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let first = true;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode("["));
      }
      const next = await iterator.next();
      if (next.done) {
        controller.enqueue(encoder.encode("]\n"));
        return controller.close();
      }
      if ("columns" in next.value) return;
      const text = next.value.rows.map((r) => JSON.stringify(r)).join(",\n");
      if (!text) return;
      controller.enqueue(encoder.encode((first ? "\n" : ",\n") + text));
      first = false;
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
