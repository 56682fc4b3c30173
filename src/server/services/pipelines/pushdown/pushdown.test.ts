import { describe, expect, it } from "vitest";
import { graphOf } from "../graph";
import type { RelationColumn } from "./dialects";
import { planPushdown, type DescribeQuery } from "./index";

/**
 * The planner's choices and the SQL's shape. A fixed column list stands in for the
 * engine's `LIMIT 0` answer here; that the compiled SQL gives the Node modules' rows is
 * tested against the real engines (pipelines-*.test.ts).
 */
const people: RelationColumn[] = [
  { name: "id", kind: "number", type: "int4" },
  { name: "email", kind: "string", type: "text" },
  { name: "city", kind: "string", type: "varchar" },
  { name: "token", kind: "string", type: "uuid" },
];
const describing = (columns: RelationColumn[] | null): DescribeQuery & { calls: string[] } => {
  const calls: string[] = [];
  const fn = async (_c: string, sql: string) => {
    calls.push(sql);
    return columns;
  };
  return Object.assign(fn, { calls });
};
const ext = (id: string, query: string, connection = "c", module = "postgres") => ({ id, type: "extractor", module, config: { connection_id: connection, query } });
const step = (id: string, module: string, config: Record<string, unknown>) => ({ id, type: "transformer", module, config });
const load = (id: string, connection = "c", mode = "append") => ({ id, type: "loader", module: "database", config: { connection_id: connection, table: "t2", mode } });
const chain = (...ids: string[]) => ids.slice(1).map((id, i) => ({ source: ids[i]!, target: id }));
const placeholders = (sql: string) => sql.match(/\$\d+|\?/g) ?? [];

