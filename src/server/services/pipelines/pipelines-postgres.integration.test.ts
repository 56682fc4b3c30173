import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { jobQueue, startJobs, stopJobs } from "@/server/jobs";
import { cancelExecution, createPipeline, executePipeline, executionLogs, executionMetrics, getExecution } from "@/server/services/pipelines";
import type { UserPrincipal } from "@/server/services/principal";
import { grant } from "@/test/fixtures";
import { sleep } from "@/test/jobs";
import { approveCurrentVersion, pipelineAuthor, runPipeline, serverDataSource } from "@/test/pipelines";
import { serviceAvailable, services } from "@/test/services";

const available = await serviceAvailable("postgres");
const tag = randomBytes(4).toString("hex");
const people = `pl_people_${tag}`;
const orders = `pl_orders_${tag}`;
const targets: string[] = [];
const target = (name: string) => {
  const t = `pl_${name}_${tag}`;
  targets.push(t);
  return t;
};
const sql = async (text: string, params: unknown[] = []) => {
  const c = new pg.Client(services.postgres);
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
};
const exists = async (table: string) => (await sql("SELECT to_regclass($1) AS t", [table]))[0].t !== null;

let ds = "";
let author: UserPrincipal;

const extract = (id: string, query: string) => ({ id, type: "extractor", module: "postgres", description: id, config: { connection_id: ds, query } });
const step = (id: string, module: string, config: Record<string, unknown>) => ({ id, type: "transformer", module, description: id, config });
const loadInto = (id: string, table: string, extra: Record<string, unknown> = {}) => ({ id, type: "loader", module: "database", description: id, config: { connection_id: ds, table, ...extra } });
const chain = (...ids: string[]) => ids.slice(1).map((id, i) => ({ source: ids[i]!, target: id }));

