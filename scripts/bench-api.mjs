// `npm run bench:api`: requests per second and latency of Quarry's REST hot paths against
// a bare `node:http` server doing the same work, measured in the same run with the same
// load generator (autocannon, 32 connections on loopback). Prints the ratio, p50/p99,
// errors and Quarry's peak memory (VmHWM).
//
// - POST /api/v1/queries: a 20-row SELECT on PostgreSQL; reference: node:http + pg pool.
// - GET /api/v1/datasources: the caller's data sources; reference: node:http reading a
//   SQLite table with better-sqlite3.
// - GET /health; reference: node:http answering a constant JSON body.
//
// Needs PostgreSQL at 127.0.0.1:5432 (trust auth, database `test`) and a `next build`
// (made when missing). BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 32)
// tune the run; BENCH_PROFILE=<dir> writes a V8 CPU profile of Quarry there (--cpu-prof).
// BENCH_ONLY=queries|datasources|health runs one case. Targets (issue "seams"): ≥ 0.25× the bare server, p99 < 150 ms, 0 errors.
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { api as callApi, peakRssMb, waitUp } from "./bench-client.mjs";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const port = Number(process.env.BENCH_PORT ?? 3198);
const barePort = port + 1;
const table = "quarry_bench_api";
const select = `SELECT id, name, amount, created_at FROM ${table} ORDER BY id`;
const pgConfig = { host: "127.0.0.1", port: 5432, user: "postgres", database: "test" };

const setup = new pg.Client(pgConfig);
await setup.connect();
await setup.query(`DROP TABLE IF EXISTS ${table}`);
await setup.query(`CREATE TABLE ${table} AS SELECT g AS id, 'item ' || g AS name, g * 1.5 AS amount,
  timestamp '2024-01-01' + (g || ' days')::interval AS created_at FROM generate_series(1, 20) g`);

if (!existsSync(path.join(root, ".next/BUILD_ID"))) {
  console.log("Building Quarry first (next build)…");
  spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { cwd: root, stdio: "inherit" });
}

const dataDir = mkdtempSync(path.join(tmpdir(), "quarry-bench-api-"));
const unlimited = "1000000000";
const profileArgs = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
const server = spawn(process.execPath, [...profileArgs, path.join(root, "server.mjs")], {
  cwd: root,
  env: {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    QUARRY_DATA_DIR: dataDir,
    QUARRY_ADMIN_EMAIL: "bench@quarry.local",
    QUARRY_ADMIN_PASSWORD: "bench-password",
    QUARRY_DEMO: "false",
    QUARRY_RATE_LIMIT_PER_MINUTE: unlimited,
    QUARRY_QUERY_RATE_LIMIT_PER_MINUTE: unlimited,
  },
  stdio: ["ignore", "ignore", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
const peakRss = () => peakRssMb(server.pid);

/** The reference: what a hand-written server needs to do the same work, nothing more. */
function startBareServer(sqliteFile) {
  const pool = new pg.Pool({ ...pgConfig, max: 10 });
  const sqlite = new Database(sqliteFile, { readonly: true });
  const listSources = sqlite.prepare("SELECT id, name, engine, host, port, database FROM DataSource ORDER BY name");
  const send = (res, status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  const bare = http.createServer((req, res) => {
    if (req.url === "/health") return send(res, 200, { status: "ok" });
    if (req.url === "/datasources") return send(res, 200, { data: listSources.all() });
    if (req.url === "/queries" && req.method === "POST") {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", async () => {
        try {
          const { query_text } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          const started = performance.now();
          const result = await pool.query(query_text);
          send(res, 200, { columns: result.fields.map((f) => f.name), rows: result.rows, row_count: result.rowCount, execution_time_ms: performance.now() - started });
        } catch (error) {
          send(res, 400, { error: String(error) });
        }
      });
      return;
    }
    send(res, 404, { error: "not found" });
  });
  return new Promise((resolve) => bare.listen(barePort, "127.0.0.1", () => resolve({ close: () => Promise.all([new Promise((r) => bare.close(r)), pool.end()]).then(() => sqlite.close()) })));
}


const api = async (method, route, token, body) => (await callApi(base, method, route, token, body)).json();

function load(url, options) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function measure(url, options) {
  await load(url, { ...options, duration: Math.min(3, seconds) }); // warm-up: JIT, pools, caches
  const r = await load(url, options);
  const errors = r.errors + r.timeouts + r.non2xx;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors };
}

const rows = [];
let bareServer;
try {
  await waitUp(base);
  const { access_token: token } = await api("POST", "/auth/login", null, { email: "bench@quarry.local", password: "bench-password" });
  const ds = await api("POST", "/datasources", token, { name: "bench", type: "postgresql", host: "127.0.0.1", port: 5432, database_name: "test", username: "postgres" });
  const check = await api("POST", "/queries", token, { data_source_id: ds.id, query_text: select });
  if ((check.row_count ?? check.rows?.length) !== 20) throw new Error(`expected 20 rows, got ${JSON.stringify(check).slice(0, 200)}`);
  bareServer = await startBareServer(path.join(dataDir, "quarry.db"));
  const auth = { authorization: `Bearer ${token}` };
  const queryBody = JSON.stringify({ data_source_id: ds.id, query_text: select });
  const cases = [
    ["POST /api/v1/queries (20 rows, PostgreSQL)", `${base}/api/v1/queries`, `http://127.0.0.1:${barePort}/queries`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: queryBody }],
    ["GET /api/v1/datasources", `${base}/api/v1/datasources`, `http://127.0.0.1:${barePort}/datasources`, { headers: auth }],
    ["GET /health", `${base}/health`, `http://127.0.0.1:${barePort}/health`, {}],
  ];
  const only = process.env.BENCH_ONLY;
  for (const [label, quarryUrl, bareUrl, options] of cases.filter(([label]) => !only || label.includes(only))) {
    const quarry = await measure(quarryUrl, options);
    const bare = await measure(bareUrl, { ...options, headers: { "content-type": "application/json" } });
    rows.push({ label, quarry, bare });
    console.log(`${label}
  quarry: ${quarry.rps.toFixed(0)} req/s, p50 ${quarry.p50} ms, p99 ${quarry.p99} ms, ${quarry.errors} errors
  bare:   ${bare.rps.toFixed(0)} req/s, p50 ${bare.p50} ms, p99 ${bare.p99} ms, ${bare.errors} errors
  ratio:  ${(quarry.rps / bare.rps).toFixed(3)}x (target ≥ 0.25x, p99 < 150 ms, 0 errors)`);
  }
  console.log(`quarry peak memory: ${peakRss().toFixed(0)} MB RSS (${connections} connections, ${seconds} s per case)`);
} finally {
  server.kill("SIGTERM");
  // A profile is written when the process exits; wait for it.
  if (profileArgs.length) await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once("exit", resolve)));
  await bareServer?.close();
  await setup.query(`DROP TABLE IF EXISTS ${table}`);
  await setup.end();
  rmSync(dataDir, { recursive: true, force: true });
}
