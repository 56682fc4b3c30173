import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connector } from "../types";
import { MB, failure, read, series } from "@/test/result-caps";
import { createSqliteConnector } from "./index";

const dir = mkdtempSync(path.join(tmpdir(), "quarry-sqlite-caps-"));
const file = path.join(dir, "caps.db");

let connector: Connector;

beforeAll(() => {
  const db = new Database(file);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
  db.close();
  connector = createSqliteConnector({ engine: "sqlite", database: file });
});
afterAll(async () => {
  await connector?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("sqlite result caps", () => {
  it("stops fetching at the byte cap and says so", async () => {
    const res = await connector.run(series(20_000, "n, hex(zeroblob(45)) AS pad"), read({ maxBytes: 64 * 1024 }));
    expect(res).toMatchObject({ truncated: true, truncatedReason: "bytes" });
    expect(res.rowCount).toBeGreaterThan(100);
    expect(res.rowCount).toBeLessThan(1000);
    expect(JSON.stringify(res.rows).length).toBeLessThanOrEqual(64 * 1024);
  });

  it("keeps reporting the row cap as rows, and complete results as not truncated", async () => {
    expect(await connector.run(series(500, "n"), read({ maxRows: 200 }))).toMatchObject({ truncated: true, truncatedReason: "rows", rowCount: 200 });
    const whole = await connector.run(series(500, "n"), read({ maxRows: 500 }));
    expect(whole.truncated).toBe(false);
    expect(whole.truncatedReason).toBeUndefined();
  });

  it.each([
    ["a text value", "SELECT hex(zeroblob(1024 * 1024)) AS v"],
    ["a blob value", "SELECT zeroblob(2 * 1024 * 1024) AS v"],
    ["a value in a later row", series(300, "n, CASE WHEN n = 150 THEN hex(zeroblob(1024 * 1024)) END AS v")],
  ])("refuses %s over the value cap with a clear error, and the connector keeps working", async (_, sql) => {
    const err = await failure(connector.run(sql, read()));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/Result too large/);
    expect(err.details).toMatchObject({ reason: "value_too_large", limitBytes: MB });
    expect((await connector.run("SELECT 1 AS ok", read())).rows).toEqual([{ ok: 1 }]);
  });

  it("refuses an oversize value in a stream (exports) the same way", async () => {
    const chunks = connector.stream(series(5, "n, CASE WHEN n = 3 THEN hex(zeroblob(1024 * 1024)) ELSE 'a' END AS v"), {
      readOnly: true, timeoutMs: 30_000, batchSize: 1, maxValueBytes: MB,
    });
    const err = await failure((async () => {
      for await (const chunk of chunks) void chunk;
    })());
    expect(err.details).toMatchObject({ reason: "value_too_large" });
    expect((await connector.run("SELECT 1 AS ok", read())).rows).toEqual([{ ok: 1 }]);
  });

  it("survives a 540 MB value (past V8's string limit): an error on the run, the server process untouched", async () => {
    const before = process.memoryUsage().rss;
    const err = await failure(connector.run("SELECT hex(zeroblob(270 * 1024 * 1024)) AS v", read({ maxValueBytes: 10 * MB })));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.message).toMatch(/Result too large/);
    expect(err.details).toMatchObject({ reason: "value_too_large" });
    // The value lives in the query process only; Quarry's own memory never sees it.
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
    expect((await connector.run("SELECT 3 AS ok", read())).rows).toEqual([{ ok: 3 }]);
  }, 120_000);
});
