import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable, services } from "../../../test/services";
import type { Connector } from "../types";
import { MB, failure, read, series } from "@/test/result-caps";
import { createMysqlConnector } from "./index";

const available = await serviceAvailable("mariadb");
const svc = services.mariadb;

let connector: Connector;

describe.skipIf(!available)("mysql/mariadb result caps", () => {
  beforeAll(() => {
    connector = createMysqlConnector({
      engine: "mysql", host: svc.host, port: svc.port, database: svc.database, username: svc.user,
      password: svc.password || undefined, options: { poolMax: 2 },
    });
  });
  afterAll(() => connector?.close());

  it("stops fetching at the byte cap and says so", async () => {
    const res = await connector.run(series(20_000, "n, REPEAT('x', 90) AS pad"), read({ maxBytes: 64 * 1024 }));
    expect(res).toMatchObject({ truncated: true, truncatedReason: "bytes" });
    expect(res.rowCount).toBeGreaterThan(100);
    expect(res.rowCount).toBeLessThan(1000);
    expect(JSON.stringify(res.rows).length).toBeLessThanOrEqual(64 * 1024);
    // The abandoned rest of the result does not disturb the next query on the pool.
    expect((await connector.run("SELECT 1 AS ok", read())).rows).toEqual([{ ok: 1 }]);
  });

  it("keeps reporting the row cap as rows, and complete results as not truncated", async () => {
    expect(await connector.run(series(500, "n"), read({ maxRows: 200 }))).toMatchObject({ truncated: true, truncatedReason: "rows", rowCount: 200 });
    const whole = await connector.run(series(500, "n"), read({ maxRows: 500 }));
    expect(whole.truncated).toBe(false);
    expect(whole.truncatedReason).toBeUndefined();
  });

  it.each([
    ["a text value", "SELECT REPEAT('x', 2 * 1024 * 1024) AS v"],
    ["a binary value", "SELECT CAST(REPEAT('b', 2 * 1024 * 1024) AS BINARY) AS v"],
    ["a value in a later row", series(300, "n, CASE WHEN n = 150 THEN REPEAT('y', 2 * 1024 * 1024) END AS v")],
    ["a row over the byte cap", "SELECT REPEAT('a', 700 * 1024) AS a, REPEAT('b', 700 * 1024) AS b, REPEAT('c', 700 * 1024) AS c"],
  ])("refuses %s with a clear error, and the connector keeps working", async (what, sql) => {
    const err = await failure(connector.run(sql, read(what.includes("byte cap") ? { maxBytes: 1536 * 1024 } : {})));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/Result too large/);
    expect(err.details).toMatchObject({ reason: "value_too_large" });
    expect((await connector.run("SELECT 1 AS ok", read())).rows).toEqual([{ ok: 1 }]);
  });

  it("refuses an oversize value in a stream (exports) the same way", async () => {
    const chunks = connector.stream(series(5, "n, REPEAT('z', CASE WHEN n = 3 THEN 2 * 1024 * 1024 ELSE 1 END) AS v"), {
      readOnly: true, timeoutMs: 30_000, batchSize: 1, maxValueBytes: MB,
    });
    const err = await failure((async () => {
      for await (const chunk of chunks) void chunk;
    })());
    expect(err.details).toMatchObject({ reason: "value_too_large" });
    expect((await connector.run("SELECT 1 AS ok", read())).rows).toEqual([{ ok: 1 }]);
  });
});
