import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { migratePostgres } from "../../scripts/migrate-postgres.mjs";
import { createDatabase, dropDatabase, pgUrl, randomDatabaseName } from "@/test/app-db";
import { deleteRedisKeys, randomRedisPrefix, TEST_REDIS_URL } from "@/test/redis";
import { serviceAvailable } from "@/test/services";

/** Skipped with the reason printed where the server is absent; under CI that fails instead. */
const available = (await serviceAvailable("postgres")) && (await serviceAvailable("redis"));

/**
 * Scale-out on loopback: two web processes (QUARRY_ROLE=web) and three workers
 * (QUARRY_ROLE=worker), each `node server.mjs` with its own data dir, sharing only a
 * fresh PostgreSQL app database and a Redis key prefix. Two tests SIGKILL a worker each;
 * the third worker keeps the later ones served. Needs the production build
 * (`npm test` builds first; run `npx next build` before running this file alone).
 */
const root = path.resolve(import.meta.dirname, "../..");
const built = existsSync(path.join(root, ".next", "BUILD_ID"));
const database = randomDatabaseName("quarry_scale");
const prefix = randomRedisPrefix("scale");
const RATE_LIMIT = 30;
const STALLED_MS = 2000;
/** Jobs one worker runs at once: fewer than RUNS, so RUNS running pipeline runs need two workers. */
const CONCURRENCY = 2;
const RUNS = 3;
const ADMIN = { email: "scale-admin@example.test", password: "scale-out-password-1" };

