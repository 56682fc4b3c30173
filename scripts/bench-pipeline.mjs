// `npm run bench:pipeline` (not part of `npm test`): 1,000,000 rows PostgreSQL →
// cleaner (dedupe on one column, trim) → PostgreSQL table through a real production
// Quarry (REST: create the pipeline, execute, poll), against the reference
// `psql -c "COPY … TO STDOUT" | psql -c "COPY … FROM STDIN"`. Runs once with pushdown
// allowed and once with it off (the transform in Node), and prints the times, the
// ratios and Quarry's peak RSS. Needs PostgreSQL at 127.0.0.1:5432 (trust, database
// `test`) and `next build`. BENCH_ROWS changes the row count.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { api as callApi, peakRssMb, waitUp } from "./bench-client.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const port = Number(process.env.BENCH_PORT ?? 3198);
const pgEnv = { ...process.env, PGHOST: "127.0.0.1", PGPORT: "5432", PGUSER: "postgres", PGDATABASE: "test" };
const source = "quarry_bench_pipeline_src";
const targets = ["quarry_bench_pipeline_ref", "quarry_bench_pipeline_pushdown", "quarry_bench_pipeline_node"];

function psql(sql) {
  const r = spawnSync("psql", ["-v", "ON_ERROR_STOP=1", "-q", "-c", sql], { env: pgEnv, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout;
}

console.log(`Preparing ${rows.toLocaleString("en")} rows in ${source}…`);
psql(`DROP TABLE IF EXISTS ${source}`);
for (const t of targets) psql(`DROP TABLE IF EXISTS ${t}`);
psql(`CREATE TABLE ${source} AS SELECT g AS id, '  customer ' || (g % 5000) || ' ' AS customer, (g % 100000) / 100.0 AS amount,
  timestamp '2024-01-01' + (g || ' seconds')::interval AS created_at, md5(g::text) AS note FROM generate_series(1, ${rows}) g`);
psql(`ANALYZE ${source}`);
const columns = "id bigint, customer text, amount double precision, created_at timestamptz, note text";

if (spawnSync("test", ["-f", path.join(root, ".next/BUILD_ID")]).status !== 0) {
  console.log("Building Quarry first (next build)…");
  spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { cwd: root, stdio: "inherit" });
}

const dataDir = mkdtempSync(path.join(tmpdir(), "quarry-bench-"));
const server = spawn(process.execPath, [path.join(root, "server.mjs")], {
  cwd: root,
  env: { ...process.env, NODE_ENV: "production", PORT: String(port), QUARRY_DATA_DIR: dataDir, QUARRY_ADMIN_EMAIL: "bench@quarry.local", QUARRY_ADMIN_PASSWORD: "bench-password", QUARRY_DEMO: "false" },
  stdio: ["ignore", "pipe", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
// A keep-alive socket the server closed while psql ran (5 s idle) fails the next fetch once: retry it.
const api = async (method, route, token, body) => {
  try {
    return await (await callApi(base, method, route, token, body)).json();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return (await callApi(base, method, route, token, body)).json();
  }
};

try {
  await waitUp(base);
  const { access_token: token } = await api("POST", "/auth/login", null, { email: "bench@quarry.local", password: "bench-password" });
  const ds = await api("POST", "/connections", token, { name: "bench", type: "postgres", config: { host: "127.0.0.1", port: 5432, database: "test", username: "postgres" } });
  // Writes never run unreviewed: a second administrator approves each pipeline's writes.
  await api("POST", "/auth/users", token, { email: "approver@quarry.local", password: "bench-password", full_name: "Bench approver", role: "admin" });
  const { access_token: approverToken } = await api("POST", "/auth/login", null, { email: "approver@quarry.local", password: "bench-password" });
  const idleMb = peakRssMb(server.pid);

  // The reference: the same rows (deduped on one column, trimmed) piped between two psql.
  psql(`CREATE TABLE ${targets[0]} (${columns})`);
  const refSelect = `SELECT DISTINCT ON (note) id, btrim(customer) AS customer, amount, created_at, note FROM ${source}`;
  const t0 = performance.now();
  const ref = spawnSync("sh", ["-c", `psql -c "COPY (${refSelect}) TO STDOUT" | psql -c "COPY ${targets[0]} FROM STDIN"`], { env: pgEnv });
  const refMs = performance.now() - t0;
  if (ref.status !== 0) throw new Error(`psql pipe failed: ${ref.stderr}`);

  async function run(target, pushdown) {
    psql(`CREATE TABLE ${target} (${columns})`);
    const pipeline = await api("POST", "/pipelines", token, {
      name: `bench ${target}`,
      config: {
        pushdown,
        nodes: [
          { id: "src", type: "extractor", module: "postgres", description: "src", config: { connection_id: ds.id, query: `SELECT id, customer, amount, created_at, note FROM ${source}` } },
          { id: "clean", type: "transformer", module: "cleaner", description: "clean", config: { remove_duplicates: true, columns: ["note"], trim: true } },
          { id: "dst", type: "loader", module: "database", description: "dst", config: { connection_id: ds.id, table: target, mode: "append" } },
        ],
        edges: [{ source: "src", target: "clean" }, { source: "clean", target: "dst" }],
      },
    });
    const decided = await api("POST", `/pipelines/${pipeline.id}/versions/1/decision`, approverToken, { decision: "approve" });
    if (decided.status !== "approved") throw new Error(`approval failed: ${JSON.stringify(decided)}`);
    const t = Date.now();
    const started = await api("POST", `/pipelines/${pipeline.id}/execute`, token, {});
    let execution;
    // Polled slowly, so the polling's own requests take little from the run on the same
    // cores; the time is taken from the execution's completed_at (same machine, same clock).
    for (;;) {
      execution = await api("GET", `/executions/${started.execution_id}`, token);
      if (!["pending", "running"].includes(execution.status)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const ms = Date.parse(execution.completed_at) - t;
    if (execution.status !== "success") throw new Error(`the run ${execution.status}: ${execution.error_message}`);
    return { ms, rows: execution.rows_processed, pushed: execution.pushdown.length > 0 };
  }

  const pushed = await run(targets[1], true);
  const pushedPeak = peakRssMb(server.pid);
  const inNode = await run(targets[2], false);
  const nodePeak = peakRssMb(server.pid);
  const count = (t) => Number(psql(`SELECT count(*) FROM ${t}`).match(/\d+/)[0]);

  console.log("");
  console.log(`rows:                  ${rows.toLocaleString("en")} in, ${count(targets[0]).toLocaleString("en")} after dedupe (psql), ${count(targets[1]).toLocaleString("en")} / ${count(targets[2]).toLocaleString("en")} (Quarry)`);
  console.log(`psql COPY | COPY:      ${(refMs / 1000).toFixed(2)} s`);
  console.log(`quarry, pushdown on:   ${(pushed.ms / 1000).toFixed(2)} s = ${(refMs / pushed.ms).toFixed(2)}x of psql (target ≥ 0.80x; ${pushed.pushed ? "pushed down" : "nothing was pushed down: the cleaner runs in Node"})`);
  console.log(`quarry, pushdown off:  ${(inNode.ms / 1000).toFixed(2)} s = ${(refMs / inNode.ms).toFixed(2)}x of psql (target ≥ 0.40x)`);
  console.log(`quarry peak RSS:       ${pushedPeak.toFixed(0)} MB after the first run, ${nodePeak.toFixed(0)} MB after the second (${idleMb.toFixed(0)} MB idle; target growth < 150 MB)`);
} finally {
  server.kill("SIGTERM");
  psql(`DROP TABLE IF EXISTS ${source}`);
  for (const t of targets) psql(`DROP TABLE IF EXISTS ${t}`);
  rmSync(dataDir, { recursive: true, force: true });
}
