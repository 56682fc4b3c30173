import "server-only";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { pipelineFileField } from "./fields";
import { execution } from "../../execution";
import type { LoaderModule } from "../types";
import { resolvePipelineFile } from "./files";

const tableConfig = z.object({
  connection_id: z.string().min(1, "connection_id is required").max(100).describe("Data source to write to").meta({ title: "Connection", format: "connection" }),
  table: z.string().min(1, "table is required").max(200).describe("table or schema.table").meta({ title: "Table" }),
  mode: z.enum(["create", "append", "replace", "upsert"]).default("append").meta({ title: "Mode" }),
  keys: z.array(z.string().min(1)).default([]).describe("Upsert key columns").meta({ title: "Keys" }),
  create_if_missing: z.boolean().default(true).describe("append/replace/upsert: create the table when it does not exist").meta({ title: "Create if missing" }),
});

export const databaseLoader: LoaderModule<z.infer<typeof tableConfig>> = {
  type: "loader",
  name: "database",
  displayName: "Database Table Loader",
  description: "Write rows into a table (create, append, replace, upsert), all or nothing",
  icon: "database-import",
  color: "#2563EB",
  config: tableConfig,
  inputs: [1, 1],
  engines: ["postgres", "mysql", "sqlite"],
  async run(ctx, config, [input]) {
    // The planner compiled the rows' whole way here into one query on this same data source.
    const inDatabase = ctx.pushdown?.loader === ctx.nodeId ? { sql: ctx.pushdown.sql, params: ctx.pushdown.params } : undefined;
    if (inDatabase) ctx.log("INFO", `Loading the pushed-down query's rows into ${config.table} inside the database`, { sql: inDatabase.sql });
    const outcome = await execution.load(ctx.principal, {
      dataSourceId: config.connection_id,
      table: config.table,
      mode: config.mode,
      keys: config.keys,
      createIfMissing: config.create_if_missing,
      ...(inDatabase ? { select: inDatabase } : { batches: input! }),
      signal: ctx.signal,
      ready: (rows) => {
        ctx.log("DEBUG", `Wrote ${rows} rows to ${config.table}; waiting for the other nodes before committing`);
        return ctx.awaitCommit();
      },
      audit: { action: "pipeline_load", resourceType: "pipeline_execution", resourceId: ctx.executionId, details: { nodeId: ctx.nodeId, dataSourceId: config.connection_id } },
    });
    const how = { rows: "", "insert-select": " by INSERT … SELECT", copy: ` by COPY TO → COPY FROM in ${outcome.copyFormat ?? "text"} format (the query read in parallel)` }[outcome.method];
    ctx.log("INFO", `Loaded ${outcome.rowsWritten} rows into ${config.table}${how}${outcome.created ? " (created)" : ""}`, { rows: outcome.rowsWritten, mode: config.mode, method: outcome.method });
    return { rowsWritten: outcome.rowsWritten, target: config.table };
  },
};

const csvConfig = z.object({
  path: pipelineFileField,
  delimiter: z.string().min(1).max(1).default(",").meta({ title: "Delimiter" }),
  header: z.boolean().default(true).meta({ title: "Header row" }),
});

/** Writes to a temporary name beside the target and renames it in only once the whole run succeeded. */
export const csvLoader: LoaderModule<z.infer<typeof csvConfig>> = {
  type: "loader",
  name: "csv",
  displayName: "CSV File Loader",
  description: "Write rows to a CSV file (renamed into place when the run succeeds)",
  icon: "file-export",
  color: "#16A34A",
  config: csvConfig,
  inputs: [1, 1],
  async run(ctx, config, [input]) {
    const file = resolvePipelineFile(config.path);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${ctx.executionId.slice(0, 8)}.tmp`;
    const handle = await open(temp, "w");
    let rows = 0;
    let wroteHeader = false;
    try {
      for await (const batch of input!) {
        const names = batch.columns.map((c) => c.name);
        if (!wroteHeader && config.header && names.length) {
          await handle.write(stringify([names], { delimiter: config.delimiter }));
          wroteHeader = true;
        }
        if (batch.rows.length) {
          const records = batch.rows.map((r) => names.map((n) => (r[n] !== null && typeof r[n] === "object" ? JSON.stringify(r[n]) : r[n])));
          await handle.write(stringify(records, { delimiter: config.delimiter, cast: { boolean: (b) => (b ? "true" : "false") } }));
          rows += batch.rows.length;
        }
      }
      await handle.close();
      await ctx.awaitCommit();
      await rename(temp, file);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
    ctx.log("INFO", `Wrote ${rows} rows to ${config.path}`, { rows });
    return { rowsWritten: rows, target: config.path };
  },
};
