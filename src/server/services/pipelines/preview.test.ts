import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import type { UserPrincipal } from "@/server/services/principal";
import { demoDatabaseFile, grant } from "@/test/fixtures";
import { pipelineAuthor } from "@/test/pipelines";
import { previewNode } from ".";

/** The first rows out of any node, as the caller; loaders never run. */
let file = "";
let ds = "";
let author: UserPrincipal;
let outsider: UserPrincipal;
const table = `pl_preview_${Date.now().toString(36)}`;
const query = (sql: string) => {
  const conn = new Database(file, { readonly: true });
  try {
    return conn.prepare(sql).all();
  } finally {
    conn.close();
  }
};

const config = () => ({
  nodes: [
    { id: "src", type: "extractor", module: "sqlite", description: "customers", config: { connection_id: ds, query: "SELECT id, country FROM customers WHERE segment = :segment" } },
    { id: "f", type: "transformer", module: "filter", description: "f", config: { conditions: [{ column: "country", operator: "in", value: ["Germany", "France"] }] } },
    { id: "agg", type: "transformer", module: "aggregate", description: "agg", config: { group_by: ["country"], aggregations: [{ function: "count", column: "*", alias: "customers" }] } },
    { id: "dst", type: "loader", module: "database", description: "dst", config: { connection_id: ds, table, mode: "create" } },
  ],
  edges: [{ source: "src", target: "f" }, { source: "f", target: "agg" }, { source: "agg", target: "dst" }],
});

beforeAll(async () => {
  file = demoDatabaseFile();
  ds = (await db.dataSource.create({ data: { name: `pl-preview-${Date.now()}`, engine: "sqlite", database: file } })).id;
  author = await pipelineAuthor();
  await grant(author.user.id, ds, { canRead: true, canWrite: true });
  outsider = await pipelineAuthor();
});

describe("node preview", () => {
  it("shows the first rows out of a transformer, capped and marked truncated", async () => {
    const preview = await previewNode(author, { config: config(), node_id: "f", params: { segment: "consumer" }, limit: 3 });
    expect(preview.rows).toHaveLength(3);
    expect(preview.truncated).toBe(true);
    expect(preview.columns.map((c) => c.name)).toEqual(["id", "country"]);
    for (const row of preview.rows) expect(["Germany", "France"]).toContain(row.country);
  });

  it("a loader's preview is what it would receive, and the loader does not run", async () => {
    const expected = query("SELECT country, count(*) AS customers FROM customers WHERE segment = 'consumer' AND country IN ('Germany', 'France') GROUP BY country ORDER BY country");
    const preview = await previewNode(author, { config: config(), node_id: "dst", params: { segment: "consumer" } });
    expect(preview.truncated).toBe(false);
    expect([...preview.rows].sort((a, b) => String(a.country).localeCompare(String(b.country)))).toEqual(expected);
    expect(query(`SELECT name FROM sqlite_master WHERE name = '${table}'`)).toEqual([]);
  });

  it("reads as the caller: no read grant, no rows", async () => {
    await expect(previewNode(outsider, { config: config(), node_id: "src", params: { segment: "consumer" } })).rejects.toMatchObject({ code: "QUERY_FAILED" });
  });

  it("names what is missing: an unknown node, a parameter without a value", async () => {
    await expect(previewNode(author, { config: config(), node_id: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(previewNode(author, { config: config(), node_id: "f" })).rejects.toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringMatching(/segment/) });
  });
});
