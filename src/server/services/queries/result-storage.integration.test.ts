import Database from "better-sqlite3";
import { statSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { config, resetConfigForTests } from "@/server/config";
import { db } from "@/server/db";
import { insertBatches } from "@/server/db/bulk-insert";
import { flushRuns } from "@/server/services/execution/run-records";
import { queryResultDto } from "@/server/routers/queries/dto";
import { grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { serviceAvailable, services } from "@/test/services";

// The real writer, wrapped so one test can make a batch fail as a full disk would.
vi.mock("@/server/db/bulk-insert", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/server/db/bulk-insert")>();
  return { ...real, insertBatches: vi.fn(real.insertBatches) };
});

/**
 * Huge results through the whole query service: capped at the cursor, only a first page
 * stored in the app database, and every failure (oversize value, storage) recorded on
 * the run, on each engine.
 */
const pgUp = await serviceAvailable("postgres");
const mariaUp = await serviceAvailable("mariadb");
const MB = 1024 * 1024;
const env = {
  QUARRY_QUERY_MAX_ROWS: "1000000",
  QUARRY_QUERY_MAX_RESULT_BYTES: String(8 * MB),
  QUARRY_QUERY_MAX_VALUE_BYTES: String(MB),
  QUARRY_STORED_RESULT_MAX_ROWS: "1000",
  QUARRY_STORED_RESULT_MAX_BYTES: String(256 * 1024),
  QUARRY_QUERY_RATE_LIMIT_PER_MINUTE: "1000",
};

let reader: Awaited<ReturnType<typeof signedInUser>>;
const sources: Record<"postgres" | "mysql" | "sqlite", string> = { postgres: "", mysql: "", sqlite: "" };
/** Engine → a query over the caps: rows of ~230 bytes, far more of them than 8 MB holds. */
const manyRows = {
  postgres: "SELECT g AS n, repeat('x', 200) AS pad FROM generate_series(1, 100000) g",
  // MariaDB stops recursion at 1000 by default: 1000 × 100 rows by a join instead.
  mysql:
    "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000) " +
    "SELECT a.n * 100 + b.n AS n, REPEAT('x', 200) AS pad FROM g a CROSS JOIN g b WHERE b.n <= 100",
  sqlite: "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 100000) SELECT n, hex(zeroblob(100)) AS pad FROM g",
};
const bigValue = {
  postgres: "SELECT repeat('v', 2 * 1024 * 1024) AS v",
  mysql: "SELECT REPEAT('v', 2 * 1024 * 1024) AS v",
  sqlite: "SELECT hex(zeroblob(1024 * 1024)) AS v",
};
const engines = (["postgres", "mysql", "sqlite"] as const).filter((e) => (e === "postgres" ? pgUp : e === "mysql" ? mariaUp : true));

const appDbBytes = () =>
  ["", "-wal", "-journal"].reduce((n, suffix) => {
    try {
      return n + statSync(path.join(config().dataDir, `quarry.db${suffix}`)).size;
    } catch {
      return n;
    }
  }, 0);

// Run records are written behind the response (run-records.ts); readers flush first.
const run = async (id: string) => {
  await flushRuns();
  return db.queryRun.findUniqueOrThrow({ where: { id } });
};
const execute = (engine: keyof typeof sources, sql: string, extra: Record<string, unknown> = {}) =>
  rest("POST", "/queries", { token: reader.token, body: { data_source_id: sources[engine], query_text: sql, ...extra } });

beforeAll(async () => {
  Object.assign(process.env, env);
  resetConfigForTests();
  reader = await signedInUser("analyst");
  const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-big-")), "big.sqlite");
  new Database(file).exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  const pg = services.postgres;
  const my = services.mariadb;
  const made = await Promise.all([
    db.dataSource.create({ data: { name: `big-pg-${Date.now()}`, engine: "postgres", host: pg.host, port: pg.port, database: pg.database, username: pg.user } }),
    db.dataSource.create({ data: { name: `big-my-${Date.now()}`, engine: "mysql", host: my.host, port: my.port, database: my.database, username: my.user } }),
    db.dataSource.create({ data: { name: `big-lite-${Date.now()}`, engine: "sqlite", database: file } }),
  ]);
  [sources.postgres, sources.mysql, sources.sqlite] = made.map((d) => d.id) as [string, string, string];
  for (const id of Object.values(sources)) await grant(reader.user.id, id, { canRead: true });
});

afterAll(() => {
  for (const key of Object.keys(env)) delete process.env[key];
  resetConfigForTests();
});

describe.each(engines)("a result over the caps on %s", (engine) => {
  it("is truncated at the byte cap with the reason, answered whole, and stored only as a first page", async () => {
    const before = appDbBytes();
    const res = await execute(engine, manyRows[engine]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "completed", truncated: true, truncated_reason: "bytes" });
    expect(res.body.warnings.join(" ")).toMatch(/size limit/);
    // The caller gets the whole capped result: thousands of rows, under 8 MB.
    expect(res.body.data.length).toBe(res.body.row_count);
    expect(res.body.row_count).toBeGreaterThan(20_000);
    expect(JSON.stringify(res.body.data).length).toBeLessThanOrEqual(8 * MB);

    const stored = await run(res.body.id);
    expect(stored).toMatchObject({ status: "completed", truncatedReason: "bytes", storedPartial: true });
    expect(stored.storedRows).toBeGreaterThan(0);
    expect(stored.storedRows).toBeLessThanOrEqual(1000);
    const copy = await db.queryResult.findUniqueOrThrow({ where: { queryRunId: res.body.id } });
    expect(copy.rows.length).toBeLessThanOrEqual(256 * 1024);
    // The app database grew by the stored page, not by the multi-megabyte result.
    expect(appDbBytes() - before).toBeLessThan(2 * MB);

    const page = await rest("GET", `/queries/${res.body.id}/results?page=1&page_size=1000`, { token: reader.token });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ stored_partial: true, row_count: res.body.row_count, truncated_reason: "bytes" });
    expect(page.body.message).toMatch(/first \d+ of the \d+ rows.*export/);
    expect(page.body.pagination.total_rows).toBe(stored.storedRows);
    expect((await rest("GET", `/queries/${res.body.id}`, { token: reader.token })).body).toMatchObject({ stored_partial: true });
  }, 60_000);

  it("refuses a value over the value cap with a 400 recorded on the run, waiting or not", async () => {
    const res = await execute(engine, bigValue[engine]);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/Result too large/);
    const failed = await db.queryRun.findFirstOrThrow({ where: { userId: reader.user.id, sql: bigValue[engine] }, orderBy: { createdAt: "desc" } });
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/Result too large/) });
    expect(failed.finishedAt).toBeInstanceOf(Date);

    const started = await execute(engine, bigValue[engine], { wait: false });
    expect(started.status).toBe(202);
    const deadline = Date.now() + 20_000;
    let status = "running";
    while (status === "running" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await run(started.body.id)).status;
    }
    expect(await run(started.body.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/Result too large/) });
  }, 60_000);

  it("records an export that fails on an oversize value as a failed export run", async () => {
    const sql = engine === "sqlite"
      ? "SELECT 1 AS n UNION ALL SELECT hex(zeroblob(1024 * 1024))"
      : engine === "mysql"
        ? "SELECT 1 AS n UNION ALL SELECT REPEAT('e', 2 * 1024 * 1024)"
        : "SELECT '1' AS n UNION ALL SELECT repeat('e', 2 * 1024 * 1024)";
    // A small, complete history entry first: its export re-runs the statement.
    const small = await db.queryRun.create({
      data: { userId: reader.user.id, dataSourceId: sources[engine], sql, kind: "read", status: "completed", finishedAt: new Date() },
    });
    await rest("POST", `/queries/${small.id}/export`, { token: reader.token, body: { format: "json" } }).catch(() => null);
    const exported = await db.queryRun.findFirstOrThrow({ where: { userId: reader.user.id, source: "export", sql }, orderBy: { createdAt: "desc" } });
    expect(exported).toMatchObject({ status: "failed", error: expect.stringMatching(/Result too large/) });
  }, 60_000);
});

