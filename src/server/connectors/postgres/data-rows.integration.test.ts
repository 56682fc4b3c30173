import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, type ScratchDatabase } from "../../../test/pg-scratch";
import { serviceAvailable } from "../../../test/services";
import type { Connector, StreamChunk } from "../types";
import { toRecords, uniqueNames } from "../values";
import { pgTypes } from "./dialect";
import { createPostgresConnector } from "./index";

const available = await serviceAvailable("postgres");

let connector: Connector;
let scratch: ScratchDatabase;
let direct: pg.Client;

/** The rows as pg's own parser gives them, made records the way the connector did before. */
async function throughPg(sql: string) {
  const result = await direct.query({ text: sql, rowMode: "array", types: pgTypes });
  return toRecords(uniqueNames(result.fields.map((f) => f.name)), result.rows as unknown[][]);
}

let lastColumns: unknown[] = [];

async function streamed(sql: string, batchSize: number, lagEvery = 0) {
  const rows: Record<string, unknown>[] = [];
  let batches = 0;
  for await (const chunk of connector.stream(sql, { readOnly: true, timeoutMs: 30_000, batchSize })) {
    if (!("rows" in chunk)) {
      lastColumns = chunk.columns;
      continue;
    }
    rows.push(...chunk.rows);
    // A consumer slower than the server now and then: the next batch arrives while this one is held.
    if (lagEvery && ++batches % lagEvery === 0) await new Promise((r) => setTimeout(r, 5));
  }
  return rows;
}

const five = async () => (await connector.run("SELECT 5 AS five, 'ok' AS word", { maxRows: 1, timeoutMs: 5_000, readOnly: true })).rows;

describe.runIf(available)("streamed rows decoded off the socket (integration, PostgreSQL)", () => {
  beforeAll(async () => {
    scratch = await createScratchDatabase("quarry_rows");
    direct = scratch.direct;
    await direct.query(`CREATE TABLE mixed AS SELECT g AS id, g::bigint * 4294967296 AS big, (g::numeric / 7) AS ratio, g / 4.0 AS quarter,
      CASE WHEN g % 5 = 0 THEN NULL WHEN g % 5 = 1 THEN '' ELSE 'é€𝄞 ' || g || E'\\t\\\\\\n' || repeat(chr(1000 + g % 500), g % 40) END AS label,
      CASE WHEN g % 997 = 0 THEN repeat('long ', 4000) END AS essay,
      g % 2 = 0 AS even, date '2024-01-01' + g AS day, timestamp '2024-01-01' + g * interval '1 second' AS at,
      timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' AS at_tz, ARRAY[g, -g] AS pair, jsonb_build_object('g', g, 's', 'x' || g) AS doc,
      decode(lpad(to_hex(g), 8, '0'), 'hex') AS raw, (g % 3)::float8 / 3 AS third, interval '1 day' * g AS span
      FROM generate_series(1, 30000) g`);
    connector = createPostgresConnector(scratch.config);
  });

  afterAll(async () => {
    await connector?.close();
    await scratch?.drop();
  });

  it("gives exactly the rows pg's own parser gives, for every type, batch size and pace", async () => {
    const sql = "SELECT *, id AS id FROM mixed ORDER BY id";
    const expected = await throughPg(sql);
    expect(expected).toHaveLength(30000);
    // Compared as JSON text (the rows are JSON-safe; key order counts too); the first differing row is shown.
    const sameRows = (rows: Record<string, unknown>[], want: Record<string, unknown>[], label: string) => {
      expect(rows.length, label).toBe(want.length);
      const at = rows.findIndex((row, i) => JSON.stringify(row) !== JSON.stringify(want[i]));
      if (at >= 0) expect(rows[at], `${label}, row ${at}`).toEqual(want[at]);
      expect(at, label).toBe(-1);
    };
    for (const [batchSize, lagEvery] of [[1000, 0], [777, 3], [30000, 0], [50000, 0]] as const) sameRows(await streamed(sql, batchSize, lagEvery), expected, `batch size ${batchSize}`);
    // Types pg does not name (an array here) are looked up while the cursor is open, on a connection of their own.
    expect(lastColumns).toContainEqual({ name: "pair", type: "integer[]", kind: "json" });
    expect(lastColumns).toContainEqual({ name: "span", type: "interval", kind: "string" });
    const few = "SELECT * FROM mixed WHERE id <= 1200 ORDER BY id";
    sameRows(await streamed(few, 1), await throughPg(few), "batch size 1");
    // The connection went back to pg's parser: plain reads on it still get their rows.
    for (let i = 0; i < 3; i++) expect(await five()).toEqual([{ five: 5, word: "ok" }]);
  });

  it("a stream failing mid-way fails with the server's error and leaves the connector usable", async () => {
    const failing = streamed("SELECT id, label, 1 / (20000 - id) AS boom FROM mixed ORDER BY id", 1000, 2);
    await expect(failing).rejects.toThrow(/division by zero/);
    for (let i = 0; i < 3; i++) expect(await five()).toEqual([{ five: 5, word: "ok" }]);
  });

  it("a consumer stopping after the first batch (the next one already asked for) leaves the connector usable", async () => {
    for (let round = 0; round < 3; round++) {
      const got: StreamChunk[] = [];
      for await (const chunk of connector.stream("SELECT id, essay, label FROM mixed ORDER BY id", { readOnly: true, timeoutMs: 30_000, batchSize: 500 })) {
        got.push(chunk);
        if ("rows" in chunk) break;
      }
      expect(got.at(-1)).toMatchObject({ rows: expect.any(Array) });
      expect((got.at(-1) as { rows: unknown[] }).rows).toHaveLength(500);
      expect(await five()).toEqual([{ five: 5, word: "ok" }]);
      expect(await streamed("SELECT id FROM mixed WHERE id <= 3 ORDER BY id", 2)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    }
  });
});
