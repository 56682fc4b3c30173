// `npm run bench:export`: exports a 1,000,000-row, 6-column PostgreSQL table as CSV
// through Quarry's REST export endpoint (a real production server) and with
// `psql \copy`, and prints both times, the ratio and Quarry's peak memory (VmHWM).
// Needs PostgreSQL at 127.0.0.1:5432 (trust auth, database `test`) and `next build`.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { api as callApi, peakRssMb, waitUp } from "./bench-client.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const port = Number(process.env.BENCH_PORT ?? 3199);
const pgEnv = { ...process.env, PGHOST: "127.0.0.1", PGPORT: "5432", PGUSER: "postgres", PGDATABASE: "test" };
const table = "quarry_bench_export";
const select = `SELECT id, customer, amount, created_at, status, note FROM ${table}`;

function psql(sql, extra = []) {
  const r = spawnSync("psql", ["-v", "ON_ERROR_STOP=1", "-q", "-c", sql, ...extra], { env: pgEnv, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout;
}

console.log(`Preparing ${rows.toLocaleString("en")} rows in ${table}…`);
psql(`DROP TABLE IF EXISTS ${table}`);
psql(`CREATE TABLE ${table} AS SELECT g AS id, 'customer ' || (g % 5000) AS customer, (g % 100000) / 100.0 AS amount,
  timestamp '2024-01-01' + (g || ' seconds')::interval AS created_at,
  (ARRAY['pending','shipped','delivered','returned'])[1 + g % 4] AS status,
  md5(g::text) AS note FROM generate_series(1, ${rows}) g`);
psql(`ANALYZE ${table}`);

if (spawnSync("test", ["-f", path.join(root, ".next/BUILD_ID")]).status !== 0) {
  console.log("Building Quarry first (next build)…");
  spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { cwd: root, stdio: "inherit" });
}

const dataDir = mkdtempSync(path.join(tmpdir(), "quarry-bench-"));
const server = spawn(process.execPath, [path.join(root, "server.mjs")], {
  cwd: root,
  env: { ...process.env, NODE_ENV: "production", PORT: String(port), QUARRY_DATA_DIR: dataDir, QUARRY_ADMIN_EMAIL: "bench@quarry.local", QUARRY_ADMIN_PASSWORD: "bench-password", QUARRY_DEMO: "false", QUARRY_QUERY_RATE_LIMIT_PER_MINUTE: "1000" },
  stdio: ["ignore", "pipe", "inherit"],
});
const base = `http://127.0.0.1:${port}`;


const api = async (method, route, token, body) => callApi(base, method, route, token, body);

const peakRss = () => peakRssMb(server.pid);

try {
  await waitUp(base);
  const { access_token: token } = await (await api("POST", "/auth/login", null, { email: "bench@quarry.local", password: "bench-password" })).json();
  const ds = await (await api("POST", "/datasources", token, { name: "bench", type: "postgresql", host: "127.0.0.1", port: 5432, database_name: "test", username: "postgres" })).json();
  const run = await (await api("POST", "/queries", token, { data_source_id: ds.id, query_text: select, limit: 10 })).json();
  const idleMb = peakRss();

  // Both sides write the CSV to a file, so they are timed doing the same work.
  const quarryFile = path.join(dataDir, "quarry.csv");
  const psqlFile = path.join(dataDir, "psql.csv");
  const t0 = performance.now();
  const curl = spawnSync("curl", ["-sS", "-f", "-o", quarryFile, "-X", "POST", `${base}/api/v1/queries/${run.id}/export`,
    "-H", `authorization: Bearer ${token}`, "-H", "content-type: application/json", "-d", '{"format":"csv"}']);
  const quarryMs = performance.now() - t0;
  if (curl.status !== 0) throw new Error(`export failed: ${curl.stderr}`);
  const quarryPeak = peakRss();

  const t1 = performance.now();
  const psqlRun = spawnSync("sh", ["-c", `psql -c "\\copy (${select}) to stdout csv header" > ${psqlFile}`], { env: pgEnv });
  const psqlMs = performance.now() - t1;
  if (psqlRun.status !== 0) throw new Error(`psql \\copy failed: ${psqlRun.stderr}`);
  const lines = (file) => Number(spawnSync("wc", ["-l", file], { encoding: "utf8" }).stdout.trim().split(/\s+/)[0]);
  const bytes = (file) => Number(spawnSync("stat", ["-c", "%s", file], { encoding: "utf8" }).stdout.trim());
  const newlines = lines(quarryFile);
  const same = spawnSync("cmp", ["-s", quarryFile, psqlFile]).status === 0;

  const ratio = psqlMs / quarryMs;
  console.log("");
  console.log(`rows exported:        ${(newlines - 1).toLocaleString("en")} (${(bytes(quarryFile) / 1e6).toFixed(1)} MB of CSV; ${same ? "identical to" : "differs from"} psql's)`);
  console.log(`quarry export:        ${(quarryMs / 1000).toFixed(2)} s`);
  console.log(`psql \\copy:           ${(psqlMs / 1000).toFixed(2)} s (${(bytes(psqlFile) / 1e6).toFixed(1)} MB, ${(lines(psqlFile) - 1).toLocaleString("en")} rows)`);
  console.log(`speed vs psql:        ${ratio.toFixed(2)}x (target ≥ 0.80x)`);
  console.log(`quarry peak memory:   ${quarryPeak.toFixed(0)} MB RSS (${idleMb.toFixed(0)} MB before the export; target < 150 MB)`);
} finally {
  server.kill("SIGTERM");
  psql(`DROP TABLE IF EXISTS ${table}`);
  rmSync(dataDir, { recursive: true, force: true });
}
