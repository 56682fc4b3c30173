// The SQLite side of db/bulk-insert.ts, on a worker thread: each message is one batch of
// prepared INSERTs, run in one transaction on this thread's own connection to the app
// database, so SQLite's work (the inserts, the commit, WAL checkpoints and their fsync)
// stays off the thread that serves requests. Plain JavaScript: it is loaded at run time
// by path, outside Next's bundle, like server.mjs.
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";

const PREPARED_CACHE_SIZE = 64;

// Waits for another connection's write lock as Prisma's connection does (db/index.ts);
// blocking is fine on this thread.
const connection = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
connection.pragma("journal_mode = WAL");
connection.pragma("synchronous = NORMAL");
connection.pragma("foreign_keys = ON"); // as Prisma's connection enforces them

const prepared = new Map();
function statement(sql) {
  let found = prepared.get(sql);
  if (!found) {
    if (prepared.size >= PREPARED_CACHE_SIZE) prepared.delete(prepared.keys().next().value);
    found = connection.prepare(sql);
    prepared.set(sql, found);
  }
  return found;
}

const write = connection.transaction((statements) => {
  for (const { sql, values } of statements) statement(sql).run(values);
});

parentPort.on("message", ({ id, statements }) => {
  try {
    write.immediate(statements);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
