import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startJobs, stopJobs } from "@/server/jobs";
import type { UserPrincipal } from "@/server/services/principal";
import { pipelineAuthor, runPipeline } from "@/test/pipelines";
import { previewNode } from ".";
import { executeGraph } from "./executor";
import { graphOf } from "./graph";
import { findModule } from "./modules";
import { workspacePrefix } from "./modules/duckdb-engine";
import { pipelineFilesDir } from "./modules/files";
import type { Batch, ExtractorModule, LoaderModule, ModuleContext } from "./types";

/** DuckDB modules through the real executor and the pipeline-run job: files in, SQL, Parquet out. */
let author: UserPrincipal;
const tag = randomUUID().slice(0, 8);
const dir = () => path.join(pipelineFilesDir(), `duckdb-${tag}`);
const leftovers = (executionId: string) => readdirSync(os.tmpdir()).filter((n) => n.startsWith(workspacePrefix(executionId)));

beforeAll(async () => {
  mkdirSync(dir(), { recursive: true });
  writeFileSync(path.join(dir(), "sales.csv"), "region,amount,day\nnorth,10.5,2024-01-01\nsouth,4,2024-01-01\nnorth,2,2024-01-02\nsöd,1,2024-01-03\n");
  writeFileSync(path.join(dir(), "regions.csv"), "region,manager\nnorth,Ada\nsouth,Brígida\n");
  author = await pipelineAuthor();
  await startJobs();
});
afterAll(() => stopJobs(200));

const node = (id: string, type: string, module: string, config: Record<string, unknown>) => ({ id, type, module, description: id, config });

async function readParquet(relative: string) {
  const extractor = findModule("extractor", "parquet") as ExtractorModule;
  const ctx = { executionId: randomUUID(), nodeId: "r", params: {}, signal: new AbortController().signal, log: () => undefined } as unknown as ModuleContext;
  const batches: Batch[] = [];
  for await (const b of extractor.run(ctx, extractor.config.parse({ path: relative }))) batches.push(b);
  return { columns: batches[0]!.columns, rows: batches.flatMap((b) => b.rows) };
}

