import { describe, expect, it } from "vitest";
import { Channel } from "./channel";
import { findModule, moduleSchema, pipelineModules } from "./modules";
import { bindParameters, ParamList, parameterNames } from "./params";
import { graphOf } from "./graph";
import type { Batch, BatchStream, ModuleContext, TransformerModule } from "./types";
import { validatePipeline } from "./validate";

const ctx = { log: () => undefined, signal: new AbortController().signal, params: {}, nodeId: "n", executionId: "e" } as unknown as ModuleContext;

async function* source(rows: Record<string, unknown>[], batchSize = 2): BatchStream {
  const columns = Object.keys(rows[0] ?? {}).map((name) => ({ name, kind: typeof rows[0]![name] === "number" ? ("number" as const) : ("string" as const) }));
  yield { columns, rows: [] };
  for (let i = 0; i < rows.length; i += batchSize) yield { columns, rows: rows.slice(i, i + batchSize) };
}

async function collect(stream: BatchStream) {
  const rows: Record<string, unknown>[] = [];
  let columns: string[] = [];
  for await (const b of stream) {
    columns = b.columns.map((c) => c.name);
    rows.push(...b.rows);
  }
  return { rows, columns };
}

function transform(name: string, config: unknown, ...inputs: BatchStream[]) {
  const m = findModule("transformer", name) as TransformerModule;
  return collect(m.run(ctx, m.config.parse(config), inputs));
}

describe("transformer modules", () => {
  const people = [
    { id: 1, email: " a@x.test ", city: "Lyon", score: "10" },
    { id: 2, email: "a@x.test", city: "Paris", score: "x" },
    { id: 3, email: "b@x.test", city: null, score: "7" },
    { id: 4, email: "c@x.test", city: "Lyon", score: "3" },
  ];

  it("cleaner trims, dedupes on columns, drops null rows and coerces", async () => {
    const out = await transform("cleaner", { trim: true, remove_duplicates: true, columns: ["email"], null_handling: "drop_rows", null_columns: ["city"], coerce: { score: "integer" } }, source(people));
    expect(out.rows).toEqual([
      { id: 1, email: "a@x.test", city: "Lyon", score: 10 },
      { id: 4, email: "c@x.test", city: "Lyon", score: 3 },
    ]);
  });

  it("filter keeps matching rows, and null never compares", async () => {
    const out = await transform("filter", { conditions: [{ column: "city", operator: "ne", value: "Paris" }] }, source(people));
    expect(out.rows.map((r) => r.id)).toEqual([1, 4]);
    const any = await transform("filter", { combine: "or", conditions: [{ column: "city", operator: "is_null" }, { column: "id", operator: "gte", value: 4 }] }, source(people));
    expect(any.rows.map((r) => r.id)).toEqual([3, 4]);
  });

  it("select keeps, renames and casts columns in order", async () => {
    const out = await transform("select", { columns: ["score", "id"], rename: { score: "points" }, cast: { score: "number" } }, source(people));
    expect(out.columns).toEqual(["points", "id"]);
    expect(out.rows[0]).toEqual({ points: 10, id: 1 });
    expect(out.rows[1]).toEqual({ points: null, id: 2 });
    await expect(transform("select", { columns: ["nope"] }, source(people))).rejects.toThrow(/Unknown column: nope/);
  });

  it("derived columns compute from others", async () => {
    const out = await transform("derive", { columns: [{ name: "label", op: "concat", args: [{ column: "city" }, { value: "-" }, { column: "id" }] }, { name: "double", op: "multiply", args: [{ column: "id" }, { value: 2 }] }] }, source(people));
    expect(out.rows.map((r) => [r.label, r.double])).toEqual([["Lyon-1", 2], ["Paris-2", 4], [null, 6], ["Lyon-4", 8]]);
  });

  it("aggregate groups with count, sum, avg, min, max", async () => {
    const out = await transform("aggregate", { group_by: ["city"], aggregations: [{ function: "count", column: "*", alias: "n" }, { function: "sum", column: "id" }, { function: "max", column: "email" }] }, source(people));
    expect(out.rows).toEqual([
      { city: "Lyon", n: 2, sum_id: 5, max_email: "c@x.test" },
      { city: "Paris", n: 1, sum_id: 2, max_email: "a@x.test" },
      { city: null, n: 1, sum_id: 3, max_email: "b@x.test" },
    ]);
  });

  it("join matches two inputs on keys (inner, left, full)", async () => {
    const orders = [{ order_id: 10, person: 1, total: 5 }, { order_id: 11, person: 1, total: 7 }, { order_id: 12, person: 9, total: 1 }];
    const inner = await transform("join", { left_on: ["id"], right_on: ["person"] }, source(people), source(orders));
    expect(inner.rows.map((r) => [r.id, r.order_id])).toEqual([[1, 10], [1, 11]]);
    const left = await transform("join", { how: "left", left_on: ["id"], right_on: ["person"] }, source(people), source(orders));
    expect(left.rows).toHaveLength(5);
    const full = await transform("join", { how: "full", left_on: ["id"], right_on: ["person"] }, source(people), source(orders));
    expect(full.rows.filter((r) => r.id === null).map((r) => r.order_id)).toEqual([12]);
  });
});

describe("module descriptions", () => {
  it("serves every config schema as JSON Schema with defaults", () => {
    for (const m of pipelineModules) {
      const { schema } = moduleSchema(m);
      expect(schema.type, m.name).toBe("object");
    }
    const pg = moduleSchema(findModule("extractor", "postgres")!);
    expect(pg.defaults).toMatchObject({ query: "SELECT * FROM table_name" });
    expect((pg.schema.properties as Record<string, { format?: string }>).query!.format).toBe("code");
  });
});

