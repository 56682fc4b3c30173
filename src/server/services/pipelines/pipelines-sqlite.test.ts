import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { startJobs, stopJobs } from "@/server/jobs";
import type { UserPrincipal } from "@/server/services/principal";
import { sqliteExtractor } from "@/server/services/pipelines/modules/extractors";
import { pipelineFilesDir } from "@/server/services/pipelines/modules/files";
import type { ModuleContext } from "@/server/services/pipelines/types";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { approveCurrentVersion, pipelineAuthor, runPipeline } from "@/test/pipelines";
import { createPipeline, executePipeline, validateWithSources } from ".";

/** Pipelines against a real SQLite file (the demo retail database): no server needed. */
let file = "";
let ds = "";
let author: UserPrincipal;
const query = (sql: string) => {
  const conn = new Database(file, { readonly: true });
  try {
    return conn.prepare(sql).all();
  } finally {
    conn.close();
  }
};

beforeAll(async () => {
  file = demoDatabaseFile();
  ds = (await db.dataSource.create({ data: { name: `pl-sqlite-${Date.now()}`, engine: "sqlite", database: file } })).id;
  author = await pipelineAuthor();
  await grant(author.user.id, ds, { canRead: true, canWrite: true });
  await startJobs();
});
afterAll(() => stopJobs(200));

const pipeline = (table: string, pushdown: boolean) => ({
  name: `countries ${table}`,
  config: {
    pushdown,
    nodes: [
      { id: "src", type: "extractor", module: "sqlite", description: "customers", config: { connection_id: ds, query: "SELECT id, country, segment FROM customers WHERE segment = :segment" } },
      { id: "f", type: "transformer", module: "filter", description: "f", config: { conditions: [{ column: "country", operator: "in", value: ["Germany", "France"] }] } },
      { id: "agg", type: "transformer", module: "aggregate", description: "agg", config: { group_by: ["country"], aggregations: [{ function: "count", column: "*", alias: "customers" }] } },
      { id: "dst", type: "loader", module: "database", description: "dst", config: { connection_id: ds, table, mode: "create" } },
    ],
    edges: [{ source: "src", target: "f" }, { source: "f", target: "agg" }, { source: "agg", target: "dst" }],
  },
  default_params: { segment: "consumer" },
});