describe("DuckDB modules in a pipeline run", () => {
  it("CSV → SQL (join of two inputs by handle, aggregate) → Parquet, then Parquet → SQL → CSV", async () => {
    const first = await runPipeline(author, {
      name: `duckdb ${tag}`,
      config: {
        nodes: [
          node("sales", "extractor", "csv", { path: `duckdb-${tag}/sales.csv` }),
          node("regions", "extractor", "csv", { path: `duckdb-${tag}/regions.csv` }),
          node("q", "transformer", "sql", {
            sql: 'SELECT s.region, r.manager, sum(s.amount::DOUBLE) AS total, count(*) AS days, min(s.day::DATE) AS first_day FROM "left" s LEFT JOIN "right" r USING (region) GROUP BY ALL ORDER BY s.region',
          }),
          node("out", "loader", "parquet", { path: `duckdb-${tag}/totals.parquet`, compression: "gzip" }),
        ],
        // Drawn right first: the handles, not the order, say which input is which.
        edges: [{ source: "regions", target: "q", targetHandle: "right" }, { source: "sales", target: "q", targetHandle: "left" }, { source: "q", target: "out" }],
      },
    });
    expect(first.execution.error_message).toBeNull();
    expect(first.execution.status).toBe("success");
    expect(first.execution.metrics.rows_processed).toBe(3);
    const totals = await readParquet(`duckdb-${tag}/totals.parquet`);
    expect(totals.columns).toEqual([
      { name: "region", kind: "string" },
      { name: "manager", kind: "string" },
      { name: "total", kind: "number" },
      { name: "days", kind: "number" },
      { name: "first_day", kind: "date" },
    ]);
    expect(totals.rows).toEqual([
      { region: "north", manager: "Ada", total: 12.5, days: 2, first_day: "2024-01-01" },
      { region: "south", manager: "Brígida", total: 4, days: 1, first_day: "2024-01-01" },
      { region: "söd", manager: null, total: 1, days: 1, first_day: "2024-01-03" },
    ]);
    expect(leftovers(first.execution.id)).toEqual([]);

    const second = await runPipeline(author, {
      name: `duckdb back ${tag}`,
      config: {
        nodes: [
          node("src", "extractor", "parquet", { path: `duckdb-${tag}/totals.parquet` }),
          node("q", "transformer", "sql", { sql: "SELECT region, total * 2 AS doubled FROM input WHERE manager IS NOT NULL ORDER BY region" }),
          node("out", "loader", "csv", { path: `duckdb-${tag}/doubled.csv` }),
        ],
        edges: [{ source: "src", target: "q" }, { source: "q", target: "out" }],
      },
    });
    expect(second.execution.status).toBe("success");
    expect(readFileSync(path.join(dir(), "doubled.csv"), "utf8")).toBe("region,doubled\nnorth,25\nsouth,8\n");
  });

  it("a failing SQL fails the run with its reason, and the Parquet loader leaves no file", async () => {
    const { execution } = await runPipeline(author, {
      name: `duckdb fails ${tag}`,
      config: {
        nodes: [
          node("src", "extractor", "csv", { path: `duckdb-${tag}/sales.csv` }),
          node("q", "transformer", "sql", { sql: "SELECT * FROM read_csv('/etc/passwd')" }),
          node("out", "loader", "parquet", { path: `duckdb-${tag}/never.parquet` }),
        ],
        edges: [{ source: "src", target: "q" }, { source: "q", target: "out" }],
      },
    });
    expect(execution.status).toBe("failed");
    expect(execution.error_message).toMatch(/files, the network and extensions are out of reach here/);
    expect(readdirSync(dir()).filter((f) => f.startsWith("never.parquet"))).toEqual([]);
    expect(leftovers(execution.id)).toEqual([]);
  });

  it("a cancelled run closes every DuckDB workspace and writes nothing", async () => {
    const executionId = randomUUID();
    const abort = new AbortController();
    // Cancels the run once rows reach it, while the extractor, the SQL and the loader are all mid-stream.
    const cancelling: LoaderModule = {
      ...(findModule("loader", "csv") as LoaderModule),
      name: "cancelling",
      async run(_ctx, _config, [input]) {
        for await (const batch of input!) if (batch.rows.length) abort.abort();
        return { rowsWritten: 0, target: "-" };
      },
    };
    const many = Array.from({ length: 30_000 }, (_, i) => `${i},row ${i}`).join("\n");
    writeFileSync(path.join(dir(), "many.csv"), `id,label\n${many}\n`);
    const graph = graphOf({
      nodes: [
        node("src", "extractor", "csv", { path: `duckdb-${tag}/many.csv` }),
        node("q", "transformer", "sql", { sql: "SELECT id::INTEGER AS id, label FROM input" }),
        node("out", "loader", "parquet", { path: `duckdb-${tag}/cancelled.parquet` }),
        node("stop", "loader", "cancelling", { path: "unused.csv" }),
      ],
      edges: [{ source: "src", target: "q" }, { source: "q", target: "out" }, { source: "q", target: "stop" }],
    });
    const result = await executeGraph({
      graph,
      principal: author,
      executionId,
      params: {},
      signal: abort.signal,
      pushdown: new Map(),
      hooks: { log: () => undefined, node: () => undefined },
      extraModules: [cancelling],
    });
    expect(result.status).toBe("cancelled");
    expect(existsSync(path.join(dir(), "cancelled.parquet"))).toBe(false);
    expect(readdirSync(dir()).filter((f) => f.startsWith("cancelled.parquet"))).toEqual([]);
    expect(leftovers(executionId)).toEqual([]);
  });

  it("a node preview of the SQL stops early and leaves no workspace behind", async () => {
    const preview = await previewNode(author, {
      config: {
        nodes: [
          node("src", "extractor", "csv", { path: `duckdb-${tag}/sales.csv` }),
          node("q", "transformer", "sql", { sql: "SELECT input.*, i FROM input, range(1000) r(i)" }),
        ],
        edges: [{ source: "src", target: "q" }],
      },
      node_id: "q",
      limit: 5,
    });
    expect(preview.rows).toHaveLength(5);
    expect(preview.truncated).toBe(true);
    expect(preview.columns.map((c) => c.name)).toEqual(["region", "amount", "day", "i"]);
    expect(leftovers("preview-")).toEqual([]);
  });
});
