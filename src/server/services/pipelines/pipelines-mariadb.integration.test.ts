import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startJobs, stopJobs } from "@/server/jobs";
import { pipelineFilesDir } from "@/server/services/pipelines/modules/files";
import type { UserPrincipal } from "@/server/services/principal";
import { grant } from "@/test/fixtures";
import { pipelineAuthor, runPipeline, serverDataSource } from "@/test/pipelines";
import { serviceAvailable, services } from "@/test/services";

const available = await serviceAvailable("mariadb");
const tag = randomBytes(4).toString("hex");
const source = `pl_src_${tag}`;
const targets: string[] = [];
const target = (name: string) => {
  const t = `pl_${name}_${tag}`;
  targets.push(t);
  return t;
};
const sql = async (text: string, params: unknown[] = []) => {
  const c = await mysql.createConnection(services.mariadb);
  try {
    return (await c.query(text, params))[0] as Record<string, unknown>[];
  } finally {
    await c.end();
  }
};

let ds = "";
let author: UserPrincipal;
let readOnlyAuthor: UserPrincipal;
const extract = (query: string) => ({ id: "src", type: "extractor", module: "mysql", description: "src", config: { connection_id: ds, query } });
const loadInto = (table: string, extra: Record<string, unknown> = {}) => ({ id: "dst", type: "loader", module: "database", description: "dst", config: { connection_id: ds, table, ...extra } });

