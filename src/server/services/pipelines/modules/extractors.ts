import "server-only";
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { z } from "zod";
import { batchSizeField, pipelineFileField } from "./fields";
import { AppError } from "../../../errors";
import { execution } from "../../execution";
import { bindParameters, ParamList } from "../params";
import type { Batch, BatchStream, Column, ExtractorModule, ModuleContext } from "../types";
import { resolvePipelineFile } from "./files";

const queryConfig = z.object({
  connection_id: z.string().min(1, "connection_id is required").max(100).describe("Data source to read from").meta({ title: "Connection", format: "connection" }),
  query: z
    .string()
    .min(1, "query is required")
    .max(100_000)
    .default("SELECT * FROM table_name")
    .describe("A read; :name placeholders take the run's parameters")
    .meta({ title: "SQL Query", format: "code", language: "sql" }),
  batch_size: batchSizeField,
});
export type QueryConfig = z.infer<typeof queryConfig>;

/**
 * Reads through the execution pipe as the pipeline's owner (permission, read policy,
 * masking, run record, audit); `:name` placeholders become bound parameters. A
 * pushdown the planner compiled replaces the query with one doing the transformers' work.
 */
export async function* databaseRows(ctx: ModuleContext, config: QueryConfig, engines: readonly string[]): BatchStream {
  const { dataSource } = await execution.permission(ctx.principal, config.connection_id);
  if (!engines.includes(dataSource.engine)) {
    throw new AppError("VALIDATION_ERROR", `${dataSource.name} is a ${dataSource.engine} data source; this extractor reads ${engines.join("/")}`, {
      fields: [{ field: "connection_id", message: `choose a ${engines.join("/")} data source` }],
    });
  }
  const list = new ParamList(dataSource.engine === "postgres" ? "dollar" : "question");
  const sql = ctx.pushdown ? ctx.pushdown.sql : bindParameters(config.query, ctx.params, list);
  const params = ctx.pushdown ? ctx.pushdown.params : list.values;
  if (ctx.pushdown) ctx.log("INFO", `Running the pushed-down query for ${[ctx.nodeId, ...ctx.pushdown.absorbed].join(" → ")}`, { sql });
  const started = Date.now();
  const stream = await execution.stream(ctx.principal, {
    dataSourceId: config.connection_id,
    sql,
    params,
    batchSize: config.batch_size,
    source: "pipeline",
    audit: { action: "execute_query", resourceType: "pipeline_execution", resourceId: ctx.executionId, details: { nodeId: ctx.nodeId, dataSourceId: config.connection_id } },
  });
  if (stream.kind !== "rows") throw new Error("expected row batches");
  let columns: Column[] = [];
  let rows = 0;
  for await (const chunk of stream.batches) {
    if (ctx.signal.aborted) break;
    if ("columns" in chunk) {
      columns = chunk.columns.map((c) => ({ name: c.name, kind: c.kind }));
      yield { columns, rows: [] } satisfies Batch;
    } else {
      rows += chunk.rows.length;
      yield { columns, rows: chunk.rows };
    }
  }
  ctx.log("INFO", `Extracted ${rows} rows from ${dataSource.name}`, { duration_ms: Date.now() - started, rows });
}

function databaseExtractor(name: string, displayName: string, engines: string[], color: string): ExtractorModule<QueryConfig> {
  return {
    type: "extractor",
    name,
    displayName,
    description: `Extract rows from a ${displayName.replace(/ Extractor$/, "")} query`,
    icon: "database",
    color,
    config: queryConfig,
    inputs: [0, 0],
    engines,
    run: (ctx, config) => databaseRows(ctx, config, engines),
  };
}

export const postgresExtractor = databaseExtractor("postgres", "PostgreSQL Extractor", ["postgres"], "#336791");
export const mysqlExtractor = databaseExtractor("mysql", "MySQL Extractor", ["mysql"], "#00758F");
export const sqliteExtractor = databaseExtractor("sqlite", "SQLite Extractor", ["sqlite"], "#003B57");

const csvConfig = z.object({
  path: pipelineFileField,
  delimiter: z.string().min(1).max(1).default(",").meta({ title: "Delimiter" }),
  header: z.boolean().default(true).describe("The first line names the columns").meta({ title: "Header row" }),
  batch_size: batchSizeField,
});

export const csvExtractor: ExtractorModule<z.infer<typeof csvConfig>> = {
  type: "extractor",
  name: "csv",
  displayName: "CSV File Extractor",
  description: "Read rows from a CSV file",
  icon: "file",
  color: "#22A06B",
  config: csvConfig,
  inputs: [0, 0],
  async *run(ctx, config) {
    const file = resolvePipelineFile(config.path);
    const parser = createReadStream(file).pipe(parse({ delimiter: config.delimiter, columns: config.header ? true : undefined, bom: true, relax_column_count: true }));
    let columns: Column[] | null = null;
    let batch: Record<string, unknown>[] = [];
    let total = 0;
    for await (const record of parser as AsyncIterable<Record<string, unknown> | unknown[]>) {
      if (ctx.signal.aborted) break;
      const row = Array.isArray(record) ? Object.fromEntries(record.map((v, i) => [`column_${i + 1}`, v])) : record;
      if (!columns) {
        columns = Object.keys(row).map((name) => ({ name, kind: "string" as const }));
        yield { columns, rows: [] };
      }
      batch.push(row);
      if (batch.length >= config.batch_size) {
        total += batch.length;
        yield { columns, rows: batch };
        batch = [];
      }
    }
    total += batch.length;
    yield { columns: columns ?? [], rows: batch };
    ctx.log("INFO", `Read ${total} rows from ${config.path}`, { rows: total });
  },
};
