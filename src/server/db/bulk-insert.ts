import "server-only";
import Database from "better-sqlite3";
import { processState } from "../process-state";
import { appDatabaseProvider, appDatabaseUrl } from "../config/app-database";
import { appPostgresPool } from "./index";

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
 * SQLite: a second connection to the app database file (WAL lets it write between the
 * Prisma connection's statements). better-sqlite3 is synchronous, so its transaction
 * never interleaves with anything else in this process; when another connection holds
 * the write lock (a Prisma transaction awaiting its next statement, the CLI, another
 * process) it fails at once instead of blocking the event loop in a busy wait, and is
 * retried on a timer. PostgreSQL: the pool Prisma's adapter uses (db/index.ts).
 */
export interface InsertBatch {
  table: string;
  rows: Record<string, unknown>[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;
/** How long a batch waits in total for another connection's write lock on SQLite. */
const SQLITE_LOCK_WAIT_MS = 5_000;
const PREPARED_CACHE_SIZE = 64;

const quoted = (name: string) => {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
};

interface Statement {
  sql: (placeholder: (index: number) => string) => string;
  values: unknown[];
}

/** The statements of one batch: a multi-row INSERT per MAX_PARAMETERS values. */
function statementsOf({ table, rows }: InsertBatch, mapValue: (value: unknown) => unknown): Statement[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const head = `INSERT INTO ${quoted(table)} (${columns.map(quoted).join(", ")}) VALUES `;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const statements: Statement[] = [];
  for (let at = 0; at < rows.length; at += perStatement) {
    const slice = rows.slice(at, at + perStatement);
    const values = slice.flatMap((row) => columns.map((column) => mapValue(row[column] ?? null)));
    statements.push({
      values,
      sql: (placeholder) => {
        let index = 0;
        const tuples = slice.map(() => `(${columns.map(() => placeholder(++index)).join(", ")})`);
        return head + tuples.join(", ");
      },
    });
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

const sqlite = processState("db.bulk-insert.sqlite", () => ({
  connection: null as Database.Database | null,
  url: "",
  prepared: new Map<string, Database.Statement>(),
}));

function sqliteConnection(): Database.Database {
  const url = appDatabaseUrl();
  if (sqlite.connection && sqlite.url === url) return sqlite.connection;
  sqlite.connection?.close();
  // timeout 0: a held lock fails at once (SQLITE_BUSY) and is waited for on a timer below.
  const connection = new Database(url.replace(/^file:/, ""), { timeout: 0 });
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("foreign_keys = ON"); // as Prisma's connection enforces them
  sqlite.connection = connection;
  sqlite.url = url;
  sqlite.prepared.clear();
  return connection;
}

function prepared(connection: Database.Database, sql: string): Database.Statement {
  let statement = sqlite.prepared.get(sql);
  if (!statement) {
    if (sqlite.prepared.size >= PREPARED_CACHE_SIZE) sqlite.prepared.delete(sqlite.prepared.keys().next().value!);
    statement = connection.prepare(sql);
    sqlite.prepared.set(sql, statement);
  }
  return statement;
}

const isBusy = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string }).code ?? "");

async function insertOnSqlite(batches: InsertBatch[]): Promise<void> {
  const statements = batches.flatMap((batch) => statementsOf(batch, sqliteValue));
  const connection = sqliteConnection();
  const write = connection.transaction(() => {
    for (const statement of statements) prepared(connection, statement.sql(() => "?")).run(statement.values);
  });
  const giveUpAt = Date.now() + SQLITE_LOCK_WAIT_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    try {
      write.immediate();
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() + wait > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Closes this module's SQLite connection (tests that swap the app database file). */
export function closeBulkInsertConnection(): void {
  sqlite.connection?.close();
  sqlite.connection = null;
  sqlite.prepared.clear();
}

// --- PostgreSQL --------------------------------------------------------------------

/** timestamp(3) without time zone holds UTC, as Prisma's adapter writes it; booleans stay booleans. */
const postgresValue = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);

async function insertOnPostgres(batches: InsertBatch[]): Promise<void> {
  const statements = batches.flatMap((batch) => statementsOf(batch, postgresValue));
  const client = await appPostgresPool().connect();
  try {
    await client.query("BEGIN");
    for (const statement of statements) await client.query(statement.sql((index) => `$${index}`), statement.values);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
