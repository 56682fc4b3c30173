import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { INTERRUPTED_COMMIT, INTERRUPTED_REVERT, retryApproval } from "@/server/services/approvals/recovery";
import { toSessionUser } from "@/server/services/auth/session";
import { grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { serviceAvailable, services } from "@/test/services";
import { reconcileInterruptedWork, SERVER_RESTARTED } from "./reconcile";

/**
 * Crash recovery for real: a child process running Quarry's own services starts a read
 * (or a commit) that blocks on a lock this test holds, is killed with SIGKILL while its
 * run is `running` (or its request `executing`), and the start-up reconciliation then
 * has to leave every record in a state with a way out.
 */
const available = await serviceAvailable("postgres");
const table = `crash_${randomBytes(4).toString("hex")}`;
const childScript = path.resolve("src/test/crash-child.mjs");
let dataSourceId = "";
let locker: pg.Client;
const children: ChildProcess[] = [];

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the child, waits for `ready(...)` in the app database, then SIGKILLs it. */
async function crashWhile<T>(args: string[], ready: () => Promise<T | null | undefined>): Promise<T> {
  const child = fork(childScript, args, { stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env } });
  children.push(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  const state = await until("the child to start its work", async () => {
    if (child.exitCode !== null) throw new Error(`the child exited early (${child.exitCode})`);
    return ready();
  }, 90_000);
  // Blocked on the lock: the work is really in flight in the child when it dies.
  await until("the child's statement to wait on the lock", () => blockedBackends().then((n) => n > 0));
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  return state;
}

async function blockedBackends(): Promise<number> {
  // Not on `locker`: inside its transaction, pg_stat_activity is a frozen snapshot.
  const probe = new pg.Client(services.postgres);
  await probe.connect();
  const res = await probe.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE $1 AND pid <> pg_backend_pid()`,
    [`%${table}%`],
  ).finally(() => probe.end());
  return res.rows[0].n;
}

async function balances(): Promise<number[]> {
  const c = new pg.Client(services.postgres);
  await c.connect();
  try {
    return (await c.query(`SELECT balance FROM ${table} ORDER BY id`)).rows.map((r) => Number(r.balance));
  } finally {
    await c.end();
  }
}

describe.skipIf(!available)("start-up reconciliation after a crash", () => {
  beforeAll(async () => {
    locker = new pg.Client(services.postgres);
    await locker.connect();
    await locker.query(`CREATE TABLE ${table} (id int PRIMARY KEY, balance int NOT NULL)`);
    await locker.query(`INSERT INTO ${table} SELECT g, 100 FROM generate_series(1, 3) g`);
    const { host, port, user, database } = services.postgres;
    dataSourceId = (await db.dataSource.create({ data: { name: `pg-${table}`, engine: "postgres", host, port, database, username: user } })).id;
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await locker.query("ROLLBACK").catch(() => {});
    await locker.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE $1 AND pid <> pg_backend_pid()`, [`%${table}%`]);
    await locker.query(`DROP TABLE IF EXISTS ${table}`);
    await locker.end();
  });

  it("fails a read whose process was killed mid-query, and its history entry can be deleted", async () => {
    const reader = await signedInUser("analyst");
    await grant(reader.user.id, dataSourceId, { canRead: true });
    await locker.query(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    let runId: string;
    try {
      ({ id: runId } = await crashWhile(["query", reader.user.id, dataSourceId, `SELECT id, balance FROM ${table}`], () =>
        db.queryRun.findFirst({ where: { userId: reader.user.id, status: "running", source: "crash-test" } }),
      ));
    } finally {
      await locker.query("ROLLBACK");
    }
    // What the dead process left: a run that nothing in any process will finish.
    expect((await db.queryRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("running");

    const reconciled = await reconcileInterruptedWork();
    expect(reconciled.runs).toBeGreaterThanOrEqual(1);
    const run = await db.queryRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "failed", error: SERVER_RESTARTED });
    expect(run.finishedAt).toBeInstanceOf(Date);
    // Idempotent: a second start finds nothing left to do.
    expect(await reconcileInterruptedWork()).toEqual({ runs: 0, commits: 0, reverts: 0 });

    const shown = await rest("GET", `/queries/${runId}`, { token: reader.token });
    expect(shown.body).toMatchObject({ status: "failed", error: SERVER_RESTARTED });
    expect((await rest("GET", `/queries/${runId}/results`, { token: reader.token })).status).toBe(404);
    expect((await rest("DELETE", `/queries/${runId}`, { token: reader.token })).status).toBe(200);
    expect((await rest("GET", `/queries/${runId}`, { token: reader.token })).status).toBe(404);
  }, 180_000);

  it("fails a commit whose process was killed mid-statement, with a note; the target is unchanged, and retry or discard work", async () => {
    const requester = await signedInUser("analyst");
    const approver = await signedInUser("developer");
    await grant(requester.user.id, dataSourceId, { canRead: true, canWrite: true });
    await grant(approver.user.id, dataSourceId, { canRead: true, canApprove: true });
    const before = await balances();
    const submit = async () => {
      const id = (await rest("POST", "/queries", { token: requester.token, body: { data_source_id: dataSourceId, query_text: `UPDATE ${table} SET balance = balance + 5 WHERE id = 1` } })).body.approval_id;
      expect((await rest("POST", `/approvals/${id}/review`, { token: approver.token, body: { decision: "approved" } })).body.status).toBe("approved");
      return id as string;
    };
    const crashed = await submit();
    const discarded = await submit();

    await locker.query(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    try {
      await crashWhile(["commit", approver.user.id, crashed], () => db.approvalRequest.findFirst({ where: { id: crashed, status: "executing" } }));
      // While it says executing, nothing can move it: exactly the stuck state reconciliation ends.
      expect((await rest("POST", `/transactions/${crashed}/commit`, { token: approver.token })).status).toBe(409);
      expect((await rest("POST", `/transactions/${crashed}/rollback`, { token: approver.token })).status).toBe(409);
    } finally {
      await locker.query("ROLLBACK");
    }
    // The dead client's transaction never committed: its backend ends once it can run.
    await until("the killed commit's backend to go", () => blockedBackends().then((n) => n === 0));
    await new Promise((r) => setTimeout(r, 500));
    expect(await balances()).toEqual(before);

    expect((await reconcileInterruptedWork()).commits).toBe(1);
    const failed = await rest("GET", `/approvals/${crashed}`, { token: approver.token });
    expect(failed.body).toMatchObject({ status: "failed", error: INTERRUPTED_COMMIT });

    // Failed is not committable as such; the requester cannot retry (an approver's call) …
    expect((await rest("POST", `/transactions/${crashed}/commit`, { token: approver.token })).status).toBe(409);
    await expect(retryApproval(toSessionUser(requester.user), crashed)).rejects.toMatchObject({ code: "FORBIDDEN" });
    // … an approver who checked the target retries, and the commit then runs exactly once.
    expect((await retryApproval(toSessionUser(approver.user), crashed)).status).toBe("approved");
    const commit = await rest("POST", `/transactions/${crashed}/commit`, { token: approver.token });
    expect(commit.status).toBe(200);
    expect(commit.body.row_count).toBe(1);
    expect((await balances())[0]).toBe(before[0]! + 5);

    // The other way out: a failed request is discarded.
    await db.approvalRequest.update({ where: { id: discarded }, data: { status: "executing" } });
    await reconcileInterruptedWork();
    const rolled = await rest("POST", `/transactions/${discarded}/rollback`, { token: requester.token });
    expect(rolled.status).toBe(200);
    expect(rolled.body.status).toBe("rolled_back");
    expect((await balances())[0]).toBe(before[0]! + 5);
  }, 240_000);

  it("puts a request left reverting back to executed, with a note, so it can be reverted again", async () => {
    const requester = await signedInUser("analyst");
    const approval = await db.approvalRequest.create({
      data: {
        dataSourceId, requestedById: requester.user.id, sql: `DELETE FROM ${table} WHERE id = 3`, kind: "write", operation: "DELETE",
        status: "reverting", backupTable: "quarry_backup_x", executedAt: new Date(),
      },
    });
    expect((await reconcileInterruptedWork()).reverts).toBe(1);
    expect(await db.approvalRequest.findUniqueOrThrow({ where: { id: approval.id } })).toMatchObject({ status: "executed", error: INTERRUPTED_REVERT });
  });
});
