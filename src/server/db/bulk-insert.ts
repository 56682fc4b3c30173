import "server-only";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { processState } from "../process-state";
import { appDatabaseProvider, appDatabaseUrl } from "../config/app-database";
import { appPostgresPool, BUSY_TIMEOUT_MS } from "./index";

/**
 * Multi-row INSERTs for the write-behind batches (run records, audit entries), in one
 * transaction, sent through the database driver rather than Prisma. Under API load
 * Prisma's query compiler and driver adapter cost more main-thread time per batch than
 * the read being recorded (a CPU profile of `npm run bench:api` put them at about a
 * fifth of the main thread, with `$executeRaw` already in place of createMany); the
 * driver sends the same statement for a few microseconds per row.
 *
 * The rows are written exactly as Prisma would write them, so Prisma reads them back
 * unchanged (bulk-insert.test.ts checks that on both providers): Date values as the
 * adapters store them (ISO 8601 UTC), booleans as SQLite's 1/0 or PostgreSQL's boolean.
 * Rows must carry every column the table needs (ids and database-side defaults are
 * not filled in here) and all of a table's rows the same keys. Identifiers are the
 * schema's model and field names, double-quoted (both providers accept it).
 *
 * SQLite: a writer thread (db/sqlite-writer.worker.mjs) with its own connection to the
 * app database file (WAL lets it write between the Prisma connection's statements), so
 * the inserts, commits and WAL checkpoints (the profile's next largest item once Prisma
 * was out of the way) leave the request thread; when another connection holds the write
 * lock (a Prisma transaction awaiting its next statement, the CLI, another process) the
 * thread waits for it, not the event loop. PostgreSQL: the pool Prisma's adapter uses
 * (db/index.ts).
 */
export interface InsertBatch {
  table: string;
  rows: Record<string, unknown>[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;

const quoted = (name: string) => {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
};

interface Statement {
  sql: string;
  values: unknown[];
}

/**
 * The statements of one batch: a multi-row INSERT per MAX_PARAMETERS values, with the
 * provider's placeholders (`?` or `$n`) and its value mapping.
 */
function statementsOf({ table, rows }: InsertBatch, placeholder: (index: number) => string, mapValue: (value: unknown) => unknown): Statement[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const head = `INSERT INTO ${quoted(table)} (${columns.map(quoted).join(", ")}) VALUES `;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const statements: Statement[] = [];
  for (let at = 0; at < rows.length; at += perStatement) {
    const slice = rows.slice(at, at + perStatement);
    let index = 0;
    const tuples = slice.map(() => `(${columns.map(() => placeholder(++index)).join(", ")})`);
    const values = slice.flatMap((row) => columns.map((column) => mapValue(row[column] ?? null)));
    statements.push({ sql: head + tuples.join(", "), values });
  }
  return statements;
}

/** Writes every batch in one transaction: all rows are stored, or none. */
export async function insertBatches(batches: InsertBatch[]): Promise<void> {
  if (batches.every((batch) => batch.rows.length === 0)) return;
  if (appDatabaseProvider() === "postgresql") await insertOnPostgres(batches);
  else await insertOnSqlite(batches);
}

// --- SQLite ------------------------------------------------------------------------

const sqliteValue = (value: unknown): unknown => {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00"); // as @prisma/adapter-better-sqlite3 does
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
};

interface WriterRequest {
  resolve: () => void;
  reject: (error: Error) => void;
}

// Once per process (process-state.ts): every bundle's batches go to one writer thread.
const sqlite = processState("db.bulk-insert.sqlite", () => ({
  worker: null as Worker | null,
  nextId: 0,
  waiting: new Map<number, WriterRequest>(),
}));

/**
 * The writer thread (db/sqlite-writer.worker.mjs), started at the first batch. The file
 * is resolved then, once: appDatabaseUrl() checks the file's modes on disk each call.
 */
function sqliteWriter(): Worker {
  if (sqlite.worker) return sqlite.worker;
  const file = appDatabaseUrl().replace(/^file:/, "");
  // By path at run time: the worker runs outside Next's bundle, from the project's files.
  const script = path.join(/*turbopackIgnore: true*/ process.cwd(), "src/server/db/sqlite-writer.worker.mjs");
  const worker = new Worker(script, { workerData: { file, busyTimeoutMs: BUSY_TIMEOUT_MS } });
  worker.unref(); // an idle writer never keeps the process alive; a waiting batch does (below)
  worker.on("message", ({ id, error }: { id: number; error?: { message: string; code?: string } }) => {
    const request = sqlite.waiting.get(id);
    if (!request) return;
    sqlite.waiting.delete(id);
    if (sqlite.waiting.size === 0) worker.unref();
    if (error) request.reject(Object.assign(new Error(error.message), { code: error.code }));
    else request.resolve();
  });
  const fail = (error: Error) => {
    for (const request of sqlite.waiting.values()) request.reject(error);
    sqlite.waiting.clear();
    if (sqlite.worker === worker) sqlite.worker = null;
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the app database writer thread stopped (exit code ${code})`)));
  sqlite.worker = worker;
  return worker;
}

function insertOnSqlite(batches: InsertBatch[]): Promise<void> {
  const statements = batches.flatMap((batch) => statementsOf(batch, () => "?", sqliteValue));
  const worker = sqliteWriter();
  const id = ++sqlite.nextId;
  return new Promise<void>((resolve, reject) => {
    sqlite.waiting.set(id, { resolve, reject });
    worker.ref();
    worker.postMessage({ id, statements });
  });
}

// --- PostgreSQL --------------------------------------------------------------------

/** timestamp(3) without time zone holds UTC, as Prisma's adapter writes it; booleans stay booleans. */
const postgresValue = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);

async function insertOnPostgres(batches: InsertBatch[]): Promise<void> {
  const statements = batches.flatMap((batch) => statementsOf(batch, (index) => `$${index}`, postgresValue));
  const client = await appPostgresPool().connect();
  try {
    await client.query("BEGIN");
    for (const statement of statements) await client.query(statement.sql, statement.values);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