describe("pushdown planning", () => {
  it("compiles filter → select → aggregate with their parameters in order, a text group by its exact value", async () => {
    const describe = describing([
      { name: "x", kind: "number", type: "int4" },
      { name: "y", kind: "number", type: "int4" },
      { name: "g", kind: "string", type: "text" },
    ]);
    const graph = graphOf({
      nodes: [
        ext("a", "SELECT * FROM t WHERE d > :since;"),
        step("f", "filter", { conditions: [{ column: "x", operator: "gt", value: 3 }] }),
        step("s", "select", { columns: ["x", "g"], rename: { x: "y" } }),
        step("g", "aggregate", { group_by: ["g"], aggregations: [{ function: "sum", column: "y" }] }),
        { id: "z", type: "loader", module: "csv", config: { path: "out.csv" } },
      ],
      edges: chain("a", "f", "s", "g", "z"),
    });
    const plan = (await planPushdown(graph, { since: "2025-01-01" }, describe)).get("a")!;
    expect(plan.absorbed).toEqual(["f", "s", "g"]);
    expect(plan.outputNode).toBe("g");
    expect(plan.loader).toBeUndefined();
    expect(plan.params).toEqual(["2025-01-01", 3]);
    expect(plan.sql.replace(/\s+/g, " ")).toBe(
      'SELECT MIN("g") AS "g", SUM("y") AS "sum_y" FROM ( SELECT "x" AS "y", "g" AS "g" FROM ( SELECT * FROM ( SELECT * FROM t WHERE d > $1 ) quarry_q0 WHERE ("x" > $2) ) quarry_q1 ) quarry_q2 GROUP BY (CAST("g" AS TEXT) COLLATE "C")',
    );
  });

  it("compiles a null test without the columns, and leaves comparisons to Node when the engine cannot say what they compare", async () => {
    const graph = (operator: string) =>
      graphOf({
        nodes: [ext("a", "SELECT * FROM t"), step("f", "filter", { conditions: [{ column: "x", operator, value: 3 }] }), step("c", "cleaner", { trim: true })],
        edges: chain("a", "f", "c"),
      });
    const plain = (await planPushdown(graph("not_null"), {}, describing(null))).get("a")!;
    // The cleaner needs the columns and the engine could not say: it stays in Node.
    expect(plain.absorbed).toEqual(["f"]);
    expect(plain.sql.replace(/\s+/g, " ")).toContain('WHERE ("x" IS NOT NULL)');
    expect((await planPushdown(graph("gt"), {}, describing(null))).size).toBe(0);
  });

  it("compares text exactly in keys, groups and filters on MySQL (its collations fold case and trailing spaces), and refuses what would compare otherwise", async () => {
    const cols: RelationColumn[] = [
      { name: "id", kind: "number", type: "LONGLONG" },
      { name: "email", kind: "string", type: "VAR_STRING" },
      { name: "odd", kind: "unknown" },
    ];
    const exact = (c: string) => `CAST(CONVERT(\`${c}\` USING utf8mb4) AS BINARY)`;
    const planOf = async (...steps: ReturnType<typeof step>[]) => {
      const graph = graphOf({ nodes: [ext("a", "SELECT id, email, odd FROM people", "c", "mysql"), ...steps], edges: chain("a", ...steps.map((x) => x.id)) });
      return (await planPushdown(graph, {}, describing(cols))).get("a");
    };
    const dedupe = await planOf(step("c", "cleaner", { remove_duplicates: true, columns: ["email", "id"] }));
    expect(dedupe!.sql).toContain(`PARTITION BY ${exact("email")}, \`id\``);
    const filtered = await planOf(step("f", "filter", { conditions: [{ column: "email", operator: "in", value: ["a@x.test", "B@x.test"] }, { column: "id", operator: "gte", value: "2" }] }));
    expect(filtered!.sql).toContain(`${exact("email")} IN (CAST(CONVERT(? USING utf8mb4) AS BINARY), CAST(CONVERT(? USING utf8mb4) AS BINARY))`);
    expect(filtered!.sql).toContain("(`id` >= ?)");
    const counted = await planOf(step("g", "aggregate", { group_by: ["email"], aggregations: [{ function: "count_distinct", column: "email" }, { function: "max", column: "id" }] }));
    expect(counted!.sql).toContain(`MIN(\`email\`) AS \`email\`, COUNT(DISTINCT ${exact("email")}) AS`);
    expect(counted!.sql).toContain(`GROUP BY ${exact("email")}`);
    // The module compares numeric-looking text as numbers, orders text by its own rules,
    // and cannot tell an unknown column's kind: each stays in Node.
    for (const refused of [
      step("f", "filter", { conditions: [{ column: "email", operator: "eq", value: "10" }] }),
      step("f", "filter", { conditions: [{ column: "id", operator: "eq", value: "ten" }] }),
      step("f", "filter", { conditions: [{ column: "odd", operator: "eq", value: "x" }] }),
      step("g", "aggregate", { group_by: [], aggregations: [{ function: "min", column: "email" }] }),
      step("g", "aggregate", { group_by: [], aggregations: [{ function: "sum", column: "email" }] }),
      step("g", "aggregate", { group_by: ["odd"], aggregations: [{ function: "count", column: "*" }] }),
      step("c", "cleaner", { remove_duplicates: true, columns: ["odd"] }),
    ]) {
      expect(await planOf(refused), JSON.stringify(refused.config)).toBeUndefined();
    }
  });

  it("compiles the cleaner (trim text types only, empty as null, dedupe on a column) and hands the query to a loader on the same source", async () => {
    const graph = graphOf({
      nodes: [ext("a", "SELECT id, email, city, token FROM people"), step("c", "cleaner", { trim: true, empty_as_null: true, remove_duplicates: true, columns: ["email"] }), load("z")],
      edges: chain("a", "c", "z"),
    });
    const plan = (await planPushdown(graph, {}, describing(people))).get("a")!;
    expect(plan.absorbed).toEqual(["c"]);
    expect(plan.loader).toBe("z");
    expect(plan.sql).toContain('SELECT DISTINCT ON ((CAST("email" AS TEXT) COLLATE "C")) *');
    expect(plan.sql).toContain('NULLIF(btrim("email"');
    expect(plan.sql).toContain('NULLIF(btrim("city"');
    expect(plan.sql).toContain('"token" AS "token"'); // a uuid is shown as text but has no btrim
    expect(plan.sql).toContain('"id" AS "id"');
  });

  it("leaves the cleaner to Node when it coerces types, and runs no INSERT … SELECT into another source or for upserts", async () => {
    const coerce = graphOf({ nodes: [ext("a", "SELECT * FROM people"), step("c", "cleaner", { trim: true, coerce: { id: "string" } }), load("z")], edges: chain("a", "c", "z") });
    expect((await planPushdown(coerce, {}, describing(people))).size).toBe(0);
    const straight = graphOf({ nodes: [ext("a", "SELECT * FROM people"), load("z")], edges: chain("a", "z") });
    expect((await planPushdown(straight, {}, describing(people))).get("a")).toMatchObject({ absorbed: [], outputNode: "a", loader: "z" });
    const elsewhere = graphOf({ nodes: [ext("a", "SELECT * FROM people"), step("f", "filter", { conditions: [{ column: "id", operator: "gt", value: 1 }] }), load("z", "other")], edges: chain("a", "f", "z") });
    const apart = (await planPushdown(elsewhere, {}, describing(people))).get("a")!;
    expect(apart.absorbed).toEqual(["f"]);
    expect(apart.loader).toBeUndefined();
    const upsert = graphOf({ nodes: [ext("a", "SELECT * FROM people"), load("z", "c", "upsert")], edges: chain("a", "z") });
    expect((await planPushdown(upsert, {}, describing(people))).size).toBe(0);
  });

  it("numbers ? placeholders in text order when a derived value precedes the query's own parameter", async () => {
    const graph = graphOf({
      nodes: [
        ext("a", "SELECT id, email FROM people WHERE id > :min", "c", "sqlite"),
        step("d", "derive", { columns: [{ name: "label", op: "concat", args: [{ value: "user " }, { column: "email" }] }, { name: "twice", op: "multiply", args: [{ column: "id" }, { value: 2 }] }] }),
        step("f", "filter", { conditions: [{ column: "label", operator: "starts_with", value: "user" }] }),
      ],
      edges: chain("a", "d", "f"),
    });
    const plan = (await planPushdown(graph, { min: 7 }, describing([{ name: "id", kind: "number" }, { name: "email", kind: "string" }]))).get("a")!;
    expect(plan.absorbed).toEqual(["d", "f"]);
    expect(placeholders(plan.sql)).toHaveLength(plan.params.length);
    // The second derivation's level wraps the first, so its value comes first in the text, then the first's, then the query's, then the filter's.
    expect(plan.params).toEqual([2, "user ", 7, "user"]);
  });

  it("refuses derivations whose SQL would mean something else (text functions on numbers, a boolean literal)", async () => {
    const cols: RelationColumn[] = [{ name: "id", kind: "number", type: "int4" }, { name: "email", kind: "string", type: "text" }];
    for (const d of [{ name: "x", op: "upper", args: [{ column: "id" }] }, { name: "x", op: "value", args: [{ value: true }] }, { name: "x", op: "add", args: [{ column: "email" }, { value: 1 }] }]) {
      const graph = graphOf({ nodes: [ext("a", "SELECT id, email FROM people"), step("d", "derive", { columns: [d] }), { id: "z", type: "loader", module: "csv", config: { path: "o.csv" } }], edges: chain("a", "d", "z") });
      expect((await planPushdown(graph, {}, describing(cols))).size).toBe(0);
    }
  });

  it("joins two extractors of one data source into one query, left input first, and not across data sources", async () => {
    const describe: DescribeQuery = async (_c, sql) =>
      sql.includes("orders") && !sql.includes("people") ? [{ name: "id", kind: "number", type: "int4" }, { name: "person_id", kind: "number", type: "int4" }] : people;
    const nodes = (right: string) => [
      ext("o", "SELECT id, person_id FROM orders WHERE id > :min", right),
      ext("p", "SELECT * FROM people"),
      step("j", "join", { how: "left", left_on: ["id"], right_on: ["person_id"] }),
      load("z"),
    ];
    const edges = [{ source: "p", target: "j", targetHandle: "left" }, { source: "o", target: "j", targetHandle: "right" }, { source: "j", target: "z" }];
    const plans = await planPushdown(graphOf({ nodes: nodes("c"), edges }), { min: 5 }, describe);
    expect([...plans.keys()]).toEqual(["o"]); // planned from the first extractor met, whichever side it is
    const plan = plans.get("o")!;
    expect(plan.absorbed).toEqual(["p", "j"]);
    expect(plan.loader).toBe("z");
    expect(plan.params).toEqual([5]);
    const flat = plan.sql.replace(/\s+/g, " ");
    expect(flat.indexOf("FROM people")).toBeLessThan(flat.indexOf("FROM orders")); // left input first
    expect(flat).toContain('LEFT JOIN');
    expect(flat).toContain('AS "right_id"'); // the clashing right column, prefixed
    const apart = await planPushdown(graphOf({ nodes: nodes("other"), edges }), { min: 5 }, describe);
    expect([...apart.values()].every((p) => !p.absorbed.includes("j"))).toBe(true);
  });
});
