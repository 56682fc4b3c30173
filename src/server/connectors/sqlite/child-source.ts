import "server-only";

/**
 * The program of a SQLite query process (run with `node -e`, talking over IPC).
 * better-sqlite3 runs a statement synchronously and has no interrupt, and a worker
 * thread stuck inside one native sqlite3_step cannot be terminated either; a process
 * can always be killed. Kept as plain JavaScript text so no bundler has to find it.
 */
export const CHILD_SOURCE = String.raw`
"use strict";
const { Worker } = require("node:worker_threads");
let db = null;
let readOnly = true;
const streams = new Map();

// Orphan guard: if Quarry dies mid-query, the main thread is stuck in native code, so
// a watchdog thread checks for the parent and kills this process.
new Worker(
  "const ppid = require('node:worker_threads').workerData;" +
  "setInterval(() => { try { process.kill(ppid, 0) } catch { process.kill(process.pid, 'SIGKILL') } }, 2000);",
  { eval: true, workerData: process.ppid },
).unref();

function plain(v, seen, i) {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") {
    if (!seen[i]) seen[i] = "INTEGER";
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (typeof v === "number") {
    if (!seen[i]) seen[i] = "REAL";
    return Number.isFinite(v) ? v : String(v);
  }
  if (typeof v === "string") {
    if (!seen[i]) seen[i] = "TEXT";
    return v;
  }
  if (!seen[i]) seen[i] = "BLOB";
  return Buffer.from(v).toString("base64");
}

function prepare(sql) {
  const stmt = db.prepare(sql);
  // ATTACH, DETACH, BEGIN and pragma setters count as "readonly" to SQLite (they
  // change the connection, not the file); a read must also return rows.
  if (readOnly && !(stmt.readonly && stmt.reader)) {
    const err = new Error("Only statements that read data can run on the read-only path");
    err.code = "QUARRY_READ_ONLY";
    throw err;
  }
  return stmt;
}

// Structured clone turns Buffers into plain Uint8Arrays, which better-sqlite3 does not bind.
const bind = (params) => params.map((p) => (p instanceof Uint8Array ? Buffer.from(p) : p));

function start(stmt, params) {
  stmt.raw(true);
  const columns = stmt.columns().map((c) => ({ name: c.name, declType: c.type }));
  return { columns, iterator: stmt.iterate(...bind(params)), seen: [] };
}

// Result caps (connectors/limits.ts, mirrored here): bytes are the approximate JSON size.
const CEILING = 128 * 1024 * 1024;
function valueBytes(v) {
  if (v === null || v === undefined) return 4;
  if (typeof v === "string") return (v.length < 256 ? v.length : Buffer.byteLength(v)) + 2;
  if (v instanceof Uint8Array) return Math.ceil(v.byteLength / 3) * 4 + 2;
  return 12;
}
function tooLarge(limitBytes, what, column) {
  const err = new Error(what);
  err.code = "QUARRY_VALUE_TOO_LARGE";
  err.limitBytes = limitBytes;
  err.column = column;
  return err;
}

function budgetFor(state, caps) {
  return {
    rows: 0, bytes: 0, reason: null,
    maxRows: caps.maxRows === undefined ? Infinity : caps.maxRows,
    maxBytes: caps.maxBytes === undefined ? Infinity : caps.maxBytes,
    maxValueBytes: Math.min(caps.maxValueBytes === undefined ? CEILING : caps.maxValueBytes, CEILING),
    overhead: state.columns.reduce((n, c) => n + c.name.length + 4, 2),
  };
}

// False (with the reason) when the row does not fit; throws for one oversize value.
function admit(budget, raw, columns) {
  if (budget.rows >= budget.maxRows) { budget.reason = "rows"; return false; }
  let size = budget.overhead;
  for (let i = 0; i < raw.length; i++) {
    const bytes = valueBytes(raw[i]);
    if (bytes > budget.maxValueBytes) throw tooLarge(budget.maxValueBytes, "value", columns[i] && columns[i].name);
    size += bytes;
  }
  if (budget.bytes + size > budget.maxBytes) { budget.reason = "bytes"; return false; }
  budget.bytes += size;
  budget.rows++;
  return true;
}

function take(state, limit, budget) {
  const rows = [];
  let done = false;
  while (rows.length < limit) {
    const next = state.iterator.next();
    if (next.done) { done = true; break; }
    if (budget && !admit(budget, next.value, state.columns)) break;
    rows.push(next.value.map((v, i) => plain(v, state.seen, i)));
  }
  return { rows, done };
}

// A reader process serves one user after another. Some pragma assignments take effect
// while the statement is being prepared, before any read check can refuse it, and a
// read pragma is a read; so the connection settings are compared after every request,
// and a process whose settings moved is not reused.
const WATCHED_PRAGMAS = [
  "query_only", "cache_size", "busy_timeout", "locking_mode", "soft_heap_limit", "hard_heap_limit", "threads",
  "analysis_limit", "secure_delete", "max_page_count", "journal_size_limit", "foreign_keys", "recursive_triggers",
  "temp_store", "automatic_index", "trusted_schema", "reverse_unordered_selects", "defer_foreign_keys",
  "ignore_check_constraints", "legacy_alter_table", "cell_size_check", "cache_spill", "fullfsync",
  "checkpoint_fullfsync", "synchronous", "journal_mode", "count_changes", "short_column_names", "full_column_names",
  "empty_result_callbacks", "read_uncommitted", "writable_schema",
];
// One statement for all that have a table-valued form; case_sensitive_like has no getter,
// so its effect is probed; ATTACH shows in database_list, temp objects in temp.sqlite_master.
const SETTINGS_SQL =
  "SELECT " + WATCHED_PRAGMAS.map((n) => "(SELECT * FROM pragma_" + n + ")").join(", ") +
  ", (SELECT group_concat(name || ':' || file, ',') FROM pragma_database_list), 'a' LIKE 'A'" +
  ", (SELECT count(*) FROM temp.sqlite_master)";
let probes = [];
let baseline = null;

function settings() {
  const values = [db.inTransaction, ...probes.map((p) => { try { return p.all(); } catch (e) { return String(e.message); } })];
  return JSON.stringify(values, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

const ops = {
  open({ file, readOnly: ro, busyTimeoutMs }) {
    const Database = require(process.argv[1]);
    readOnly = ro;
    db = new Database(file, { readonly: ro, fileMustExist: true, timeout: busyTimeoutMs });
    db.defaultSafeIntegers(true);
    if (ro) {
      db.pragma("query_only = 1");
      probes = [SETTINGS_SQL, "PRAGMA mmap_size", "PRAGMA wal_autocheckpoint"].map((sql) => db.prepare(sql).raw(true));
      // The first look opens the temp schema, which then shows in database_list.
      settings();
      baseline = settings();
    }
    return { version: db.prepare("SELECT sqlite_version()").pluck().get() };
  },
  run({ sql, params, maxRows, maxBytes, maxValueBytes }) {
    const stmt = prepare(sql);
    const started = performance.now();
    if (!stmt.reader) {
      const info = stmt.run(...bind(params));
      return { columns: [], rows: [], seen: [], truncated: false, changes: Number(info.changes), ms: performance.now() - started };
    }
    const state = start(stmt, params);
    const budget = budgetFor(state, { maxRows, maxBytes, maxValueBytes });
    let rows, done;
    try {
      ({ rows, done } = take(state, maxRows + 1, budget));
    } catch (err) {
      state.iterator.return();
      throw err;
    }
    if (!done) state.iterator.return();
    const truncated = budget.reason !== null;
    const truncatedReason = budget.reason || undefined;
    // A reader that writes is INSERT/UPDATE/DELETE … RETURNING.
    const changes = readOnly || stmt.readonly ? undefined : Number(db.prepare("SELECT changes()").pluck().get());
    return { columns: state.columns, rows, seen: state.seen, truncated, truncatedReason, changes, ms: performance.now() - started };
  },
  streamOpen({ streamId, sql, params, maxValueBytes }) {
    const state = start(prepare(sql), params);
    state.budget = budgetFor(state, { maxValueBytes });
    streams.set(streamId, state);
    return { columns: state.columns };
  },
  streamNext({ streamId, size }) {
    const state = streams.get(streamId);
    let batch;
    try {
      batch = take(state, size, state.budget);
    } catch (err) {
      streams.delete(streamId);
      state.iterator.return();
      throw err;
    }
    if (batch.done) streams.delete(streamId);
    return { rows: batch.rows, seen: state.seen, done: batch.done };
  },
  streamClose({ streamId }) {
    const state = streams.get(streamId);
    streams.delete(streamId);
    if (state) state.iterator.return();
    return {};
  },
  control({ verb }) {
    // Fixed words from Quarry itself, never user SQL.
    if (!["BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"].includes(verb)) throw new Error("bad control verb");
    if (verb !== "BEGIN IMMEDIATE" && !db.inTransaction) return {};
    db.prepare(verb).run();
    return {};
  },
};

const dirty = () => baseline !== null && streams.size === 0 && settings() !== baseline;

process.on("message", (msg) => {
  let reply;
  try {
    reply = { id: msg.id, ok: true, result: ops[msg.op](msg) };
  } catch (e) {
    reply = { id: msg.id, ok: false, error: { message: String(e && e.message || e), code: e && e.code, limitBytes: e && e.limitBytes, column: e && e.column } };
  }
  if (dirty()) reply.dirty = true;
  process.send(reply);
});
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });
`;
