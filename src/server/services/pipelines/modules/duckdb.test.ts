import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import type { Batch, BatchStream, Column, ModuleContext, Row } from "../types";
import { parquetExtractor, parquetLoader, sqlTransformer } from "./duckdb";
import { lockDown, openWorkspace, workspacePrefix } from "./duckdb-engine";
import { findModule, moduleSchema } from ".";
import { pipelineFilesDir } from "./files";

function context(options: { commit?: () => Promise<void>; signal?: AbortSignal } = {}) {
  const executionId = randomUUID();
  const logs: string[] = [];
  const ctx = {
    principal: {} as ModuleContext["principal"],
    executionId,
    nodeId: "n",
    params: {},
    signal: options.signal ?? new AbortController().signal,
    log: (_level: string, message: string) => logs.push(message),
    awaitCommit: options.commit ?? (() => Promise.resolve()),
  } as ModuleContext;
  return { ctx, logs, leftovers: () => readdirSync(os.tmpdir()).filter((n) => n.startsWith(workspacePrefix(executionId))) };
}

async function* source(columns: Column[], rows: Row[], batchSize = 2): BatchStream {
  yield { columns, rows: [] };
  for (let i = 0; i < rows.length; i += batchSize) yield { columns, rows: rows.slice(i, i + batchSize) };
}

async function collect(stream: BatchStream) {
  const batches: Batch[] = [];
  for await (const b of stream) batches.push(b);
  return { batches, columns: batches.at(-1)?.columns ?? [], rows: batches.flatMap((b) => b.rows) };
}

const file = (name: string) => `duckdb-${randomUUID().slice(0, 8)}/${name}`;
const write = (ctx: ModuleContext, relative: string, input: BatchStream, config: Record<string, unknown> = {}) =>
  parquetLoader.run(ctx, parquetLoader.config.parse({ path: relative, ...config }), [input]);
const read = (ctx: ModuleContext, relative: string, batchSize?: number) => collect(parquetExtractor.run(ctx, parquetExtractor.config.parse({ path: relative, batch_size: batchSize })));
const sql = (ctx: ModuleContext, query: string, ...inputs: BatchStream[]) => collect(sqlTransformer.run(ctx, sqlTransformer.config.parse({ sql: query }), inputs));

const columns: Column[] = [
  { name: "id", kind: "number" },
  { name: "price", kind: "number" },
  { name: "big", kind: "number" },
  { name: "name", kind: "string" },
  { name: "active", kind: "boolean" },
  { name: "born", kind: "date" },
  { name: "seen", kind: "date" },
  { name: "tags", kind: "json" },
  { name: "raw", kind: "binary" },
];
const rows: Row[] = [
  { id: 1, price: 9.5, big: "9007199254740993", name: "Zoë 🦆 北京", active: true, born: "1990-02-03", seen: "2024-05-06T07:08:09.123Z", tags: { a: [1, "x"], b: null }, raw: Buffer.from("hi").toString("base64") },
  { id: 2, price: -0.25, big: 12, name: "O'Brien \"q\"", active: false, born: "2000-12-31", seen: "2025-01-01T00:00:00.000Z", tags: ["a"], raw: Buffer.from([0, 255]).toString("base64") },
  { id: 3, price: null, big: null, name: null, active: null, born: null, seen: null, tags: "123", raw: null },
];

