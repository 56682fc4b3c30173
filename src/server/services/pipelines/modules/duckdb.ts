import "server-only";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../../../errors";
import type { BatchStream, ExtractorModule, LoaderModule, ModuleContext, TransformerModule } from "../types";
import { fromDuckDBError, interruptOnAbort, lockDown, openWorkspace, prepareRead, resultBatches, type DuckDBWorkspace } from "./duckdb-engine";
import { quoteIdent, quoteText, StagingTable } from "./duckdb-rows";
import { batchSizeField, pipelineFileField } from "./fields";
import { pipelineFilesDir, resolvePipelineFile } from "./files";

/**
 * Modules run by DuckDB (embedded, one instance per node): Parquet files in and out of
 * the pipeline files folder, and SQL over a node's inputs.
 */


/** DuckDB reads a path with `*`, `?` or `[` as a glob: a config names one file. */
function parquetFile(relative: string): string {
  if (/[*?[\]{}]/.test(relative)) {
    throw new AppError("VALIDATION_ERROR", `The path ${relative} has wildcard characters; name one file`, { fields: [{ field: "path", message: "Name one file, without * ? [ ] { }" }] });
  }
  return resolvePipelineFile(relative);
}

/** Paths DuckDB's messages may carry, shown relative to the files folder instead. */
const hidden = (ws: DuckDBWorkspace | null) => [...(ws ? [ws.dir] : []), pipelineFilesDir() + path.sep];

const parquetReadConfig = z.object({ path: pipelineFileField, batch_size: batchSizeField });

export const parquetExtractor: ExtractorModule<z.infer<typeof parquetReadConfig>> = {
  type: "extractor",
  name: "parquet",
  displayName: "Parquet File Extractor",
  description: "Read rows from a Parquet file, streamed in batches",
  icon: "file",
  color: "#7C3AED",
  config: parquetReadConfig,
  inputs: [0, 0],
  async *run(ctx, config) {
    const file = parquetFile(config.path);
    const found = await stat(file).catch(() => null);
    if (!found?.isFile()) throw new AppError("NOT_FOUND", `The file ${config.path} was not found in the pipeline files folder`);
    const started = Date.now();
    const seen = { rows: 0 };
    let ws: DuckDBWorkspace | null = null;
    try {
      ws = await openWorkspace(ctx.executionId, "memory");
      const connection = await ws.connect();
      const release = interruptOnAbort(connection, ctx.signal);
      try {
        const result = await connection.stream("SELECT * FROM read_parquet($1)", [file]);
        yield* resultBatches(result, config.batch_size, ctx.signal, seen);
      } finally {
        release();
      }
    } catch (error) {
      throw fromDuckDBError(error, `Reading ${config.path} failed`, hidden(ws));
    } finally {
      await ws?.close();
    }
    ctx.log("INFO", `Read ${seen.rows} rows from ${config.path}`, { rows: seen.rows, duration_ms: Date.now() - started });
  },
};

const parquetWriteConfig = z.object({
  path: pipelineFileField,
  compression: z.enum(["snappy", "zstd", "gzip", "uncompressed"]).default("snappy").meta({ title: "Compression" }),
});

