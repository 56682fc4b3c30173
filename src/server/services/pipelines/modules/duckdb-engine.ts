import "server-only";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance, StatementType, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBResult } from "@duckdb/node-api";
import { AppError, isAppError } from "../../../errors";
import type { Batch, Row } from "../types";
import { columnsOf, rowsOf, toRowValue } from "./duckdb-rows";

/**
 * The DuckDB plumbing the modules share. Every node opens its own workspace: a folder
 * in the OS temp dir holding its database file (or none, in memory) and DuckDB's spill
 * files, so memory stays within `memory_limit` and the rest goes to disk; the workspace
 * closes every connection and the instance and removes the folder, whatever happened.
 */
const settings = () => ({
  threads: process.env.QUARRY_DUCKDB_THREADS || "2",
  memory_limit: process.env.QUARRY_DUCKDB_MEMORY_LIMIT || "512MB",
  // DuckDB's own default is 90% of the free disk.
  max_temp_directory_size: process.env.QUARRY_DUCKDB_MAX_TEMP_SIZE || "8GB",
  // Extensions come only from the binary: never downloaded, never loaded on demand.
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false",
  allow_community_extensions: "false",
});

export interface DuckDBWorkspace {
  dir: string;
  connect(): Promise<DuckDBConnection>;
  /** Runs `work` with no other DDL of this workspace in flight (catalogue changes from two connections at once can conflict). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Workspace folders are named after the execution, so a test can see that none is left behind. */
export const workspacePrefix = (executionId: string) => `quarry-duckdb-${executionId.slice(0, 8)}-`;

export async function openWorkspace(executionId: string, storage: "disk" | "memory"): Promise<DuckDBWorkspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), workspacePrefix(executionId)));
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(storage === "disk" ? path.join(dir, "work.duckdb") : ":memory:", { ...settings(), temp_directory: path.join(dir, "spill") });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const connections: DuckDBConnection[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    dir,
    async connect() {
      const connection = await instance.connect();
      connections.push(connection);
      // Timezone-less timestamps and date parts of TIMESTAMPTZ values read the same on every server.
      await connection.run("SET TimeZone = 'UTC'");
      return connection;
    },
    exclusive<T>(work: () => Promise<T>) {
      const next = queue.then(work, work);
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const c of connections) c.closeSync();
      instance.closeSync();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * After this, SQL on the connection's instance reaches nothing outside its own
 * database: no files (read_csv, COPY, ATTACH of a file, glob), no network, no extension
 * installed or loaded, and no SET may undo any of it (the configuration is locked).
 */
export async function lockDown(connection: DuckDBConnection): Promise<void> {
  await connection.run("SET enable_external_access = false");
  await connection.run("SET autoload_known_extensions = false");
  await connection.run("SET autoinstall_known_extensions = false");
  await connection.run("SET lock_configuration = true");
}

/** The user's SQL as one prepared read, or an AppError saying why not. */
export async function prepareRead(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const statements = await connection.extractStatements(sql);
  if (statements.count === 0) throw new AppError("VALIDATION_ERROR", "The SQL is empty", { fields: [{ field: "sql", message: "Write one SELECT" }] });
  if (statements.count > 1) {
    throw new AppError("QUERY_REJECTED", `The SQL transformer runs one statement; this SQL has ${statements.count}`, { fields: [{ field: "sql", message: "Write one SELECT" }] });
  }
  const prepared = await statements.prepare(0);
  if (prepared.statementType !== StatementType.SELECT) {
    const kind = (StatementType as unknown as Record<number, string>)[prepared.statementType] ?? "non-SELECT";
    prepared.destroySync();
    throw new AppError("QUERY_REJECTED", `The SQL transformer runs only a read (SELECT or WITH … SELECT); this is a ${kind} statement`, {
      fields: [{ field: "sql", message: "Write one SELECT" }],
    });
  }
  return prepared;
}

const DUCKDB_ERROR = /^(?:Failed to \w+ statements?: )?([A-Z][A-Za-z ]*? Error): ([\s\S]*)$/;

/**
 * A DuckDB error as an AppError a user can act on: a refused file, network or extension
 * access is QUERY_REJECTED, any other DuckDB error (syntax, unknown column, bad file)
 * QUERY_FAILED, with DuckDB's first line and the workspace's paths hidden. Anything that
 * is not DuckDB's passes through.
 */
export function fromDuckDBError(error: unknown, context: string, hide: string[] = []): unknown {
  if (isAppError(error) || !(error instanceof Error)) return error;
  const match = DUCKDB_ERROR.exec(error.message);
  if (!match) return error;
  let detail = match[2]!.split("\n")[0]!.trim();
  for (const h of hide) if (h) detail = detail.replaceAll(h, "…");
  if (match[1] === "Permission Error") {
    return new AppError("QUERY_REJECTED", `${context}: files, the network and extensions are out of reach here (${detail})`, { cause: error });
  }
  if (match[1] === "INTERRUPT Error") return error;
  return new AppError("QUERY_FAILED", `${context}: ${match[1]}: ${detail}`, { cause: error });
}

/**
 * A streaming result as batches of `batchSize` rows: DuckDB hands out chunks of up to
 * 2,048 rows, so at most a batch and a chunk are held at once. The first batch names the
 * columns and has no rows, so an empty result still has its shape.
 */
export async function* resultBatches(result: DuckDBResult, batchSize: number, signal: AbortSignal, seen: { rows: number }): AsyncGenerator<Batch> {
  const types = result.columnTypes();
  const columns = columnsOf(result.columnNames(), types);
  yield { columns, rows: [] };
  let pending: Row[] = [];
  while (!signal.aborted) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    pending = pending.concat(rowsOf(columns, types, chunk.convertRows(toRowValue)));
    while (pending.length >= batchSize) {
      seen.rows += batchSize;
      yield { columns, rows: pending.slice(0, batchSize) };
      pending = pending.slice(batchSize);
    }
  }
  if (pending.length && !signal.aborted) {
    seen.rows += pending.length;
    yield { columns, rows: pending };
  }
}

/** Stops the connection's running query when the run is cancelled. */
export function interruptOnAbort(connection: DuckDBConnection, signal: AbortSignal): () => void {
  const onAbort = () => connection.interrupt();
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}