describe("Parquet loader and extractor", () => {
  it("round-trips rows and kinds: nulls, numbers, exact bigints, unicode text, booleans, dates, JSON and binary", async () => {
    const { ctx, logs, leftovers } = context();
    const target = file("people.parquet");
    const result = await write(ctx, target, source(columns, rows), { compression: "zstd" });
    expect(result).toEqual({ rowsWritten: 3, target });
    expect(logs).toContain(`Wrote 3 rows to ${target}`);
    const out = await read(ctx, target);
    expect(out.columns).toEqual(columns);
    expect(out.rows).toEqual(rows);
    expect(out.batches[0]!.rows).toEqual([]);
    expect(logs).toContain(`Read 3 rows from ${target}`);
    expect(readdirSync(path.dirname(path.join(pipelineFilesDir(), target)))).toEqual(["people.parquet"]);
    expect(leftovers()).toEqual([]);
  });

  it("widens a column when a later batch needs it, and refuses a value its kind cannot hold", async () => {
    const { ctx } = context();
    const target = file("widened.parquet");
    const cols: Column[] = [{ name: "n", kind: "number" }, { name: "d", kind: "date" }];
    await write(ctx, target, source(cols, [{ n: 1, d: "2024-01-01" }, { n: 2, d: "2024-01-02" }, { n: 1.5, d: "2024-01-03 10:00" }]));
    expect((await read(ctx, target)).rows).toEqual([
      { n: 1, d: "2024-01-01T00:00:00.000Z" },
      { n: 2, d: "2024-01-02T00:00:00.000Z" },
      { n: 1.5, d: "2024-01-03T10:00:00.000Z" },
    ]);
    const bad = write(ctx, file("bad.parquet"), source(cols, [{ n: 1, d: null }, { n: "many", d: null }], 1));
    await expect(bad).rejects.toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringMatching(/Column n of the loader's input holds numbers, but a row has many/) });
  });

  it("streams a large file in batches of batch_size", async () => {
    const { ctx, leftovers } = context();
    const target = file("large.parquet");
    const many = Array.from({ length: 25_000 }, (_, i) => ({ id: i, label: `row ${i}` }));
    await write(ctx, target, source([{ name: "id", kind: "number" }, { name: "label", kind: "string" }], many, 5000));
    const out = await read(ctx, target, 1000);
    const sizes = out.batches.slice(1).map((b) => b.rows.length);
    expect(sizes.length).toBeGreaterThanOrEqual(25);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    expect(out.rows).toHaveLength(25_000);
    expect(out.rows.every((r, i) => r.id === i)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it("reads an empty file as one batch with its columns", async () => {
    const { ctx } = context();
    const target = file("empty.parquet");
    expect((await write(ctx, target, source([{ name: "a", kind: "string" }, { name: "b", kind: "number" }], []))).rowsWritten).toBe(0);
    const out = await read(ctx, target);
    expect(out.batches).toEqual([{ columns: [{ name: "a", kind: "string" }, { name: "b", kind: "number" }], rows: [] }]);
  });

  it("leaves no file when the run fails or is cancelled before the commit, nor when the input fails", async () => {
    for (const reason of [new AppError("QUERY_FAILED", "another node failed"), new Error("The execution was cancelled")]) {
      const abort = new AbortController();
      const { ctx, leftovers } = context({ signal: abort.signal, commit: () => (abort.abort(reason), Promise.reject(reason)) });
      const target = file("never.parquet");
      await expect(write(ctx, target, source(columns, rows))).rejects.toBe(reason);
      expect(existsSync(path.dirname(path.join(pipelineFilesDir(), target))) ? readdirSync(path.dirname(path.join(pipelineFilesDir(), target))) : []).toEqual([]);
      expect(leftovers()).toEqual([]);
    }
    const { ctx, leftovers } = context();
    async function* broken(): BatchStream {
      yield { columns, rows };
      throw new Error("upstream broke");
    }
    const target = file("broken.parquet");
    await expect(write(ctx, target, broken())).rejects.toThrow("upstream broke");
    expect(readdirSync(path.dirname(path.join(pipelineFilesDir(), target)))).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it("refuses paths outside the files folder and wildcards, and says when the file is missing or not Parquet", async () => {
    const { ctx, leftovers } = context();
    await expect(read(ctx, "../../etc/passwd")).rejects.toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringMatching(/outside the pipeline files folder/) });
    await expect(write(ctx, "../escape.parquet", source(columns, rows))).rejects.toThrow(/outside the pipeline files folder/);
    await expect(read(ctx, "*.parquet")).rejects.toThrow(/wildcard/);
    await expect(read(ctx, "nope.parquet")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const text = file("not.parquet");
    mkdirSync(path.dirname(path.join(pipelineFilesDir(), text)), { recursive: true });
    writeFileSync(path.join(pipelineFilesDir(), text), "id,name\n1,a\n");
    const failure = await read(ctx, text).catch((e: unknown) => e as AppError);
    expect(failure).toMatchObject({ code: "QUERY_FAILED", message: expect.stringMatching(/^Reading .*not\.parquet failed: /) });
    expect((failure as AppError).message).not.toContain(pipelineFilesDir());
    expect(leftovers()).toEqual([]);
  });
});

describe("SQL transformer", () => {
  const peopleCols: Column[] = [{ name: "id", kind: "number" }, { name: "city", kind: "string" }, { name: "score", kind: "number" }];
  const people = [
    { id: 1, city: "Lyon", score: 10 },
    { id: 2, city: "Paris", score: 4.5 },
    { id: 3, city: null, score: 7 },
    { id: 4, city: "Lyon", score: 3 },
  ];
  const orderCols: Column[] = [{ name: "order_id", kind: "number" }, { name: "person", kind: "number" }, { name: "total", kind: "number" }];
  const orders = [{ order_id: 10, person: 1, total: 5 }, { order_id: 11, person: 1, total: 7 }, { order_id: 12, person: 9, total: 1 }];

  it("aggregates and groups over its input, in batches, with the result's kinds", async () => {
    const { ctx, logs, leftovers } = context();
    const out = await sql(ctx, "SELECT city, count(*) AS n, sum(score) AS total, max(id) > 2 AS late FROM input GROUP BY city ORDER BY city NULLS LAST", source(peopleCols, people));
    expect(out.columns).toEqual([{ name: "city", kind: "string" }, { name: "n", kind: "number" }, { name: "total", kind: "number" }, { name: "late", kind: "boolean" }]);
    expect(out.rows).toEqual([
      { city: "Lyon", n: 2, total: 13, late: true },
      { city: "Paris", n: 1, total: 4.5, late: false },
      { city: null, n: 1, total: 7, late: true },
    ]);
    expect(logs).toContain("The SQL turned 4 rows into 3");
    expect(leftovers()).toEqual([]);
  });

  it("turns DuckDB's own types into JSON-safe values and our kinds", async () => {
    const { ctx } = context();
    const out = await sql(
      ctx,
      `SELECT 12.34::DECIMAL(10,2) AS dec2, 123456789012345678901234.5::DECIMAL(38,1) AS wide, 170141183460469231731687303715884105727::HUGEINT AS huge,
        42::HUGEINT AS small, 'infinity'::DOUBLE AS inf, TIMESTAMP '2024-01-02 03:04:05.5' AS ts, TIMESTAMPTZ '2024-01-02 03:04:05+02' AS tstz,
        TIME '10:11:12' AS t, [1, 2] AS list, {'k': 1::BIGINT, 'd': DATE '2024-02-03'} AS obj, '\\x00\\xFF'::BLOB AS bytes,
        '00000000-0000-0000-0000-000000000001'::UUID AS id, NULL AS nothing FROM input LIMIT 1`,
      source(peopleCols, people),
    );
    expect(Object.fromEntries(out.columns.map((c) => [c.name, c.kind]))).toEqual({
      dec2: "number", wide: "number", huge: "number", small: "number", inf: "number", ts: "date", tstz: "date", t: "string",
      list: "json", obj: "json", bytes: "binary", id: "string", nothing: "number", // DuckDB types a bare NULL as INTEGER
    });
    expect(out.rows[0]).toEqual({
      dec2: 12.34, wide: "123456789012345678901234.5", huge: "170141183460469231731687303715884105727", small: 42, inf: "Infinity",
      ts: "2024-01-02T03:04:05.5", tstz: "2024-01-02T01:04:05.000Z", t: "10:11:12", list: [1, 2], obj: { k: 1, d: "2024-02-03" },
      bytes: Buffer.from([0, 255]).toString("base64"), id: "00000000-0000-0000-0000-000000000001", nothing: null,
    });
  });

  it("joins two inputs, as input1/input2 or \"left\"/\"right\"", async () => {
    const { ctx } = context();
    const a = await sql(ctx, "SELECT p.id, o.order_id FROM input1 p JOIN input2 o ON o.person = p.id ORDER BY o.order_id", source(peopleCols, people), source(orderCols, orders));
    expect(a.rows).toEqual([{ id: 1, order_id: 10 }, { id: 1, order_id: 11 }]);
    const b = await sql(ctx, 'SELECT l.id, r.total FROM "left" l LEFT JOIN "right" r ON r.person = l.id ORDER BY l.id, r.total', source(peopleCols, people), source(orderCols, orders));
    expect(b.rows).toEqual([{ id: 1, total: 5 }, { id: 1, total: 7 }, { id: 2, total: null }, { id: 3, total: null }, { id: 4, total: null }]);
  });

  it("keeps the columns of an empty input, and streams a large result in batches", async () => {
    const { ctx } = context();
    const empty = await sql(ctx, "SELECT * FROM input", source(peopleCols, []));
    expect(empty.batches).toEqual([{ columns: peopleCols, rows: [] }]);
    const big = await collect(sqlTransformer.run(ctx, sqlTransformer.config.parse({ sql: "SELECT range AS i FROM range(5000)", batch_size: 700 }), [source(peopleCols, [])]));
    expect(big.rows).toHaveLength(5000);
    expect(Math.max(...big.batches.map((b) => b.rows.length))).toBe(700);
  });

  it.each([
    ["reading a file", "SELECT * FROM read_csv('/etc/passwd')"],
    ["reading a file as text", "SELECT * FROM read_text('/etc/hostname')"],
    ["listing files", "SELECT * FROM glob('/etc/*')"],
    ["reading a URL", "SELECT * FROM read_parquet('https://example.com/x.parquet')"],
  ])("refuses %s (no files, no network)", async (_what, query) => {
    const { ctx, leftovers } = context();
    const failure = await sql(ctx, query, source(peopleCols, people)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: "QUERY_REJECTED", message: expect.stringMatching(/files, the network and extensions are out of reach here/) });
    expect(leftovers()).toEqual([]);
  });

  it.each([
    ["COPY", "COPY input TO '/tmp/quarry-stolen.csv'", /out of reach here \(Cannot access file "\/tmp\/quarry-stolen.csv"/],
    ["ATTACH", "ATTACH '/tmp/quarry-other.db' AS other", /only a read \(SELECT or WITH … SELECT\); this is a ATTACH statement/],
    ["INSTALL", "INSTALL httpfs", /only a read \(SELECT or WITH … SELECT\); this is a LOAD statement/],
    ["LOAD", "LOAD httpfs", /this is a LOAD statement/],
    ["SET", "SET enable_external_access = true", /this is a SET statement/],
    ["DELETE", "DELETE FROM input", /this is a DELETE statement/],
    ["CREATE", "CREATE TABLE t AS SELECT 1", /this is a CREATE statement/],
  ])("refuses %s: only one read runs, and nothing reaches a file", async (_kind, query, message) => {
    const { ctx, leftovers } = context();
    await expect(sql(ctx, query, source(peopleCols, people))).rejects.toMatchObject({ code: "QUERY_REJECTED", message: expect.stringMatching(message) });
    expect(existsSync("/tmp/quarry-stolen.csv")).toBe(false);
    expect(existsSync("/tmp/quarry-other.db")).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it("refuses several statements, and reports SQL errors as DuckDB names them", async () => {
    const { ctx, leftovers } = context();
    await expect(sql(ctx, "SELECT 1; COPY input TO '/tmp/quarry-stolen.csv'", source(peopleCols, people))).rejects.toMatchObject({ code: "QUERY_REJECTED", message: expect.stringMatching(/runs one statement; this SQL has 2/) });
    expect(existsSync("/tmp/quarry-stolen.csv")).toBe(false);
    await expect(sql(ctx, "SELECT * FROM query('ATTACH ''/tmp/quarry-q.db''')", source(peopleCols, people))).rejects.toBeInstanceOf(AppError);
    await expect(sql(ctx, "SELEC 1", source(peopleCols, people))).rejects.toMatchObject({ code: "QUERY_FAILED", message: expect.stringMatching(/Parser Error: syntax error/) });
    await expect(sql(ctx, "SELECT nope FROM input", source(peopleCols, people))).rejects.toMatchObject({ code: "QUERY_FAILED", message: expect.stringMatching(/Binder Error/) });
    expect(leftovers()).toEqual([]);
  });

  it("locks the workspace down: even statements past the checks cannot reach files or undo the settings", async () => {
    const ws = await openWorkspace(randomUUID(), "disk");
    try {
      const connection = await ws.connect();
      await lockDown(connection);
      await expect(connection.run("SET enable_external_access = true")).rejects.toThrow(/configuration has been locked/);
      await expect(connection.run("SET lock_configuration = false")).rejects.toThrow(/locked/);
      await expect(connection.run("COPY (SELECT 1) TO '/tmp/quarry-stolen.csv'")).rejects.toThrow(/Permission Error/);
      await expect(connection.run(`ATTACH '${path.join(ws.dir, "other.db")}'`)).rejects.toThrow(/Permission Error/);
      await expect(connection.run("LOAD httpfs")).rejects.toThrow(/Permission Error|disabled/);
      expect(existsSync("/tmp/quarry-stolen.csv")).toBe(false);
    } finally {
      await ws.close();
    }
    expect(existsSync(ws.dir)).toBe(false);
  });

  it("closes its workspace when cancelled mid-result or while reading its input", async () => {
    const abort = new AbortController();
    const { ctx, leftovers } = context({ signal: abort.signal });
    const out = sqlTransformer.run(ctx, sqlTransformer.config.parse({ sql: "SELECT range AS i FROM range(10000000)" }), [source(peopleCols, people)])[Symbol.asyncIterator]();
    await out.next();
    await out.next();
    expect(leftovers()).toHaveLength(1);
    abort.abort();
    await out.return!(undefined);
    expect(leftovers()).toEqual([]);

    const stop = new AbortController();
    const waiting = context({ signal: stop.signal });
    async function* endless(): BatchStream {
      for (let i = 0; ; i++) {
        yield { columns: peopleCols, rows: [{ id: i, city: "x", score: 1 }] };
        await new Promise((r) => setTimeout(r, 5));
        if (i === 5) stop.abort();
      }
    }
    const ended = await collect(sqlTransformer.run(waiting.ctx, sqlTransformer.config.parse({ sql: "SELECT * FROM input" }), [endless()]));
    expect(ended.rows).toEqual([]);
    expect(waiting.leftovers()).toEqual([]);
  });
});

describe("module descriptions", () => {
  it("registers the three modules with JSON Schema config forms", () => {
    expect(findModule("extractor", "parquet")?.displayName).toBe("Parquet File Extractor");
    expect(findModule("loader", "parquet")?.displayName).toBe("Parquet File Loader");
    const sqlModule = findModule("transformer", "sql")!;
    expect(sqlModule.inputs).toEqual([1, 2]);
    const { schema, defaults } = moduleSchema(sqlModule);
    expect((schema.properties as Record<string, { format?: string; title?: string }>).sql).toMatchObject({ format: "code", title: "SQL" });
    expect(defaults).toEqual({ sql: "SELECT * FROM input", batch_size: 1000 });
    expect(moduleSchema(findModule("loader", "parquet")!).defaults).toEqual({ compression: "snappy" });
    expect(moduleSchema(findModule("extractor", "parquet")!).defaults).toEqual({ batch_size: 1000 });
  });
});
