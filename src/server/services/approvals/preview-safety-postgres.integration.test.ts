import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import {
  approvalCount,
  approvalPeople,
  approve,
  approveUnpreviewable,
  commit,
  fileRequest,
  submitSql,
  trpcAs,
} from "@/test/approval-safety";
import { serviceAvailable, services } from "@/test/services";

/**
 * "Nothing reaches the target database before its commit" on a real PostgreSQL, in a
 * database of its own: shell commands and server files are refused outright, and
 * statements a rollback does not fully undo (volatile functions, sequences, triggers,
 * attribute-notation calls, foreign tables, dblink) are approved without ever running.
 */
const available = await serviceAvailable("postgres");
const suffix = randomBytes(4).toString("hex");
const database = `quarry_preview_${suffix}`;
const otherDatabase = `quarry_preview_other_${suffix}`;
const marker = `/tmp/quarry-copy-program-${suffix}`;
let dataSourceId = "";
let people: Awaited<ReturnType<typeof approvalPeople>>;

async function withClient<T>(name: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ ...services.postgres, database: name });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const query = async (sql: string) => withClient(database, async (c) => (await c.query(sql)).rows);
const balances = async () => (await query("SELECT balance FROM accounts ORDER BY id")).map((r) => Number(r.balance));
const auditCount = async () => Number((await query("SELECT count(*) AS n FROM audit"))[0].n);
const sequenceState = async () => (await query("SELECT last_value, is_called FROM counter"))[0];