describe("parameters", () => {
  it("binds :name placeholders, skipping strings, comments and casts", () => {
    const sql = "SELECT ':skip', x::text FROM t -- :nope\nWHERE a > :start AND b = :start AND c < :end";
    expect(parameterNames(sql)).toEqual(["start", "end"]);
    const list = new ParamList("dollar");
    expect(bindParameters(sql, { start: 1, end: 2 }, list)).toBe("SELECT ':skip', x::text FROM t -- :nope\nWHERE a > $1 AND b = $2 AND c < $3");
    expect(list.values).toEqual([1, 1, 2]);
    expect(() => bindParameters(sql, { start: 1 }, new ParamList("question"))).toThrow(/Missing parameter: :end/);
  });
});

describe("validation", () => {
  const node = (id: string, type: string, module: string, config: Record<string, unknown> = {}) => ({ id, type, module, config, description: "d" });
  const ext = node("a", "extractor", "postgres", { connection_id: "c", query: "SELECT 1" });
  const load = node("z", "loader", "database", { connection_id: "c", table: "t" });

  it("accepts a well-formed pipeline", () => {
    const r = validatePipeline({ nodes: [ext, load], edges: [{ source: "a", target: "z" }] });
    expect(r).toMatchObject({ valid: true, errors: [] });
  });

  it("reports cycles, dangling edges, unknown modules, bad configs and loaders without input", () => {
    const r = validatePipeline({
      nodes: [ext, node("b", "transformer", "filter"), node("c", "transformer", "filter"), node("u", "transformer", "teleport"), node("bad", "extractor", "postgres", { query: 5 }), node("lonely", "loader", "database", { connection_id: "c", table: "t" })],
      edges: [{ source: "a", target: "b" }, { source: "b", target: "c" }, { source: "c", target: "b" }, { source: "a", target: "ghost" }],
    });
    const types = r.errors.map((e) => e.type);
    expect(r.valid).toBe(false);
    expect(types).toEqual(expect.arrayContaining(["cycle", "dangling_edge", "unknown_module", "invalid_config", "loader_without_input"]));
    expect(r.errors.find((e) => e.type === "invalid_config")!.node_id).toBe("bad");
  });

  it("reads the canvas's React Flow nodes too", () => {
    const r = validatePipeline({
      nodes: [
        { id: "x", type: "extractor", position: { x: 0, y: 0 }, data: { label: "src", moduleId: "postgres", config: { connection_id: "c", query: "SELECT :d" } } },
        { id: "y", type: "loader", position: { x: 1, y: 0 }, data: { label: "dst", moduleId: "csv", config: { path: "out.csv" } } },
      ],
      edges: [{ id: "e1", source: "x", target: "y" }],
    }, { params: {}, requireParams: true });
    expect(r.errors.map((e) => e.type)).toEqual(["missing_parameter"]);
  });

  it("refuses two database loaders into one table unless both append (the second would wait on the first's uncommitted work)", () => {
    const two = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      validatePipeline({ nodes: [ext, node("l1", "loader", "database", a), node("l2", "loader", "database", b)], edges: [{ source: "a", target: "l1" }, { source: "a", target: "l2" }] }).errors;
    const refused = two({ connection_id: "c", table: "orders", mode: "create" }, { connection_id: "c", table: "orders" });
    expect(refused).toEqual([expect.objectContaining({ type: "shared_target", node_id: "l2", field: "table" })]);
    expect(refused[0]!.message).toMatch(/'l1' and 'l2' both load orders \(create and append\)/);
    // Quotes, case and a schema on one side only still name the same table.
    expect(two({ connection_id: "c", table: '"Public"."Orders"', mode: "replace" }, { connection_id: "c", table: "orders", mode: "upsert", keys: ["id"] }).map((e) => e.type)).toEqual(["shared_target"]);
    expect(two({ connection_id: "c", table: "`orders`", mode: "upsert", keys: ["id"] }, { connection_id: "c", table: "ORDERS", mode: "append" }).map((e) => e.type)).toEqual(["shared_target"]);
    // Two appends, other sources, other tables and other schemas are fine.
    expect(two({ connection_id: "c", table: "orders" }, { connection_id: "c", table: "orders", mode: "append" })).toEqual([]);
    expect(two({ connection_id: "c", table: "orders", mode: "create" }, { connection_id: "d", table: "orders", mode: "create" })).toEqual([]);
    expect(two({ connection_id: "c", table: "orders", mode: "create" }, { connection_id: "c", table: "orders_2", mode: "create" })).toEqual([]);
    expect(two({ connection_id: "c", table: "sales.orders", mode: "create" }, { connection_id: "c", table: "archive.orders", mode: "create" })).toEqual([]);
  });

  it("refuses a cron expression that does not parse", () => {
    expect(validatePipeline({ nodes: [ext, load], edges: [{ source: "a", target: "z" }] }, { schedule: "every tuesday" }).errors[0]!.type).toBe("invalid_schedule");
  });
});

describe("channel", () => {
  it("holds the producer back once the buffer is full, and fails both ends on error", async () => {
    const ch = new Channel(2, Number.POSITIVE_INFINITY);
    const batch = (n: number): Batch => ({ columns: [], rows: Array.from({ length: n }, () => ({})) });
    await ch.push(batch(2));
    let third = false;
    const pending = ch.push(batch(1)).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false);
    const it = ch[Symbol.asyncIterator]();
    expect((await it.next()).value!.rows).toHaveLength(2);
    await pending;
    expect(third).toBe(true);
    ch.fail(new Error("boom"));
    await expect(it.next()).rejects.toThrow("boom");
    await expect(ch.push(batch(1))).rejects.toThrow("boom");
  });
});