/** Writes to a temporary name beside the target and renames it in only once the whole run succeeded (as the CSV loader). */
export const parquetLoader: LoaderModule<z.infer<typeof parquetWriteConfig>> = {
  type: "loader",
  name: "parquet",
  displayName: "Parquet File Loader",
  description: "Write rows to a Parquet file (renamed into place when the run succeeds)",
  icon: "file-export",
  color: "#6D28D9",
  config: parquetWriteConfig,
  inputs: [1, 1],
  async run(ctx, config, [input]) {
    const file = parquetFile(config.path);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${ctx.executionId.slice(0, 8)}.tmp`;
    let ws: DuckDBWorkspace | null = null;
    let rows = 0;
    try {
      try {
        // Staged in an on-disk database first: COPY needs a table, and the rows may not fit in memory.
        ws = await openWorkspace(ctx.executionId, "disk");
        const connection = await ws.connect();
        const table = new StagingTable(connection, "staged", "the loader's input");
        try {
          for await (const batch of input!) {
            if (ctx.signal.aborted) break;
            await table.add(batch);
          }
          await table.finish();
        } finally {
          table.close();
        }
        rows = table.rows;
        // A cancelled run fails at the commit gate below; the file is not worth writing.
        if (!ctx.signal.aborted) await connection.run(`COPY ${quoteIdent("staged")} TO ${quoteText(temp)} (FORMAT parquet, COMPRESSION ${config.compression})`);
      } finally {
        await ws?.close();
      }
      ctx.log("DEBUG", `Wrote ${rows} rows to a temporary file beside ${config.path}; waiting for the other nodes before renaming it`);
      await ctx.awaitCommit();
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw fromDuckDBError(error, `Writing ${config.path} failed`, hidden(ws));
    }
    ctx.log("INFO", `Wrote ${rows} rows to ${config.path}`, { rows, compression: config.compression });
    return { rowsWritten: rows, target: config.path };
  },
};

const sqlConfig = z.object({
  sql: z
    .string()
    .min(1, "sql is required")
    .max(100_000)
    .default("SELECT * FROM input")
    .describe('One DuckDB SELECT over the inputs: table input (one input), or input1 and input2 (also "left" and "right") for two')
    .meta({ title: "SQL", format: "code", language: "sql" }),
  batch_size: batchSizeField,
});

/** Names of the tables the inputs become: `input`, or `input1`/`input2` in the order the executor hands them (left before right). */
export const sqlInputTables = (count: number) => (count === 1 ? ["input"] : Array.from({ length: count }, (_, i) => `input${i + 1}`));

/**
 * Every input into its own table, all read at once (one connection each): reading one
 * to the end before the other could stall a shared upstream node on a full buffer.
 */
async function stageInputs(ctx: ModuleContext, ws: DuckDBWorkspace, inputs: BatchStream[], tables: string[]): Promise<number> {
  let failed = false;
  const outcomes = await Promise.allSettled(
    inputs.map(async (input, i) => {
      const connection = await ws.connect();
      const table = new StagingTable(connection, tables[i]!, inputs.length === 1 ? "the input" : `input ${i + 1}`);
      try {
        for await (const batch of input) {
          if (ctx.signal.aborted || failed) break;
          await ws.exclusive(() => table.add(batch));
        }
        await ws.exclusive(() => table.finish());
        return table.rows;
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        table.close();
      }
    }),
  );
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (rejected) throw rejected.reason;
  return outcomes.reduce((sum, o) => sum + (o.status === "fulfilled" ? o.value : 0), 0);
}

export const sqlTransformer: TransformerModule<z.infer<typeof sqlConfig>> = {
  type: "transformer",
  name: "sql",
  displayName: "SQL Transformer",
  description: "Run one DuckDB SELECT over the incoming rows (no files, network or extensions)",
  icon: "sql",
  color: "#F59E0B",
  config: sqlConfig,
  inputs: [1, 2],
  async *run(ctx, config, inputs) {
    const tables = sqlInputTables(inputs.length);
    const started = Date.now();
    const seen = { rows: 0 };
    let rowsIn = 0;
    let ws: DuckDBWorkspace | null = null;
    try {
      ws = await openWorkspace(ctx.executionId, "disk");
      rowsIn = await stageInputs(ctx, ws, inputs, tables);
      if (ctx.signal.aborted) return;
      const connection = await ws.connect();
      if (tables.length === 2) {
        await connection.run(`CREATE VIEW "left" AS SELECT * FROM input1`);
        await connection.run(`CREATE VIEW "right" AS SELECT * FROM input2`);
      }
      await lockDown(connection);
      const statement = await prepareRead(connection, config.sql);
      const release = interruptOnAbort(connection, ctx.signal);
      try {
        yield* resultBatches(await statement.stream(), config.batch_size, ctx.signal, seen);
      } finally {
        release();
        statement.destroySync();
      }
    } catch (error) {
      throw fromDuckDBError(error, "The SQL transformer's query failed", hidden(ws));
    } finally {
      await ws?.close();
    }
    ctx.log("INFO", `The SQL turned ${rowsIn} rows into ${seen.rows}`, { rows_in: rowsIn, rows: seen.rows, duration_ms: Date.now() - started });
  },
};