describe.skipIf(!available)("approval previews on PostgreSQL never run what a rollback cannot undo", () => {
  beforeAll(async () => {
    await withClient("postgres", async (c) => {
      await c.query(`CREATE DATABASE ${database}`);
      await c.query(`CREATE DATABASE ${otherDatabase}`);
    });
    await withClient(otherDatabase, (c) => c.query("CREATE TABLE remote_log (note text)"));
    await withClient(database, async (c) => {
      await c.query(`
        CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance int NOT NULL);
        INSERT INTO accounts SELECT g, 'owner' || g, 100 FROM generate_series(1, 5) g;
        CREATE TABLE audit (id serial PRIMARY KEY, note text);
        CREATE SEQUENCE counter;
        CREATE FUNCTION audit_touch(v int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (note) VALUES ('touch ' || v); RETURN v; END $$;
        CREATE FUNCTION audit_row(a accounts) RETURNS text LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (note) VALUES ('row ' || a.id); RETURN a.owner; END $$;
        CREATE TABLE watched (id int PRIMARY KEY, v int NOT NULL);
        INSERT INTO watched VALUES (1, 1);
        CREATE FUNCTION watched_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (note) VALUES ('trigger'); RETURN NEW; END $$;
        CREATE TRIGGER watched_audit AFTER UPDATE ON watched FOR EACH ROW EXECUTE FUNCTION watched_audit();
        CREATE TABLE events (id serial PRIMARY KEY, note text);
        CREATE FUNCTION audit_check(v int) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (note) VALUES ('check'); RETURN true; END $$;
        CREATE TABLE checked (id int PRIMARY KEY, v int NOT NULL CHECK (audit_check(v)));
        INSERT INTO checked VALUES (1, 1);
        TRUNCATE audit;
        CREATE EXTENSION IF NOT EXISTS dblink;
        CREATE EXTENSION IF NOT EXISTS postgres_fdw;
        CREATE SERVER other_server FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname '${otherDatabase}', host '${services.postgres.host}', port '${services.postgres.port}');
        CREATE USER MAPPING FOR CURRENT_USER SERVER other_server OPTIONS (user '${services.postgres.user}');
        CREATE FOREIGN TABLE remote_log (note text) SERVER other_server;
      `);
    });
    const { host, port, user } = services.postgres;
    dataSourceId = (await db.dataSource.create({ data: { name: `pg-preview-${suffix}`, engine: "postgres", host, port, database, username: user } })).id;
  }, 60_000);

  afterAll(async () => {
    await withClient("postgres", async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.query(`DROP DATABASE IF EXISTS ${otherDatabase} WITH (FORCE)`);
    });
  }, 60_000);

  beforeEach(async () => {
    people = await approvalPeople(dataSourceId);
  });

  it("refuses COPY ... PROGRAM and server-file COPY on every path, for readers and writers, and the command never runs", async () => {
    const count = await approvalCount(dataSourceId);
    const attempts = [
      `COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`,
      `copy accounts to program 'touch ${marker}'`,
      `COPY accounts FROM PROGRAM 'touch ${marker}'`,
      `COPY accounts TO '${marker}'`,
      `COPY accounts FROM '/etc/hostname'`,
      `DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch ${marker}'''; END $$`,
      `UPDATE accounts SET owner = query_to_xml('COPY (SELECT 1) TO PROGRAM ''touch ${marker}''', true, true, '')::text WHERE id = 1`,
      `SELECT pg_read_file('/etc/hostname')`,
    ];
    for (const sql of attempts) {
      for (const who of [people.requester, people.both, people.reader]) {
        const res = await submitSql(who, dataSourceId, sql);
        expect(res.status, `${sql} → ${JSON.stringify(res.body)}`).toBe(403);
        expect(JSON.stringify(res.body)).toMatch(/outside the database/);
      }
    }
    expect(await approvalCount(dataSourceId)).toBe(count);
    expect(existsSync(marker)).toBe(false);
    // A request tampered into a COPY after approval is refused at commit too.
    const id = await fileRequest(people.requester, dataSourceId, "UPDATE accounts SET balance = balance WHERE id = 1");
    await approve(people.approver, id);
    await db.approvalRequest.update({ where: { id }, data: { sql: `COPY (SELECT 1) TO PROGRAM 'touch ${marker}'` } });
    expect((await commit(people.approver, id)).status).toBeGreaterThanOrEqual(400);
    expect(existsSync(marker)).toBe(false);
  });

  it("an UPDATE calling a volatile function that writes elsewhere is approved without running; commit runs it once", async () => {
    const before = await balances();
    const { id } = await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE accounts SET balance = audit_touch(balance + 1) WHERE id = 1", /audit_touch/);
    await (await trpcAs(people.approver)).approvals.preview({ id });
    expect(await auditCount()).toBe(0);
    expect(await balances()).toEqual(before);
    expect((await commit(people.approver, id)).status).toBe(200);
    expect(await auditCount()).toBe(1);
    expect((await balances())[0]).toBe(before[0]! + 1);
    await query("TRUNCATE audit");
  });

  it("nextval and sequence-backed defaults are never previewed, so no sequence advances", async () => {
    const seq = await sequenceState();
    const events = await query("SELECT last_value, is_called FROM events_id_seq");
    await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE accounts SET balance = nextval('counter') WHERE id = 2", /nextval/);
    await approveUnpreviewable(people.requester, people.approver, dataSourceId, "INSERT INTO events (note) VALUES ('x')", /events_id_seq|default/);
    expect(await sequenceState()).toEqual(seq);
    expect(await query("SELECT last_value, is_called FROM events_id_seq")).toEqual(events);
    expect(await query("SELECT * FROM events")).toEqual([]);
  });

  it("triggers, attribute-notation calls, foreign tables and dblink are not previewed, and nothing is written anywhere", async () => {
    const before = await balances();
    await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE watched SET v = v + 1 WHERE id = 1", /trigger/);
    await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE accounts a SET owner = a.audit_row WHERE a.id = 3", /audit_row/);
    await approveUnpreviewable(people.requester, people.approver, dataSourceId, "INSERT INTO remote_log (note) VALUES ('through fdw')", /foreign/);
    await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE checked SET v = 2 WHERE id = 1", /audit_check/);
    await approveUnpreviewable(
      people.requester,
      people.approver,
      dataSourceId,
      `UPDATE accounts SET owner = dblink_exec('dbname=${otherDatabase}', 'INSERT INTO remote_log VALUES (''dblink'')') WHERE id = 4`,
      /dblink_exec|parser/,
    );
    expect(await auditCount()).toBe(0);
    expect(await balances()).toEqual(before);
    expect((await query("SELECT v FROM watched"))[0].v).toBe(1);
    expect((await query("SELECT v FROM checked"))[0].v).toBe(1);
    expect(await withClient(otherDatabase, async (c) => (await c.query("SELECT * FROM remote_log")).rows)).toEqual([]);
  });

  it("shows the planner's EXPLAIN for a statement held back only by its storage, and none where planning could run code", async () => {
    const trigger = await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE watched SET v = 5 WHERE id = 1", /trigger/);
    expect(trigger.view.explain).toMatch(/Update on watched/);
    const fn = await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE accounts SET balance = audit_touch(1) WHERE id = 5", /audit_touch/);
    expect(fn.view.explain).toBeNull();
    expect(await auditCount()).toBe(0);
  });

  it("a plain UPDATE of a transactional table still previews with before and after rows", async () => {
    const before = await balances();
    const id = await fileRequest(people.requester, dataSourceId, "UPDATE accounts SET balance = balance * 2, owner = upper(owner) WHERE id IN (1, 2)");
    const view = (await approve(people.approver, id)).body.approval;
    expect(view.preview_unavailable_reason).toBeNull();
    expect(view.preview.affected_rows).toBe(2);
    expect(view.preview.after.map((r: { owner: string }) => r.owner)).toEqual(["OWNER1", "OWNER2"]);
    expect(await balances()).toEqual(before);
    await expect((await trpcAs(people.requester)).approvals.preview({ id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
