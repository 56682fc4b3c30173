import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startJobs, stopJobs } from "@/server/jobs";
import { handleUpgrade } from "@/server/realtime/gateway";
import { registerWsRoutes } from "@/server/realtime/routes";
import { grant } from "@/test/fixtures";
import { sleep } from "@/test/jobs";
import { serverDataSource } from "@/test/pipelines";
import { rest, signedInUser } from "@/test/rest-client";
import { serviceAvailable, services } from "@/test/services";

/** The ETL Builder's pipeline routes and /ws/pipeline/:id, as its clients call them. */
const available = await serviceAvailable("postgres");
const tag = randomBytes(4).toString("hex");
const users = `pl_rest_users_${tag}`;
const out = `pl_rest_out_${tag}`;
const sql = async (text: string) => {
  const c = new pg.Client(services.postgres);
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
};

let token = "";
let approverToken = "";
let ds = "";

/** An approver of the data source approves the pipeline's current version, as in the inbox. */
async function approve(id: string): Promise<void> {
  const approval = await rest("GET", `/pipelines/${id}/approval`, { token });
  const decided = await rest("POST", `/pipelines/${id}/versions/${approval.body.version}/decision`, { token: approverToken, body: { decision: "approve" } });
  expect(decided.status).toBe(200);
}
let server: Server;
let port = 0;

const documentPipeline = () => ({
  name: "New Data Pipeline",
  description: "Pipeline description",
  config: {
    nodes: [
      { id: "node-1", type: "extractor", module: "postgres", position: { x: 100, y: 100 }, config: { connection_id: ds, query: `SELECT * FROM ${users} WHERE created_at > :start_date` } },
      { id: "node-2", type: "transformer", module: "cleaner", position: { x: 300, y: 100 }, config: { remove_duplicates: true, columns: ["email"] } },
      { id: "node-3", type: "loader", module: "database", position: { x: 500, y: 100 }, config: { connection_id: ds, table: out, mode: "replace" } },
    ],
    edges: [{ source: "node-1", target: "node-2" }, { source: "node-2", target: "node-3" }],
  },
  schedule: "0 2 * * *",
  tags: ["users", "daily"],
  default_params: { start_date: "2025-01-01" },
});

async function finished(executionId: string) {
  for (let i = 0; i < 200; i++) {
    const r = await rest("GET", `/executions/${executionId}`, { token });
    if (!["pending", "running"].includes(r.body.status)) return r.body;
    await sleep(100);
  }
  throw new Error("the execution did not finish");
}