describe.skipIf(!available)("pipelines on PostgreSQL", () => {
  beforeAll(async () => {
    await sql(`CREATE TABLE ${people} (id int PRIMARY KEY, email text, city text)`);
    await sql(`INSERT INTO ${people} VALUES (1, ' a@x.test ', 'Lyon'), (2, 'a@x.test', 'Paris'), (3, 'b@x.test', 'Lyon'), (4, 'c@x.test', 'Nice'), (5, 'd@x.test', 'Lyon')`);
    await sql(`CREATE TABLE ${orders} (order_id int PRIMARY KEY, person_id int, total numeric)`);
    await sql(`INSERT INTO ${orders} VALUES (10, 1, 5), (11, 1, 7), (12, 3, 2), (13, 4, 1), (14, 9, 100)`);
    ds = await serverDataSource("postgres", `pl-pg-${tag}`);
    author = await pipelineAuthor();
    await grant(author.user.id, ds, { canRead: true, canWrite: true });
    await startJobs();
  });

  afterAll(async () => {
    await stopJobs(200);
    for (const t of [people, orders, ...targets]) await sql(`DROP TABLE IF EXISTS ${t}`);
  });

  it("extracts with a bound parameter, cleans (trim, dedupe) and loads a new table; records metrics and logs", async () => {
    const out = target("clean");
    const { execution } = await runPipeline(
      author,
      {
        name: "clean people",
        config: {
          nodes: [extract("src", `SELECT id, email, city FROM ${people} WHERE id >= :min_id ORDER BY id`), step("clean", "cleaner", { trim: true, remove_duplicates: true, columns: ["email"] }), loadInto("dst", out, { mode: "create" })],
          edges: chain("src", "clean", "dst"),
          pushdown: false, // the cleaner's own metrics and log, in Node (its pushdown is tested below)
        },
        default_params: { min_id: 100 },
      },
      { min_id: 1 },
    );
    expect(execution.status).toBe("success");
    expect(await sql(`SELECT id, email FROM ${out} ORDER BY id`)).toEqual([
      { id: "1", email: "a@x.test" },
      { id: "3", email: "b@x.test" },
      { id: "4", email: "c@x.test" },
      { id: "5", email: "d@x.test" },
    ]);
    expect(execution.rows_processed).toBe(4);
    expect(execution.params).toEqual({ min_id: 1 });
    expect(execution.pushdown).toEqual([]);
    const metrics = await executionMetrics(author, execution.id);
    expect(metrics.nodes.map((n) => [n.node_id, n.rows_input, n.rows_output, n.rows_filtered])).toEqual([
      ["src", 0, 5, 0],
      ["clean", 5, 4, 1],
      ["dst", 4, 4, 0],
    ]);
    const logs = await executionLogs(author, execution.id, { nodeId: "clean" });
    expect(logs.logs.map((l) => l.message)).toContain("Removed 1 duplicate rows");
    const errors = await executionLogs(author, execution.id, { level: "ERROR" });
    expect(errors.total).toBe(0);
  });

  it("loads through COPY FROM STDIN with values that need quoting kept exactly (empty text is not NULL)", async () => {
    const out = target("copy");
    const { execution } = await runPipeline(author, {
      name: "copy",
      config: {
        nodes: [extract("src", "SELECT * FROM (VALUES (1, '', NULL::text, true, 1::numeric / 3), (2, 'a\"b,c', E'x\\ny', false, 20), (3, ' sp ', '\\.', NULL, NULL)) v(id, a, b, flag, amount)"), loadInto("dst", out, { mode: "create" })],
        edges: chain("src", "dst"),
      },
    });
    expect(execution.status).toBe("success");
    expect(await sql(`SELECT id::int AS id, a, b, flag, amount FROM ${out} ORDER BY id`)).toEqual([
      { id: 1, a: "", b: null, flag: true, amount: "0.33333333333333333333" },
      { id: 2, a: 'a"b,c', b: "x\ny", flag: false, amount: "20" },
      { id: 3, a: " sp ", b: "\\.", flag: null, amount: null },
    ]);
    // Exact decimals stay exact: the new column is NUMERIC, not a float or an integer.
    expect(await sql(`SELECT data_type FROM information_schema.columns WHERE table_name = '${out}' AND column_name = 'amount'`)).toEqual([{ data_type: "numeric" }]);
  });

  it("pushes filter → select → aggregate into the extractor's query, and gives the same rows with pushdown off", async () => {
    const nodes = (out: string) => [
      extract("src", `SELECT * FROM ${people}`),
      step("f", "filter", { conditions: [{ column: "id", operator: "lte", value: 4 }] }),
      step("s", "select", { columns: ["city", "id"], rename: { city: "town" } }),
      step("g", "aggregate", { group_by: ["town"], aggregations: [{ function: "count", column: "*", alias: "n" }] }),
      loadInto("dst", out, { mode: "create" }),
    ];
    const pushed = target("pushed");
    const a = await runPipeline(author, { name: "pushed", config: { nodes: nodes(pushed), edges: chain("src", "f", "s", "g", "dst") } });
    expect(a.execution.status).toBe("success");
    expect(a.execution.pushdown).toEqual([expect.objectContaining({ extractor: "src", absorbed: ["f", "s", "g"] })]);
    const logs = await executionLogs(author, a.execution.id, { nodeId: "src" });
    expect(logs.logs.some((l) => l.message.startsWith("Pushed down into the query of 'src'"))).toBe(true);

    const inNode = target("in_node");
    const b = await runPipeline(author, { name: "in node", config: { nodes: nodes(inNode), edges: chain("src", "f", "s", "g", "dst"), pushdown: false } });
    expect(b.execution.status).toBe("success");
    expect(b.execution.pushdown).toEqual([]);
    const rows = async (t: string) => (await sql(`SELECT town, n::int AS n FROM ${t} ORDER BY town`)) as unknown[];
    expect(await rows(pushed)).toEqual([{ town: "Lyon", n: 2 }, { town: "Nice", n: 1 }, { town: "Paris", n: 1 }]);
    expect(await rows(inNode)).toEqual(await rows(pushed));
  });

  it("runs a DAG with a join of two extractors into an upserted table", async () => {
    const out = target("joined");
    await sql(`CREATE TABLE ${out} (order_id bigint PRIMARY KEY, email text, total double precision)`);
    await sql(`INSERT INTO ${out} VALUES (10, 'stale', 0), (99, 'kept', 1)`);
    const { execution } = await runPipeline(author, {
      name: "join",
      config: {
        nodes: [
          extract("p", `SELECT id, email FROM ${people}`),
          extract("o", `SELECT order_id, person_id, total FROM ${orders}`),
          step("j2", "join", { left_on: ["person_id"], right_on: ["id"] }),
          step("s", "select", { columns: ["order_id", "email", "total"], cast: { total: "number" } }),
          loadInto("dst", out, { mode: "upsert", keys: ["order_id"] }),
        ],
        edges: [{ source: "o", target: "j2", targetHandle: "left" }, { source: "p", target: "j2", targetHandle: "right" }, ...chain("j2", "s", "dst")],
      },
    });
    expect(execution.status).toBe("success");
    expect(await sql(`SELECT order_id::int AS id, btrim(email) AS email, total FROM ${out} ORDER BY order_id`)).toEqual([
      { id: 10, email: "a@x.test", total: 5 },
      { id: 11, email: "a@x.test", total: 7 },
      { id: 12, email: "b@x.test", total: 2 },
      { id: 13, email: "c@x.test", total: 1 },
      { id: 99, email: "kept", total: 1 },
    ]);
  });

  it("a failing node fails the run and leaves every target untouched", async () => {
    const first = target("first");
    const strict = target("strict");
    await sql(`CREATE TABLE ${strict} (id int PRIMARY KEY, email text)`);
    await sql(`INSERT INTO ${strict} VALUES (1, 'before')`);
    const { execution } = await runPipeline(author, {
      name: "fails",
      config: {
        nodes: [extract("src", `SELECT id, email, city FROM ${people}`), loadInto("ok", first, { mode: "create" }), loadInto("bad", strict, { mode: "replace" })],
        edges: [{ source: "src", target: "ok" }, { source: "src", target: "bad" }],
      },
    });
    expect(execution.status).toBe("failed");
    expect(execution.error_message).toMatch(/has no column city/);
    expect(await exists(first)).toBe(false);
    expect(await sql(`SELECT id, email FROM ${strict}`)).toEqual([{ id: 1, email: "before" }]);
    const metrics = await executionMetrics(author, execution.id);
    expect(metrics.nodes.find((n) => n.node_id === "bad")).toMatchObject({ status: "failed" });
  });

  it("a missing parameter is refused before anything runs", async () => {
    const p = await createPipeline(author, {
      name: "needs a param",
      config: { nodes: [extract("src", `SELECT * FROM ${people} WHERE id > :since`), loadInto("dst", target("never"))], edges: chain("src", "dst") },
    });
    await expect(executePipeline(author, p.id)).rejects.toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringMatching(/:since/) });
    expect(await db.pipelineExecution.count({ where: { pipelineId: p.id } })).toBe(0);
  });

  it("cancel stops a running execution and rolls its loader back", async () => {
    const out = target("cancelled");
    const p = await createPipeline(author, {
      name: "big",
      // Streamed through Node (without pushdown the loader would run it as one INSERT … SELECT, cancelled below).
      config: { nodes: [extract("src", "SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 3000000) g"), loadInto("dst", out, { mode: "create" })], edges: chain("src", "dst"), pushdown: false },
    });
    await approveCurrentVersion(author, p.id);
    const started = await executePipeline(author, p.id);
    for (let i = 0; i < 100; i++) {
      const m = await db.pipelineNodeMetric.findFirst({ where: { executionId: started.execution_id, nodeId: "dst", rowsIn: { gt: 0 } } });
      if (m) break;
      await sleep(100);
    }
    await cancelExecution(author, started.execution_id);
    const row = await db.pipelineExecution.findUniqueOrThrow({ where: { id: started.execution_id } });
    await jobQueue().waitUntilFinished(row.jobId!, 30_000);
    const done = await getExecution(author, started.execution_id);
    expect(done.status).toBe("cancelled");
    expect(await exists(out)).toBe(false);
  });

  it("pushes the cleaner, a join of two extractors and derived columns into one query the loader runs as INSERT … SELECT, with the rows Node gives", async () => {
    const nodes = (out: string) => [
      extract("p", `SELECT id, email, city FROM ${people} ORDER BY id DESC`),
      step("clean", "cleaner", { trim: true, empty_as_null: true, remove_duplicates: true, columns: ["email"] }),
      extract("o", `SELECT order_id, person_id, total FROM ${orders} WHERE total < :max_total`),
      step("j", "join", { how: "left", left_on: ["id"], right_on: ["person_id"] }),
      step("d", "derive", { columns: [{ name: "label", op: "concat", args: [{ column: "city" }, { value: " / " }, { column: "email" }] }, { name: "double_total", op: "multiply", args: [{ column: "total" }, { value: 2 }] }, { name: "share", op: "divide", args: [{ column: "total" }, { column: "person_id" }] }] }),
      loadInto("dst", out, { mode: "create" }),
    ];
    const edges = [...chain("p", "clean"), { source: "clean", target: "j", targetHandle: "left" }, { source: "o", target: "j", targetHandle: "right" }, ...chain("j", "d", "dst")];
    const pushed = target("elt");
    const a = await runPipeline(author, { name: "elt", config: { nodes: nodes(pushed), edges }, default_params: { max_total: 50 } });
    expect(a.execution.status).toBe("success");
    expect(a.execution.pushdown).toEqual([expect.objectContaining({ extractor: "p", absorbed: ["clean", "o", "j", "d"], loader: "dst" })]);
    const logs = await executionLogs(author, a.execution.id, { nodeId: "dst" });
    // It binds a parameter, so the rows go in by INSERT … SELECT (COPY takes no parameters).
    expect(logs.logs.map((l) => l.message)).toContain(`Loaded 4 rows into ${pushed} by INSERT … SELECT (created)`);
    const metrics = await executionMetrics(author, a.execution.id);
    expect(metrics.nodes.find((n) => n.node_id === "dst")).toMatchObject({ status: "success", rows_output: 4 });
    expect(metrics.nodes.find((n) => n.node_id === "clean")).toMatchObject({ status: "pushed_down" });

    const inNode = target("etl");
    const b = await runPipeline(author, { name: "etl", config: { nodes: nodes(inNode), edges, pushdown: false }, default_params: { max_total: 50 } });
    expect(b.execution.status).toBe("success");
    const rows = (t: string) => sql(`SELECT id::int, email, city, order_id::int, total::float8, label, double_total::float8, share::float8 FROM ${t} ORDER BY id, order_id`);
    // Dedupe kept the first of each email in the query's order (id 2 before id 1 when sorted DESC).
    expect(await rows(pushed)).toEqual([
      { id: 2, email: "a@x.test", city: "Paris", order_id: null, total: null, label: "Paris / a@x.test", double_total: null, share: null },
      { id: 3, email: "b@x.test", city: "Lyon", order_id: 12, total: 2, label: "Lyon / b@x.test", double_total: 4, share: 2 / 3 },
      { id: 4, email: "c@x.test", city: "Nice", order_id: 13, total: 1, label: "Nice / c@x.test", double_total: 2, share: 0.25 },
      { id: 5, email: "d@x.test", city: "Lyon", order_id: null, total: null, label: "Lyon / d@x.test", double_total: null, share: null },
    ]);
    expect(await rows(inNode)).toEqual(await rows(pushed));
  });

  it("pipes the server's COPY TO into COPY FROM where the pushed-down query reads in parallel", async () => {
    const big = target("big_src");
    await sql(`CREATE TABLE ${big} AS SELECT g AS id, '  c ' || (g % 5000) || ' ' AS customer, md5(g::text) || md5((g + 1)::text) AS pad, md5((g % 250000)::text) AS note FROM generate_series(1, 500000) g`);
    await sql(`ANALYZE ${big}`);
    // The planner's choice is what is tested: make sure this server reads the compiled shape in parallel.
    expect(JSON.stringify(await sql(`EXPLAIN SELECT DISTINCT ON (note) * FROM (SELECT id, btrim(customer) AS customer, pad, btrim(note) AS note FROM ${big}) q`))).toMatch(/Gather/);
    const piped = target("piped");
    const { execution } = await runPipeline(author, {
      name: "piped",
      config: {
        nodes: [extract("src", `SELECT id, customer, pad, note FROM ${big}`), step("c", "cleaner", { trim: true, remove_duplicates: true, columns: ["note"] }), loadInto("dst", piped, { mode: "create" })],
        edges: chain("src", "c", "dst"),
      },
    });
    expect(execution.status).toBe("success");
    const logs = await executionLogs(author, execution.id, { nodeId: "dst" });
    expect(logs.logs.map((l) => l.message)).toContain(`Loaded 250000 rows into ${piped} by COPY TO → COPY FROM in binary format (the query read in parallel) (created)`);
    const digest = (t: string, note: string) => sql(`SELECT count(DISTINCT ${note})::int AS keys, md5(string_agg(DISTINCT ${note}, ',' ORDER BY ${note})) AS notes, bool_and(customer = btrim(customer)) AS trimmed FROM ${t}`);
    expect(await sql(`SELECT count(*)::int AS n FROM ${piped}`)).toEqual([{ n: 250000 }]);
    expect(await digest(piped, "note")).toEqual([{ ...(await digest(big, "note"))[0], trimmed: true }]);

    // Appended into columns of other (assignable) types than the query's: each value is
    // cast to the target's type on the way, so the binary format still fits.
    const typed = target("piped_typed");
    await sql(`CREATE TABLE ${typed} (id numeric(12, 0), customer varchar(40), pad text, note varchar(32))`);
    const appended = await runPipeline(author, {
      name: "piped typed",
      config: {
        nodes: [extract("src", `SELECT id, customer, pad, note FROM ${big}`), step("c", "cleaner", { trim: true, remove_duplicates: true, columns: ["note"] }), loadInto("dst", typed, { mode: "append" })],
        edges: chain("src", "c", "dst"),
      },
    });
    expect(appended.execution.status).toBe("success");
    const typedLogs = await executionLogs(author, appended.execution.id, { nodeId: "dst" });
    expect(typedLogs.logs.map((l) => l.message)).toContain(`Loaded 250000 rows into ${typed} by COPY TO → COPY FROM in binary format (the query read in parallel)`);
    expect(await digest(typed, "note")).toEqual(await digest(piped, "note"));
    // Which of a note's two rows survives is the engine's choice; each kept row is a source row, trimmed.
    expect(await sql(`SELECT count(*)::int AS n FROM ${typed} t JOIN ${big} b ON b.id = t.id AND btrim(b.customer) = t.customer AND b.pad = t.pad AND b.note = t.note`)).toEqual([{ n: 250000 }]);
  });

  it("cancel stops an INSERT … SELECT inside the database and leaves no table", async () => {
    const out = target("cancelled_elt");
    const p = await createPipeline(author, {
      name: "big elt",
      config: {
        nodes: [extract("src", "SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 50000000) g"), step("c", "cleaner", { trim: true }), loadInto("dst", out, { mode: "create" })],
        edges: chain("src", "c", "dst"),
      },
    });
    await approveCurrentVersion(author, p.id);
    const started = await executePipeline(author, p.id);
    for (let i = 0; i < 100; i++) {
      const m = await db.pipelineNodeMetric.findFirst({ where: { executionId: started.execution_id, nodeId: "dst", status: "running" } });
      if (m) break;
      await sleep(100);
    }
    await sleep(500);
    await cancelExecution(author, started.execution_id);
    const row = await db.pipelineExecution.findUniqueOrThrow({ where: { id: started.execution_id } });
    await jobQueue().waitUntilFinished(row.jobId!, 30_000);
    const done = await getExecution(author, started.execution_id);
    expect(done.pushdown).toEqual([expect.objectContaining({ loader: "dst" })]);
    expect(done.status).toBe("cancelled");
    expect(await exists(out)).toBe(false);
  });
});