describe("the run is never left running", () => {
  it("keeps the run when the batch that stores it fails: its record and result are written one by one", async () => {
    // Records are written behind the response (run-records.ts), so the caller gets the rows either way.
    const res = await execute("sqlite", "SELECT 42 AS answer");
    expect(res.status).toBe(200);
    const batch = vi.mocked(insertBatches);
    batch.mockClear();
    batch.mockRejectedValueOnce(new Error("SQLITE_FULL: database or disk is full"));
    await flushRuns();
    expect(batch).toHaveBeenCalledWith(expect.arrayContaining([expect.objectContaining({ table: "QueryRun" })]));
    expect(await run(res.body.id)).toMatchObject({ status: "completed", rowCount: 1, storedRows: 1 });
    const stored = await db.queryResult.findUniqueOrThrow({ where: { queryRunId: res.body.id } });
    expect(JSON.parse(stored.rows)).toEqual([{ answer: 42 }]);
  });

  it("lets an orphaned running run (its process gone) be cancelled and deleted instead of 409 forever", async () => {
    const orphan = () =>
      db.queryRun.create({ data: { userId: reader.user.id, dataSourceId: sources.sqlite, sql: "SELECT 1", kind: "read", status: "running" } });
    const a = await orphan();
    const cancelled = await rest("POST", `/queries/cancel/${a.id}`, { token: reader.token });
    expect(cancelled.status).toBe(200);
    expect(await run(a.id)).toMatchObject({ status: "cancelled" });
    expect((await rest("POST", `/queries/cancel/${a.id}`, { token: reader.token })).status).toBe(409);
    const b = await orphan();
    expect((await rest("DELETE", `/queries/${b.id}`, { token: reader.token })).status).toBe(200);
    expect(await db.queryRun.findUnique({ where: { id: b.id } })).toBeNull();
  });

  it("validates result rows without copying them (one copy of a large result, not two)", () => {
    const rows = [{ a: 1 }, { a: 2 }];
    const view = {
      id: "x", dataSourceId: null, sql: "", kind: "read", operation: "SELECT", status: "completed", source: "api", rowCount: 2,
      truncated: false, truncatedReason: null, storedRows: 2, storedPartial: false, executionTimeMs: 1, error: null, approvalId: null,
      createdAt: "", finishedAt: null, columns: [], rows, warnings: [],
    };
    const parsed = queryResultDto.parse(view);
    expect(parsed.rows[0]).toBe(rows[0]);
    expect(() => queryResultDto.parse({ ...view, rows: [1] })).toThrow();
  });
});