describe.skipIf(!available)("pipelines on MariaDB and files", () => {
  beforeAll(async () => {
    await sql(`CREATE TABLE ${source} (id int PRIMARY KEY, name varchar(50), amount decimal(10,2))`);
    await sql(`INSERT INTO ${source} VALUES (1, 'ann', 10.5), (2, 'bob', 20), (3, 'cyd', 30)`);
    ds = await serverDataSource("mysql", `pl-my-${tag}`);
    author = await pipelineAuthor();
    await grant(author.user.id, ds, { canRead: true, canWrite: true });
    readOnlyAuthor = await pipelineAuthor();
    await grant(readOnlyAuthor.user.id, ds, { canRead: true });
    await startJobs();
  });

  afterAll(async () => {
    await stopJobs(200);
    for (const t of [source, ...targets]) await sql(`DROP TABLE IF EXISTS ${t}`);
  });

  it("extracts with a ? parameter, derives a column and upserts in multi-row batches", async () => {
    const out = target("upsert");
    await sql(`CREATE TABLE ${out} (id bigint PRIMARY KEY, name varchar(50), label varchar(100))`);
    await sql(`INSERT INTO ${out} VALUES (2, 'old', 'old'), (7, 'keep', 'keep')`);
    const { execution } = await runPipeline(
      author,
      {
        name: "my upsert",
        config: {
          nodes: [
            extract(`SELECT id, name FROM ${source} WHERE amount >= :min`),
            { id: "d", type: "transformer", module: "derive", description: "d", config: { columns: [{ name: "label", op: "concat", args: [{ column: "name" }, { value: "#" }, { column: "id" }] }] } },
            loadInto(out, { mode: "upsert", keys: ["id"] }),
          ],
          edges: [{ source: "src", target: "d" }, { source: "d", target: "dst" }],
        },
      },
      { min: 20 },
    );
    expect(execution.status).toBe("success");
    expect(await sql(`SELECT id, name, label FROM ${out} ORDER BY id`)).toEqual([
      { id: 2, name: "bob", label: "bob#2" },
      { id: 3, name: "cyd", label: "cyd#3" },
      { id: 7, name: "keep", label: "keep" },
    ]);
  });

  it("a table created by a failed run is dropped again (MySQL commits DDL)", async () => {
    const out = target("dropped");
    const { execution } = await runPipeline(author, {
      name: "fails late",
      config: {
        nodes: [extract(`SELECT id, name FROM ${source}`), loadInto(out, { mode: "create" }), { id: "bad", type: "loader", module: "database", description: "bad", config: { connection_id: ds, table: source, mode: "append" } }],
        edges: [{ source: "src", target: "dst" }, { source: "src", target: "bad" }],
      },
    });
    expect(execution.status).toBe("failed");
    expect(await sql(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?`, [out])).toEqual([{ n: 0 }]);
    expect(await sql(`SELECT count(*) AS n FROM ${source}`)).toEqual([{ n: 3 }]);
  });

  it("a loader needs write permission on its data source", async () => {
    const { execution } = await runPipeline(readOnlyAuthor, {
      name: "no write",
      config: { nodes: [extract(`SELECT id FROM ${source}`), loadInto(target("forbidden"), { mode: "create" })], edges: [{ source: "src", target: "dst" }] },
    });
    expect(execution.status).toBe("failed");
    expect(execution.error_message).toMatch(/needs write permission/);
  });

  it("reads a CSV file and writes one through a temporary name", async () => {
    const dir = pipelineFilesDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `in-${tag}.csv`), "id,city\n1, Lyon \n2,Paris\n2,Paris\n");
    const { execution } = await runPipeline(author, {
      name: "csv",
      config: {
        nodes: [
          { id: "src", type: "extractor", module: "csv", description: "src", config: { path: `in-${tag}.csv` } },
          { id: "c", type: "transformer", module: "cleaner", description: "c", config: { trim: true, remove_duplicates: true, coerce: { id: "integer" } } },
          { id: "dst", type: "loader", module: "csv", description: "dst", config: { path: `out/${tag}.csv` } },
        ],
        edges: [{ source: "src", target: "c" }, { source: "c", target: "dst" }],
      },
    });
    expect(execution.status).toBe("success");
    expect(readFileSync(path.join(dir, "out", `${tag}.csv`), "utf8")).toBe("id,city\n1,Lyon\n2,Paris\n");
    expect(readdirSync(path.join(dir, "out")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a file path outside the pipeline files folder is refused", async () => {
    const { execution } = await runPipeline(author, {
      name: "escape",
      config: {
        nodes: [{ id: "src", type: "extractor", module: "csv", description: "src", config: { path: "../../etc/passwd" } }, { id: "dst", type: "loader", module: "csv", description: "dst", config: { path: `x-${tag}.csv` } }],
        edges: [{ source: "src", target: "dst" }],
      },
    });
    expect(execution.status).toBe("failed");
    expect(execution.error_message).toMatch(/outside the pipeline files folder/);
    expect(existsSync(path.join(pipelineFilesDir(), `x-${tag}.csv`))).toBe(false);
  });

  it("pushes trim, dedupe (ROW_NUMBER), a join and derived columns into one MariaDB query, with the rows Node gives", async () => {
    const people = target("people");
    await sql(`CREATE TABLE ${people} (id int PRIMARY KEY, name varchar(50), city varchar(50))`);
    await sql(`INSERT INTO ${people} VALUES (1, ' ann\t', 'Lyon'), (2, 'ann', 'Lyon'), (3, 'bob ', ''), (4, 'cyd', 'Nice')`);
    const nodes = (out: string) => [
      { id: "p", type: "extractor", module: "mysql", description: "p", config: { connection_id: ds, query: `SELECT name, city FROM ${people}` } },
      { id: "c", type: "transformer", module: "cleaner", description: "c", config: { trim: true, empty_as_null: true, remove_duplicates: true, columns: ["name"] } },
      { id: "s", type: "extractor", module: "mysql", description: "s", config: { connection_id: ds, query: `SELECT name AS who, amount FROM ${source} WHERE amount < :max` } },
      { id: "j", type: "transformer", module: "join", description: "j", config: { how: "left", left_on: ["name"], right_on: ["who"] } },
      { id: "d", type: "transformer", module: "derive", description: "d", config: { columns: [{ name: "tag", op: "upper", args: [{ column: "name" }] }, { name: "place", op: "coalesce", args: [{ column: "city" }, { value: "unknown" }] }, { name: "half", op: "divide", args: [{ column: "amount" }, { value: 2 }] }] } },
      loadInto(out, { mode: "create" }),
    ];
    const edges = [{ source: "p", target: "c" }, { source: "c", target: "j", targetHandle: "left" }, { source: "s", target: "j", targetHandle: "right" }, { source: "j", target: "d" }, { source: "d", target: "dst" }];
    const pushed = target("pushed");
    const a = await runPipeline(author, { name: "my elt", config: { nodes: nodes(pushed), edges }, default_params: { max: 25 } });
    expect(a.execution.status).toBe("success");
    expect(a.execution.pushdown).toEqual([expect.objectContaining({ extractor: "p", absorbed: ["c", "s", "j", "d"] })]);
    const inNode = target("in_node");
    const b = await runPipeline(author, { name: "my etl", config: { nodes: nodes(inNode), edges, pushdown: false }, default_params: { max: 25 } });
    expect(b.execution.status).toBe("success");
    const rows = (t: string) => sql(`SELECT name, city, who, CAST(amount AS DOUBLE) AS amount, tag, place, CAST(half AS DOUBLE) AS half FROM ${t} ORDER BY name`);
    expect(await rows(pushed)).toEqual([
      { name: "ann", city: "Lyon", who: "ann", amount: 10.5, tag: "ANN", place: "Lyon", half: 5.25 },
      { name: "bob", city: null, who: "bob", amount: 20, tag: "BOB", place: "unknown", half: 10 },
      { name: "cyd", city: "Nice", who: null, amount: null, tag: "CYD", place: "Nice", half: null },
    ]);
    expect(await rows(inNode)).toEqual(await rows(pushed));
  });

  it("compares text exactly when pushed down, as Node does, though the table's collation folds case and trailing spaces", async () => {
    const names = target("names");
    const cities = target("cities");
    await sql(`CREATE TABLE ${names} (id int PRIMARY KEY, name varchar(50), city varchar(50)) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_general_ci`);
    await sql(`INSERT INTO ${names} VALUES (1, 'Ann', 'Lyon'), (2, 'ann', 'lyon'), (3, 'ann ', 'Lyon'), (4, 'ANN', 'LYON'), (5, 'ann', 'Nice'), (6, 'Bob', 'Lyon'), (7, 'bob', NULL)`);
    await sql(`CREATE TABLE ${cities} (city varchar(50), country varchar(50)) DEFAULT CHARSET latin1 COLLATE latin1_swedish_ci`);
    await sql(`INSERT INTO ${cities} VALUES ('Lyon', 'FR'), ('NICE', 'FR?'), ('Nice', 'FR')`);
    const extractNames = { id: "p", type: "extractor", module: "mysql", description: "p", config: { connection_id: ds, query: `SELECT id, name, city FROM ${names}` } };
    const shapes: Record<string, { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[]; absorbed: string[]; order: string; select?: string }> = {
      dedupe: {
        nodes: [extractNames, { id: "c", type: "transformer", module: "cleaner", description: "c", config: { remove_duplicates: true, columns: ["name"] } }],
        edges: [{ source: "p", target: "c" }, { source: "c", target: "dst" }],
        absorbed: ["c"],
        // Which of two 'ann' rows survives is either engine's choice: the names are compared.
        order: "CAST(name AS BINARY)",
        select: "name",
      },
      filter: {
        nodes: [extractNames, { id: "f", type: "transformer", module: "filter", description: "f", config: { combine: "or", conditions: [{ column: "name", operator: "in", value: ["ann", "Bob"] }, { column: "city", operator: "starts_with", value: "LY" }] } }],
        edges: [{ source: "p", target: "f" }, { source: "f", target: "dst" }],
        absorbed: ["f"],
        order: "id",
      },
      aggregate: {
        nodes: [extractNames, { id: "g", type: "transformer", module: "aggregate", description: "g", config: { group_by: ["name"], aggregations: [{ function: "count", column: "*" }, { function: "count_distinct", column: "city" }] } }],
        edges: [{ source: "p", target: "g" }, { source: "g", target: "dst" }],
        absorbed: ["g"],
        // BINARY: the loaded table's own collation would tie 'ann' with 'ANN'.
        order: "CAST(name AS BINARY)",
      },
      join: {
        nodes: [
          extractNames,
          { id: "k", type: "extractor", module: "mysql", description: "k", config: { connection_id: ds, query: `SELECT city AS town, country FROM ${cities}` } },
          { id: "j", type: "transformer", module: "join", description: "j", config: { how: "inner", left_on: ["city"], right_on: ["town"] } },
        ],
        edges: [{ source: "p", target: "j", targetHandle: "left" }, { source: "k", target: "j", targetHandle: "right" }, { source: "j", target: "dst" }],
        absorbed: ["k", "j"],
        order: "id",
      },
    };
    for (const [shape, { nodes, edges, absorbed, order, select = "*" }] of Object.entries(shapes)) {
      const run = async (pushdown: boolean) => {
        const out = target(`${shape}_${pushdown ? "pushed" : "node"}`);
        const { execution } = await runPipeline(author, { name: `exact ${shape} ${pushdown}`, config: { nodes: [...nodes, loadInto(out, { mode: "create" })], edges, pushdown } });
        expect(execution.status, shape).toBe("success");
        if (pushdown) expect(execution.pushdown, shape).toEqual([expect.objectContaining({ extractor: "p", absorbed })]);
        return sql(`SELECT ${select} FROM ${out} ORDER BY ${order}`);
      };
      const inNode = await run(false);
      expect(await run(true), shape).toEqual(inNode);
      if (shape === "dedupe") expect(inNode.map((r) => r.name)).toEqual(["ANN", "Ann", "Bob", "ann", "ann ", "bob"]);
      if (shape === "filter") expect(inNode.map((r) => r.id)).toEqual([2, 4, 5, 6]);
      if (shape === "join") expect(inNode.map((r) => [r.id, r.country])).toEqual([[1, "FR"], [3, "FR"], [5, "FR"], [6, "FR"]]);
    }
  });
});