interface Proc {
  name: string;
  child: ChildProcess;
  output: string;
  port?: number;
}
const procs: Proc[] = [];
const dirs: string[] = [];
let blackHole: Server;
const held: Socket[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function start(name: string, role: "web" | "worker"): Promise<Proc> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `quarry-scale-${name}-`));
  dirs.push(dataDir);
  const port = role === "web" ? await freePort() : undefined;
  const child = spawn(process.execPath, ["server.mjs"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      ...(port ? { PORT: String(port) } : {}),
      QUARRY_ROLE: role,
      QUARRY_DATA_DIR: dataDir,
      DATABASE_URL: pgUrl(database),
      REDIS_URL: TEST_REDIS_URL,
      QUARRY_REDIS_PREFIX: prefix,
      QUARRY_AUTH_SECRET: "scale-test-auth-secret-0123456789abcdef0123",
      QUARRY_ENCRYPTION_KEY: "scale-test-encryption-key-0123456789abcdef",
      QUARRY_APPROVAL_DIGEST_KEY: "scale-test-digest-key-0123456789abcdef0123",
      QUARRY_ADMIN_EMAIL: ADMIN.email,
      QUARRY_ADMIN_PASSWORD: ADMIN.password,
      QUARRY_DEMO: "false",
      QUARRY_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      QUARRY_JOB_STALLED_MS: String(STALLED_MS),
      QUARRY_JOB_CONCURRENCY: String(CONCURRENCY),
      QUARRY_DATASOURCE_HOSTS_DENY: "none",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const proc: Proc = { name, child, output: "", port };
  child.stdout!.on("data", (d) => (proc.output += d));
  child.stderr!.on("data", (d) => (proc.output += d));
  procs.push(proc);
  const ready = role === "web" ? /Quarry is listening/ : /Quarry worker is running jobs/;
  const end = Date.now() + 90_000;
  while (!ready.test(proc.output)) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${proc.output}`);
    if (Date.now() > end) throw new Error(`${name} did not start:\n${proc.output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return proc;
}

async function api(proc: Proc, method: string, route: string, body?: unknown, token?: string) {
  const res = await fetch(`http://127.0.0.1:${proc.port}/api/v1${route}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function appDb<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUrl(database) });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const poll = async <T>(read: () => Promise<T>, done: (v: T) => boolean, ms: number): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

let web1: Proc, web2: Proc, token: string, scheduleId: string, cronTicks: Date[];
const CRON_LEAD_MS = Number(process.env.QUARRY_SCALE_CRON_LEAD_MS ?? 75_000);

describe.skipIf(!available)("several web processes and workers", () => {
  beforeAll(async () => {
    if (!built) throw new Error("Run `npx next build` first: this test starts server.mjs processes from the production build");
    await createDatabase(database);
    // A cron schedule the workers arm when they start: three ticks two seconds apart, far
    // enough ahead for all five processes to be up. It runs as a user that does not exist,
    // so each tick's job fails at once (no retry): the count is what is tested.
    await migratePostgres(pgUrl(database));
    let first = new Date(Math.ceil((Date.now() + CRON_LEAD_MS) / 1000) * 1000);
    if (first.getUTCSeconds() > 54) first = new Date(Math.ceil(first.getTime() / 60_000) * 60_000);
    cronTicks = [0, 2, 4].map((s) => new Date(first.getTime() + s * 1000));
    const cron = `${cronTicks.map((t) => t.getUTCSeconds()).join(",")} ${first.getUTCMinutes()} ${first.getUTCHours()} ${first.getUTCDate()} ${first.getUTCMonth() + 1} *`;
    scheduleId = await appDb(async (c) => {
      const { rows } = await c.query(
        `INSERT INTO "JobSchedule" (id, name, "jobName", cron, timezone, payload, "principalId", enabled, "createdAt", "updatedAt")
         VALUES (gen_random_uuid()::text, 'scale-cron', 'schema-sync', $1, 'UTC', $2, 'no-such-user', true, now(), now()) RETURNING id`,
        [cron, JSON.stringify({ dataSourceId: "none" })],
      );
      return rows[0].id as string;
    });
    // Started together: the migrator's advisory lock and the key fingerprint record race here.
    [web1, web2] = await Promise.all([start("web1", "web"), start("web2", "web"), start("worker1", "worker"), start("worker2", "worker"), start("worker3", "worker")]);
    const login = await api(web1, "POST", "/auth/login", { email: ADMIN.email, password: ADMIN.password });
    expect(login.status).toBe(200);
    token = login.body.access_token;
    blackHole = createServer((socket) => void held.push(socket)); // accepts, never answers
    await new Promise<void>((r) => blackHole.listen(0, "127.0.0.1", r));
  }, 240_000);

  afterAll(async () => {
    // What each process said, for a failure's post-mortem (never secrets: Quarry logs none).
    if (process.env.QUARRY_SCALE_LOGS) for (const p of procs) writeFileSync(path.join(process.env.QUARRY_SCALE_LOGS, `${p.name}.log`), p.output);
    for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    for (const s of held) s.destroy();
    blackHole?.close();
    await new Promise((r) => setTimeout(r, 300));
    await dropDatabase(database);
    await deleteRedisKeys(prefix);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("spends one rate-limit budget across both web processes", async () => {
    // Its own user: the budget is per user, and the admin needs theirs for the other tests.
    const registered = await api(web2, "POST", "/auth/register", { email: "spender@example.test", username: "spender", password: "spender-password-1", full_name: "Spender" });
    expect(registered.status).toBeLessThan(300);
    const mine = (await api(web1, "POST", "/auth/login", { email: "spender@example.test", password: "spender-password-1" })).body.access_token as string;
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 4; i += 1) statuses.push((await api(i % 2 ? web2 : web1, "GET", "/auth/me", undefined, mine)).status);
    const ok = statuses.filter((s) => s === 200).length;
    // One budget for the user: at most RATE_LIMIT pass in total, not RATE_LIMIT per process.
    expect(ok).toBeLessThanOrEqual(RATE_LIMIT);
    expect(ok).toBeGreaterThan(RATE_LIMIT - 5);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
  });

  it("sends a query started on one web process to a WebSocket client on the other", { timeout: 60_000 }, async () => {
    const ds = await api(web1, "POST", "/datasources", { name: "Scale PG", type: "postgres", host: "127.0.0.1", port: 5432, database: "test", username: "postgres" }, token);
    expect(ds.status).toBe(201);
    const id = ds.body.id as string;
    const startedQuery = await api(web1, "POST", "/queries", { data_source_id: id, query_text: "SELECT count(*) AS n FROM generate_series(1, 30000000)", wait: false }, token);
    expect(startedQuery.status, JSON.stringify(startedQuery.body)).toBe(202);
    expect(startedQuery.body.query_id, JSON.stringify(startedQuery.body)).toEqual(expect.any(String));
    const messages: { type?: string; status?: string }[] = [];
    const socket = new WebSocket(`ws://127.0.0.1:${web2.port}/ws/query/${startedQuery.body.query_id}?token=${token}`);
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    await new Promise<void>((resolve, reject) => {
      socket.on("close", () => resolve());
      socket.on("error", reject);
      setTimeout(() => reject(new Error(`no end: ${JSON.stringify(messages)}`)), 45_000);
    });
    const statuses = messages.map((m) => m.status);
    expect(messages[0], JSON.stringify(messages)).toMatchObject({ type: "status_changed" });
    expect(statuses[0]).toBe("executing"); // the stored state on connect: still running on web1
    expect(statuses.at(-1)).toBe("completed"); // the end, published on web1, through Redis
  });

  it("fires a cron schedule's three ticks exactly three times with three workers", async () => {
    const last = cronTicks.at(-1)!.getTime();
    await new Promise((r) => setTimeout(r, Math.max(0, last - Date.now()) + 6000));
    const jobs = await poll(
      () => appDb(async (c) => (await c.query(`SELECT "idempotencyKey", status, attempts FROM "Job" WHERE "scheduleId" = $1`, [scheduleId])).rows),
      (rows) => rows.length >= 3 && rows.every((r) => ["completed", "failed"].includes(r.status)),
      20_000,
    );
    expect(jobs.map((j) => j.idempotencyKey).sort()).toEqual(cronTicks.map((t) => `scale-cron:${t.toISOString()}`));
    expect(jobs.every((j) => j.attempts === 1 && j.status === "failed")).toBe(true);
  }, 120_000);

  it("shares pipeline runs between workers, and fails (never leaves running) a run whose worker was killed", async () => {
    // Every run reads from the black hole, so it stays running (connecting) for the
    // connector's connect timeout (10 s): long enough to see who holds it and to kill one.
    const port = (blackHole.address() as AddressInfo).port;
    const ds = await api(web1, "POST", "/datasources", { name: "Black hole for pipelines", type: "postgres", host: "127.0.0.1", port, database: "none", username: "nobody" }, token);
    expect(ds.status).toBe(201);
    const created = await api(web2, "POST", "/pipelines", {
      name: "Scale-out runs",
      max_concurrent: RUNS,
      config: {
        nodes: [
          { id: "extract", type: "extractor", module: "postgres", config: { connection_id: ds.body.id, query: "SELECT 1 AS n" } },
          { id: "load", type: "loader", module: "csv", config: { path: "scale/out.csv" } },
        ],
        edges: [{ source: "extract", target: "load" }],
      },
    }, token);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const pipelineId = created.body.id as string;
    const execute = async (count: number) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const started = await api(i % 2 ? web2 : web1, "POST", `/pipelines/${pipelineId}/execute`, {}, token);
        expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
        ids.push(started.body.execution_id as string);
      }
      return ids;
    };
    const executions = (ids: string[]) =>
      appDb(async (c) => (await c.query(`SELECT e.id, e.status, e.error, e."jobId", j.status AS "jobStatus" FROM "PipelineExecution" e LEFT JOIN "Job" j ON j.id = e."jobId" WHERE e.id = ANY($1)`, [ids])).rows);
    const cancelAll = async (ids: string[]) => {
      for (const id of ids) expect((await api(web2, "POST", `/executions/${id}/cancel`, undefined, token)).status).toBe(200);
    };

    const runs = await execute(RUNS);
    // All of them running (the execution row, not just its delivery) before a worker dies.
    const rows = await poll(() => executions(runs), (r) => r.length === RUNS && r.every((e) => e.status === "running" && e.jobStatus === "running"), 20_000);
    const executionOfJob = new Map(rows.map((r) => [r.jobId as string, r.id as string]));
    const { Queue } = await import("bullmq");
    const queue = new Queue("jobs", { connection: { url: TEST_REDIS_URL } as never, prefix: `${prefix}bull` });
    let holders: Map<string, number>; // execution → pid of the worker running it
    try {
      const active = await poll(
        () => queue.getActive(),
        (a) => a.filter((j) => executionOfJob.has(j.data.jobId) && j.processedBy).length === RUNS,
        10_000,
      );
      holders = new Map(active.filter((j) => executionOfJob.has(j.data.jobId)).map((j) => [executionOfJob.get(j.data.jobId)!, Number(j.processedBy!.split(":").pop())]));
    } finally {
      await queue.close();
    }
    // Shared: no worker runs more than CONCURRENCY jobs, so RUNS > CONCURRENCY running at once
    // are held by at least two worker processes (one worker alone would leave a run waiting).
    const pids = new Set(holders.values());
    expect(pids.size).toBeGreaterThanOrEqual(2);
    for (const pid of pids) expect(procs.find((p) => p.child.pid === pid)?.name).toMatch(/^worker/);

    const victimPid = holders.get(runs[0]!)!;
    const victim = procs.find((p) => p.child.pid === victimPid)!;
    const killed = runs.filter((id) => holders.get(id) === victimPid);
    const others = runs.filter((id) => holders.get(id) !== victimPid);
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    await cancelAll(others); // their runs end at the connect timeout, cancelled

    // The stalled check hands the dead worker's jobs to a live one, which fails them
    // (pipeline runs have one attempt).
    await poll(() => executions(killed), (r) => r.every((e) => e.jobStatus === "failed"), STALLED_MS * 4 + 5000);
    expect(Date.now() - killedAt).toBeLessThan(STALLED_MS * 4 + 5000);
    const ended = await poll(() => executions(others), (r) => r.every((e) => !["pending", "running"].includes(e.status)), 20_000);
    expect(ended.map((e) => e.status)).toEqual(others.map(() => "cancelled"));

    // The dead runs hold no slot of the pipeline's limit: RUNS new runs start (the limit
    // reconciles them; it used to count them as running until someone read them).
    const again = await execute(RUNS);
    await cancelAll(again);

    // Read back: failed, saying why, never running.
    for (const id of killed) {
      const read = await api(web1, "GET", `/executions/${id}`, undefined, token);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id, status: "failed", completed_at: expect.any(String) });
      expect(read.body.error_message).toMatch(/worker running it stopped/);
    }
    // The new runs end too (cancelled, or failed at the connect timeout), so none outlives the test.
    await poll(() => executions(again), (r) => r.every((e) => !["pending", "running"].includes(e.status)), 20_000);
  }, 120_000);

  it("retries or fails a job whose worker was killed mid-run, within the stall interval", async () => {
    const port = (blackHole.address() as AddressInfo).port;
    const ds = await api(web1, "POST", "/datasources", { name: "Black hole", type: "postgres", host: "127.0.0.1", port, database: "none", username: "nobody" }, token);
    expect(ds.status).toBe(201);
    const sync = await api(web2, "POST", `/databases/${ds.body.id}/sync-schema`, undefined, token);
    expect(sync.status).toBeLessThan(300);
    const jobId = sync.body.job_id as string;
    await poll(() => appDb(async (c) => (await c.query(`SELECT status FROM "Job" WHERE id = $1`, [jobId])).rows[0]?.status), (s) => s === "running", 15_000);
    // Which worker holds it: BullMQ records the worker's name (host:pid) on the job.
    const { Queue } = await import("bullmq");
    const queue = new Queue("jobs", { connection: { url: TEST_REDIS_URL } as never, prefix: `${prefix}bull` });
    const active = await poll(() => queue.getActive(), (a) => a.some((j) => j.data.jobId === jobId && j.processedBy), 10_000);
    const pid = Number(active.find((j) => j.data.jobId === jobId)!.processedBy!.split(":").pop());
    await queue.close();
    const victim = procs.find((p) => p.child.pid === pid);
    expect(victim?.name).toMatch(/^worker/);
    victim!.child.kill("SIGKILL");
    const killedAt = Date.now();
    const after = await poll(
      () => appDb(async (c) => (await c.query(`SELECT status, attempts FROM "Job" WHERE id = $1`, [jobId])).rows[0]),
      (row) => row.attempts >= 2 || row.status === "failed",
      STALLED_MS * 4 + 5000,
    );
    expect(Date.now() - killedAt).toBeLessThan(STALLED_MS * 4 + 5000);
    // Running again on the surviving worker (second attempt), or failed; never left running as attempt 1.
    expect(after.attempts >= 2 || after.status === "failed").toBe(true);
  }, 60_000);

  it("lists the live workers, queue depth and failed jobs in /admin/system/status", async () => {
    const status = await api(web1, "GET", "/admin/system/status", undefined, token);
    expect(status.status).toBe(200);
    expect(status.body.database.provider).toBe("postgresql");
    expect(status.body.jobs).toMatchObject({ backend: "bullmq", status: "ok", error: null });
    expect(status.body.redis).toMatchObject({ configured: true, status: "ok", error: null });
    expect(status.body.redis.latency_ms).toBeGreaterThan(0);
    // Three workers started; the tests before killed two (Redis drops their connections).
    const live = procs.filter((p) => p.name.startsWith("worker") && p.child.exitCode === null && p.child.signalCode === null).length;
    expect(live).toBe(1);
    expect(status.body.jobs.workers.length).toBe(live);
    expect(status.body.jobs.queue_depth).toEqual(expect.objectContaining({ waiting: expect.any(Number), delayed: expect.any(Number), running: expect.any(Number) }));
  });
});
