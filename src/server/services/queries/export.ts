import "server-only";
import { stringify } from "csv-stringify";
import { notFound } from "../../errors";
import { execution } from "../execution";
import { requireActingUser, type Principal } from "../principal";
import { ownRun } from "./history";

export type ExportFormat = "csv" | "json";

export interface ExportFile {
  filename: string;
  contentType: string;
  stream: ReadableStream<Uint8Array>;
}

/**
 * Re-runs a query from the caller's history on the read-only path and streams its
 * full result (no row cap) as CSV or JSON. Rows flow batch by batch from the database
 * cursor (`execution.stream`) to the client with back-pressure, so memory stays flat
 * at any row count.
 */
export async function exportQuery(
  principal: Principal,
  queryId: string,
  options: { format: ExportFormat; includeHeaders: boolean },
): Promise<ExportFile> {
  const run = await ownRun(requireActingUser(principal), queryId);
  if (!run.dataSourceId) throw notFound("Query", queryId);
  const result = await execution.stream(principal, {
    dataSourceId: run.dataSourceId,
    sql: run.sql,
    audit: { action: "export_query", resourceType: "query", resourceId: queryId, details: { format: options.format } },
    // Where the server can produce CSV itself (PostgreSQL COPY), its bytes pass straight through.
    serverCsv: options.format === "csv" && options.includeHeaders,
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  if (result.kind === "csv") return { filename: `query-${stamp}.csv`, contentType: "text/csv; charset=utf-8", stream: byteStream(result.bytes) };
  if (options.format === "json") {
    return { filename: `query-${stamp}.json`, contentType: "application/json; charset=utf-8", stream: jsonStream(result.batches) };
  }
  return { filename: `query-${stamp}.csv`, contentType: "text/csv; charset=utf-8", stream: csvStream(result.batches, options.includeHeaders) };
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