describe.skipIf(!available)("pipelines over REST and /ws/pipeline/:id", () => {
  beforeAll(async () => {
    await sql(`CREATE TABLE ${users} (id int, email text, created_at date)`);
    await sql(`INSERT INTO ${users} VALUES (1, 'a@x.test', '2025-02-01'), (2, 'a@x.test', '2025-03-01'), (3, 'b@x.test', '2024-01-01'), (4, 'c@x.test', '2025-06-01')`);
    const signed = await signedInUser("analyst");
    token = signed.token;
    ds = await serverDataSource("postgres", `pl-rest-${tag}`);
    await grant(signed.user.id, ds, { canRead: true, canWrite: true });
    const approver = await signedInUser("analyst");
    approverToken = approver.token;
    await grant(approver.user.id, ds, { canRead: true, canApprove: true });
    registerWsRoutes();
    server = createServer((_req, res) => res.end());
    server.on("upgrade", (req, socket, head) => void handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    await startJobs();
  });

  afterAll(async () => {
    await stopJobs(200);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sql(`DROP TABLE IF EXISTS ${users}`);
    await sql(`DROP TABLE IF EXISTS ${out}`);
  });

  it("creates, lists, validates, executes and reports a pipeline as the document shows, with live messages", async () => {
    const created = await rest("POST", "/pipelines", { token, body: documentPipeline() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "New Data Pipeline", status: "draft", message: "Pipeline created successfully", version: "1.0.0", is_scheduled: true, tags: ["users", "daily"] });
    const id = created.body.id as string;

    const list = await rest("GET", "/pipelines?page=1&page_size=20&tags=daily&search=New", { token });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, page_size: 20, total_pages: 1 });
    expect(list.headers.get("X-Total-Count")).toBe("1");
    expect(list.body.pipelines[0]).toMatchObject({ id, schedule: "0 2 * * *", last_execution: null });

    const valid = await rest("POST", `/pipelines/${id}/validate`, { token });
    expect(valid.body).toMatchObject({ valid: true, errors: [] });

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/pipeline/${id}?token=${token}`);
    const messages: { type: string; status?: string; level?: string }[] = [];
    ws.on("message", (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));

    // Writes never run unreviewed: the first run files the approval request and is refused.
    const refused = await rest("POST", `/pipelines/${id}/execute`, { token, body: { params: { start_date: "2025-01-15" } } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error_code: "CONFLICT", detail: expect.stringMatching(/approv/) });
    const waiting = await rest("GET", `/pipelines/${id}/approval`, { token });
    expect(waiting.body).toMatchObject({ required: true, status: "pending", version: 1, targets: [{ data_source_id: ds, table: out, mode: "replace" }] });
    expect((await rest("POST", `/pipelines/${id}/versions/1/decision`, { token, body: { decision: "approve" } })).status).toBe(403);
    const inbox = await rest("GET", "/pipeline-approvals", { token: approverToken });
    expect(inbox.body.approvals.map((a: { pipeline_id: string }) => a.pipeline_id)).toContain(id);
    expect((await rest("GET", "/pipeline-approvals", { token })).body.approvals).toEqual([]);
    await approve(id);
    expect((await rest("GET", `/pipelines/${id}/approval`, { token })).body).toMatchObject({ status: "approved", decided_by_name: "Test analyst" });

    const started = await rest("POST", `/pipelines/${id}/execute`, { token, body: { params: { start_date: "2025-01-15" } } });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ pipeline_id: id, status: "pending" });
    const done = await finished(started.body.execution_id);
    expect(done).toMatchObject({ status: "success", rows_processed: 2, trigger_type: "api", params: { start_date: "2025-01-15" }, pipeline_name: "New Data Pipeline" });
    expect(await sql(`SELECT email FROM ${out} ORDER BY email`)).toEqual([{ email: "a@x.test" }, { email: "c@x.test" }]);

    // Extractor, cleaner and loader are one PostgreSQL source: the whole run was one INSERT … SELECT.
    expect(done.pushdown).toEqual([expect.objectContaining({ extractor: "node-1", absorbed: ["node-2"], loader: "node-3" })]);
    const logs = await rest("GET", `/executions/${done.id}/logs?level=INFO&node_id=node-1`, { token });
    expect(logs.body.logs[0]).toMatchObject({
      level: "INFO",
      node_id: "node-1",
      message: "Pushed down into the query of 'node-1': 'node-2' (cleaner); 'node-3' loads its rows inside the database",
      metadata: { absorbed: ["node-2"], loader: "node-3", sql: expect.stringContaining("DISTINCT ON") },
    });
    const metrics = await rest("GET", `/executions/${done.id}/metrics`, { token });
    expect(metrics.body.nodes.map((n: { node_id: string; status: string; rows_input: number; rows_output: number }) => [n.node_id, n.status, n.rows_input, n.rows_output])).toEqual([
      ["node-1", "pushed_down", 0, 2],
      ["node-2", "pushed_down", 0, 2],
      ["node-3", "success", 2, 2],
    ]);
    const executions = await rest("GET", `/executions?pipeline_id=${id}&status=success`, { token });
    expect(executions.body).toMatchObject({ total: 1, executions: [{ id: done.id, duration_seconds: expect.any(Number) }] });

    for (let i = 0; i < 20 && !messages.some((m) => m.type === "execution_update" && m.status === "success"); i++) await sleep(50);
    ws.close();
    expect(messages.some((m) => m.type === "execution_update" && m.status === "running")).toBe(true);
    expect(messages.some((m) => m.type === "execution_update" && m.status === "success")).toBe(true);
    expect(messages.some((m) => m.type === "log" && m.level === "INFO")).toBe(true);

    const updated = await rest("PUT", `/pipelines/${id}`, { token, body: { status: "paused", description: "changed" } });
    expect(updated.body).toMatchObject({ version: "2.0.0", status: "paused", last_execution: { id: done.id, status: "success", rows_processed: 2 } });
    // A change that leaves the graph out keeps it.
    expect(updated.body.config.nodes.length).toBeGreaterThan(0);
    expect(updated.body.config.nodes).toEqual((await rest("GET", `/pipelines/${id}`, { token })).body.config.nodes);
    expect((await rest("DELETE", `/pipelines/${id}`, { token })).status).toBe(200);
    expect((await rest("GET", `/pipelines/${id}`, { token })).status).toBe(404);
  });

  it("answers bad input in the ETL Builder's error format, and saves nothing", async () => {
    const base = documentPipeline();
    const cyclic = await rest("POST", "/pipelines", { token, body: { ...base, name: "cyclic", config: { ...base.config, edges: [...base.config.edges, { source: "node-3", target: "node-1" }] } } });
    expect(cyclic.status).toBe(422);
    expect(cyclic.body).toMatchObject({ error_code: "VALIDATION_ERROR", detail: expect.stringMatching(/./), timestamp: expect.any(String) });
    const unknown = await rest("POST", "/pipelines", { token, body: { ...base, name: "unknown", config: { ...base.config, nodes: base.config.nodes.map((n) => (n.id === "node-2" ? { ...n, module: "teleport" } : n)) } } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toMatch(/unknown transformer module 'teleport'/);
    const cron = await rest("POST", "/pipelines", { token, body: { ...base, name: "cron", schedule: "every day at two" } });
    expect(cron.status).toBe(422);
    expect(cron.body.detail).toMatch(/not a cron expression/);
    expect((await rest("GET", "/pipelines", { token })).body.total).toBe(0);

    const noDefault = await rest("POST", "/pipelines", { token, body: { ...base, name: "no default", default_params: {} } });
    expect(noDefault.status).toBe(201);
    const run = await rest("POST", `/pipelines/${noDefault.body.id}/execute`, { token, body: {} });
    expect(run.status).toBe(422);
    expect(run.body.detail).toMatch(/:start_date/);
    expect((await rest("GET", "/pipelines/00000000-0000-0000-0000-000000000000", { token })).body).toMatchObject({ error_code: "NOT_FOUND" });
  });

  it("accepts the ETL Builder canvas's React Flow nodes and lists modules both ways", async () => {
    const modules = await rest("GET", "/modules", { token });
    expect(modules.body.extractors.map((m: { name: string }) => m.name)).toContain("postgres");
    expect(modules.body.transformers[0]).toEqual({ name: "cleaner", display_name: "Data Cleaner", description: expect.any(String), icon: "broom", color: "#10B981" });
    expect(modules.body.modules.find((m: { name: string; type: string }) => m.name === "database" && m.type === "loader").config_schema.properties.mode.enum).toEqual(["create", "append", "replace", "upsert"]);
    const schema = await rest("GET", "/modules/extractor/postgres/schema", { token });
    expect(schema.body).toMatchObject({ schema: { type: "object", properties: { query: { title: "SQL Query", format: "code", language: "sql" } } }, defaults: { query: "SELECT * FROM table_name" } });
    expect((await rest("GET", "/modules/loader/nope/schema", { token })).status).toBe(404);

    const canvas = {
      name: "canvas",
      config: {
        type: "etl",
        nodes: [
          { id: "postgres-1", type: "extractor", position: { x: 0, y: 0 }, data: { label: "PostgreSQL 1", moduleId: "postgres", moduleName: "PostgreSQL Extractor", config: { connection_id: ds, query: `SELECT id, email FROM ${users}` }, status: "idle" } },
          { id: "database-2", type: "loader", position: { x: 300, y: 0 }, data: { label: "Table 2", moduleId: "database", config: { connection_id: ds, table: out, mode: "replace" } } },
        ],
        edges: [{ id: "e1", source: "postgres-1", target: "database-2", type: "smoothstep", animated: true }],
      },
      tags: [],
    };
    const checked = await rest("POST", "/pipelines/validate-config", { token, body: canvas });
    expect(checked.body).toMatchObject({ valid: true });
    const created = await rest("POST", "/pipelines", { token, body: canvas });
    expect(created.body.config.nodes[0].data.label).toBe("PostgreSQL 1");
    await approve(created.body.id);
    const started = await rest("POST", `/pipelines/${created.body.id}/execute`, { token });
    expect((await finished(started.body.execution_id)).status).toBe("success");
    expect(await sql(`SELECT count(*)::int AS n FROM ${out}`)).toEqual([{ n: 4 }]);
  });
});
