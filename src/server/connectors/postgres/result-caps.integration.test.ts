import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable, services } from "../../../test/services";
import type { Connector } from "../types";
import { MB, failure, read } from "@/test/result-caps";
import { createPostgresConnector } from "./index";

const available = await serviceAvailable("postgres");
const svc = services.postgres;

let connector: Connector;

describe.skipIf(!available)("postgres result caps", () => {
  beforeAll(() => {
    connector = createPostgresConnector({
      engine: "postgres", host: svc.host, port: svc.port, database: svc.database, username: svc.user,
      password: svc.password || undefined, options: { poolMax: 2 },
    });
  });
  afterAll(() => connector?.close());

  it("stops fetching at the byte cap and says so", async () => {
    // ~110 bytes of JSON per row, 20,000 rows: far past a 64 KB cap.
    const res = await connector.run("SELECT g AS n, repeat('x', 90) AS pad FROM generate_series(1, 20000) g", read({ maxBytes: 64 * 1024 }));
    expect(res.truncated).toBe(true);
    expect(res.truncatedReason).toBe("bytes");
    expect(res.rowCount).toBeGreaterThan(100);
    expect(res.rowCount).toBeLessThan(1000);
    expect(JSON.stringify(res.rows).length).toBeLessThanOrEqual(64 * 1024);
    expect(res.rows.at(-1)).toMatchObject({ n: res.rowCount });
  });

  it("keeps reporting the row cap as rows, and complete results as not truncated", async () => {
    const byRows = await connector.run("SELECT g FROM generate_series(1, 500) g", read({ maxRows: 200 }));
    expect(byRows).toMatchObject({ truncated: true, truncatedReason: "rows", rowCount: 200 });
    const whole = await connector.run("SELECT g FROM generate_series(1, 500) g", read({ maxRows: 500 }));
    expect(whole.truncated).toBe(false);
    expect(whole.truncatedReason).toBeUndefined();
    expect(whole.rowCount).toBe(500);
  });

  it.each([
    ["a text value", "SELECT repeat('x', 2 * 1024 * 1024) AS v"],
    ["a bytea value", "SELECT decode(repeat('ab', 2 * 1024 * 1024), 'hex') AS v"],
    ["a json value", "SELECT json_build_object('k', repeat('x', 2 * 1024 * 1024)) AS v"],
    ["a value in a later row", "SELECT g, CASE WHEN g = 150 THEN repeat('y', 2 * 1024 * 1024) END AS v FROM generate_series(1, 300) g"],
  ])("refuses %s over the value cap with a clear error, and the connector keeps working", async (_, sql) => {
    const err = await failure(connector.run(sql, read()));
    expect(err.code).toBe("QUERY_FAILED");
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/Result too large/);
    expect(err.details).toMatchObject({ reason: "value_too_large" });
    const after = await connector.run("SELECT 1 AS ok", read());
    expect(after.rows).toEqual([{ ok: 1 }]);
  });

  it("refuses a row whose values are each under the value cap but together over the byte cap", async () => {
    const err = await failure(
      connector.run("SELECT repeat('a', 700 * 1024) AS a, repeat('b', 700 * 1024) AS b, repeat('c', 700 * 1024) AS c", read({ maxBytes: 1536 * 1024 })),
    );
    expect(err.message).toMatch(/a row is larger/);
    expect((await connector.run("SELECT 1 AS ok", read())).rows).toEqual([{ ok: 1 }]);
  });

  it("refuses an oversize value in a stream (exports) the same way", async () => {
    const chunks = connector.stream("SELECT g, repeat('z', CASE WHEN g = 3 THEN 2 * 1024 * 1024 ELSE 1 END) AS v FROM generate_series(1, 5) g", {
      readOnly: true, timeoutMs: 30_000, batchSize: 1, maxValueBytes: MB,
    });
    const seen: unknown[] = [];
    const err = await failure((async () => {
      for await (const chunk of chunks) seen.push(chunk);
    })());
    expect(err.details).toMatchObject({ reason: "value_too_large" });
    expect(seen.length).toBeGreaterThan(0);
  });

  it("bounds a COPY export's row too: an oversize row fails the export instead of being buffered whole", async () => {
    const before = process.memoryUsage().rss;
    const err = await failure((async () => {
      for await (const chunk of connector.copyOut!("SELECT repeat('c', 140 * 1024 * 1024) AS v", { readOnly: true, timeoutMs: 60_000 })) void chunk;
    })());
    expect(err.details).toMatchObject({ reason: "value_too_large" });
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
    expect((await connector.run("SELECT 4 AS ok", read())).rows).toEqual([{ ok: 4 }]);
  }, 120_000);

  it("survives a 540 MB value (past V8's string limit) with the default caps: an error, not a crash, memory bounded", async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const err = await failure(connector.run("SELECT repeat('x', 540 * 1024 * 1024) AS v", read({ maxValueBytes: 10 * MB })));
      expect(err.details).toMatchObject({ reason: "value_too_large", limitBytes: 10 * MB });
    } finally {
      clearInterval(sampler);
    }
    // Without the guard pg buffered over 1 GB before throwing uncaught.
    expect(peak - before).toBeLessThan(100 * MB);
    expect((await connector.run("SELECT 2 AS ok", read())).rows).toEqual([{ ok: 2 }]);
  }, 120_000);
});