describe("pipelines on SQLite", () => {
  it("an extractor reads in batches of its batch_size", async () => {
    const ctx = { principal: author, executionId: randomUUID(), nodeId: "src", params: {}, signal: new AbortController().signal, log: () => undefined } as unknown as ModuleContext;
    const sizes: number[] = [];
    for await (const batch of sqliteExtractor.run(ctx, sqliteExtractor.config.parse({ connection_id: ds, query: "SELECT id FROM customers ORDER BY id LIMIT 10", batch_size: 3 }))) sizes.push(batch.rows.length);
    expect(sizes.filter((n) => n > 0)).toEqual([3, 3, 3, 1]);
  });

  it("extracts with a parameter, filters, aggregates and creates a table, pushed down or in Node alike", async () => {
    const expected = query("SELECT country, count(*) AS customers FROM customers WHERE segment = 'consumer' AND country IN ('Germany', 'France') GROUP BY country ORDER BY country");
    expect(expected.length).toBeGreaterThan(0);
    const pushed = await runPipeline(author, pipeline("pl_pushed", true));
    expect(pushed.execution.status).toBe("success");
    expect(pushed.execution.pushdown).toEqual([expect.objectContaining({ extractor: "src", absorbed: ["f", "agg"] })]);
    const inNode = await runPipeline(author, pipeline("pl_in_node", false));
    expect(inNode.execution.status).toBe("success");
    expect(inNode.execution.pushdown).toEqual([]);
    expect(query("SELECT country, customers FROM pl_pushed ORDER BY country")).toEqual(expected);
    expect(query("SELECT country, customers FROM pl_in_node ORDER BY country")).toEqual(expected);
  });

  it("a second run in mode create fails and leaves the table as it was", async () => {
    const again = await runPipeline(author, pipeline("pl_pushed", true));
    expect(again.execution.status).toBe("failed");
    expect(again.execution.error_message).toMatch(/exists already/);
    expect(query("SELECT country, customers FROM pl_pushed ORDER BY country")).toEqual(query("SELECT country, customers FROM pl_in_node ORDER BY country"));
  });

  it("pushes trim, whole-row dedupe, a join and derived columns into one SQLite query, with the rows Node gives", async () => {
    const nodes = (table: string) => [
      { id: "c", type: "extractor", module: "sqlite", description: "c", config: { connection_id: ds, query: "SELECT ' ' || city || ' ' AS city, country, segment FROM customers" } },
      { id: "clean", type: "transformer", module: "cleaner", description: "clean", config: { trim: true, remove_duplicates: true } },
      { id: "n", type: "extractor", module: "sqlite", description: "n", config: { connection_id: ds, query: "SELECT country AS land, count(*) AS customers FROM customers GROUP BY country" } },
      { id: "j", type: "transformer", module: "join", description: "j", config: { left_on: ["country"], right_on: ["land"] } },
      { id: "d", type: "transformer", module: "derive", description: "d", config: { columns: [{ name: "label", op: "concat", args: [{ column: "country" }, { value: ": " }, { column: "segment" }] }, { name: "shout", op: "upper", args: [{ column: "country" }] }] } },
      { id: "dst", type: "loader", module: "database", description: "dst", config: { connection_id: ds, table, mode: "create" } },
    ];
    // Derive and join first: after the cleaner's typeof() expressions SQLite no longer knows the columns are text.
    const edges = [{ source: "c", target: "j", targetHandle: "left" }, { source: "n", target: "j", targetHandle: "right" }, { source: "j", target: "d" }, { source: "d", target: "clean" }, { source: "clean", target: "dst" }];
    const pushed = await runPipeline(author, { name: "sqlite elt", config: { nodes: nodes("pl_elt_pushed"), edges } });
    expect(pushed.execution.status).toBe("success");
    expect(pushed.execution.pushdown).toEqual([expect.objectContaining({ extractor: "c", absorbed: ["n", "j", "d", "clean"] })]);
    const inNode = await runPipeline(author, { name: "sqlite etl", config: { nodes: nodes("pl_elt_in_node"), edges, pushdown: false } });
    expect(inNode.execution.status).toBe("success");
    const rows = (t: string) => query(`SELECT city, country, segment, land, customers, label, shout FROM ${t} ORDER BY city, country, segment`);
    const expected = query("SELECT DISTINCT city, country, segment FROM customers ORDER BY city, country, segment");
    expect(rows("pl_elt_pushed")).toHaveLength(expected.length);
    expect(rows("pl_elt_pushed").map((r) => (r as { city: string }).city)).toEqual(expected.map((r) => (r as { city: string }).city));
    expect(rows("pl_elt_in_node")).toEqual(rows("pl_elt_pushed"));
  });

  it("a cleaner changes rows in place only where it is their one reader: a second reader of the same rows still gets them as extracted", async () => {
    const config = {
      pushdown: false,
      nodes: [
        { id: "c", type: "extractor", module: "sqlite", description: "c", config: { connection_id: ds, query: "SELECT id, ' ' || city || ' ' AS city FROM customers" } },
        { id: "clean", type: "transformer", module: "cleaner", description: "clean", config: { trim: true } },
        { id: "a", type: "loader", module: "database", description: "a", config: { connection_id: ds, table: "pl_fan_trimmed", mode: "create" } },
        // A file: two loaders into one SQLite database would wait on each other's write lock.
        { id: "b", type: "loader", module: "csv", description: "b", config: { path: `fan-raw-${Date.now()}.csv` } },
      ],
      edges: [{ source: "c", target: "clean" }, { source: "clean", target: "a" }, { source: "c", target: "b" }],
    };
    const { execution } = await runPipeline(author, { name: "fan out", config });
    expect(execution.status).toBe("success");
    const expected = query("SELECT id, city FROM customers ORDER BY id") as { id: number; city: string }[];
    expect(query("SELECT id, city FROM pl_fan_trimmed ORDER BY id")).toEqual(expected);
    const csv = readFileSync(path.join(pipelineFilesDir(), config.nodes[3]!.config.path as string), "utf8").replace(/\r?\n$/, "").split(/\r?\n/);
    expect(csv[0]).toBe("id,city");
    expect(csv.slice(1).sort()).toEqual(expected.map((r) => `${r.id},${r.city.includes(",") ? `" ${r.city} "` : ` ${r.city} `}`).sort());
  });

  it("refuses, before it runs, a run with two database loaders into one SQLite database (the second would wait for ever on the first)", async () => {
    const config = {
      nodes: [
        { id: "c", type: "extractor", module: "sqlite", description: "c", config: { connection_id: ds, query: "SELECT id, city FROM customers" } },
        { id: "a", type: "loader", module: "database", description: "a", config: { connection_id: ds, table: "pl_two_a", mode: "create" } },
        { id: "b", type: "loader", module: "database", description: "b", config: { connection_id: ds, table: "pl_two_b", mode: "create" } },
      ],
      edges: [{ source: "c", target: "a" }, { source: "c", target: "b" }],
    };
    const report = await validateWithSources(config);
    expect(report.errors).toEqual([expect.objectContaining({ type: "single_writer", node_id: "b", field: "connection_id" })]);
    expect(report.errors[0]!.message).toMatch(/Loaders 'a' and 'b' both write to .*one writer at a time/);
    const pipeline = await createPipeline(author, { name: "two sqlite loaders", config });
    await approveCurrentVersion(author, pipeline.id);
    await expect(executePipeline(author, pipeline.id)).rejects.toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringMatching(/one writer at a time/) });
    expect(query("SELECT name FROM sqlite_master WHERE name LIKE 'pl_two_%'")).toEqual([]);
    // One database loader and a file loader are fine, as are two database loaders into different sources.
    expect((await validateWithSources({ ...config, nodes: [config.nodes[0], config.nodes[1], { id: "b", type: "loader", module: "csv", description: "b", config: { path: "two.csv" } }] })).errors).toEqual([]);
  });
});
