import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Connector, RunOptions } from "../types";
import { SqliteProcess } from "./child";
import { createSqliteConnector } from "./index";

/**
 * A SQLite reader process serves one user after another. Pragma assignments (some of
 * which take effect while the statement is prepared, before the read check refuses
 * it), ATTACH and temp tables must not carry over to the next user.
 */
const dir = mkdtempSync(path.join(tmpdir(), "quarry-sqlite-session-"));
const file = path.join(dir, "shop.db");
const other = path.join(dir, "other.db");
const read = (): RunOptions => ({ maxRows: 100, timeoutMs: 5_000, readOnly: true });

let connector: Connector;

const STATE = `SELECT (SELECT cache_size FROM pragma_cache_size) AS cache_size,
  (SELECT query_only FROM pragma_query_only) AS query_only,
  (SELECT timeout FROM pragma_busy_timeout) AS busy_timeout,
  (SELECT locking_mode FROM pragma_locking_mode) AS locking_mode,
  (SELECT soft_heap_limit FROM pragma_soft_heap_limit) AS soft_heap_limit,
  (SELECT temp_store FROM pragma_temp_store) AS temp_store,
  (SELECT count(*) FROM pragma_database_list) AS databases,
  'a' LIKE 'A' AS like_ignores_case`;

const state = async () => (await connector.run(STATE, read())).rows[0];

beforeAll(() => {
  const db = new Database(file);
  db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'hello');");
  db.close();
  new Database(other).close();
  connector = createSqliteConnector({ engine: "sqlite", database: file, options: { poolMax: 1 } });
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await connector.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("sqlite reader processes across users", () => {
  it("keeps reusing a process whose settings did not change", async () => {
    await state();
    const spawn = vi.spyOn(SqliteProcess, "spawn");
    for (let i = 0; i < 5; i++) await connector.run("SELECT body FROM notes", read());
    await connector.run("PRAGMA table_info(notes)", read());
    await connector.run("SELECT * FROM pragma_table_info('notes')", read());
    expect(spawn).not.toHaveBeenCalled();
  });

  it.each([
    // Refused as reads, but take effect while being prepared.
    "PRAGMA cache_size = 5",
    "PRAGMA query_only = 0",
    "PRAGMA case_sensitive_like = 1",
    "EXPLAIN PRAGMA cache_size = 7",
    "PRAGMA temp_store = 2",
    // Accepted as reads (they return a row) and change the connection or the process.
    "PRAGMA busy_timeout = 1",
    "PRAGMA locking_mode = EXCLUSIVE",
    "PRAGMA soft_heap_limit = 1000",
    "PRAGMA mmap_size = 4096",
    // Refused outright; listed so a change in that check cannot open a leak.
    `ATTACH '${other}' AS o`,
    "CREATE TEMP TABLE leak (x)",
  ])("the next user does not inherit: %s", async (sql) => {
    const before = await state();
    await connector.run(sql, read()).catch(() => {});
    expect(await state()).toEqual(before);
  });

  it("the next user does not inherit a pragma run through a stream", async () => {
    const before = await state();
    for await (const chunk of connector.stream("PRAGMA busy_timeout = 3", { readOnly: true, timeoutMs: 5_000 })) void chunk;
    expect(await state()).toEqual(before);
  });
});
