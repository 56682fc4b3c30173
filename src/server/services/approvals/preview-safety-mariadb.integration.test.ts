import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { approvalCount, approvalPeople, approve, approveUnpreviewable, commit, fileRequest, submitSql } from "@/test/approval-safety";
import { serviceAvailable, services } from "@/test/services";

/**
 * "Nothing reaches the target database before its commit" on a real MariaDB, in a
 * database of its own: tables whose engine keeps writes through a rollback (MyISAM,
 * Aria, MEMORY, CSV) and InnoDB tables with triggers or stored functions are approved
 * without running; statements that touch server files are refused outright.
 */
const available = await serviceAvailable("mariadb");
const database = `quarry_preview_${randomBytes(4).toString("hex")}`;
let dataSourceId = "";
let people: Awaited<ReturnType<typeof approvalPeople>>;

async function query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const c = await mysql.createConnection({ ...services.mariadb, database });
  try {
    const [rows] = await c.query(sql);
    return rows as T[];
  } finally {
    await c.end();
  }
}
const values = async (table: string) => (await query<{ v: number }>(`SELECT v FROM ${table} ORDER BY id`)).map((r) => Number(r.v));
const auditCount = async () => Number((await query<{ n: number }>("SELECT COUNT(*) AS n FROM audit"))[0]!.n);

const NON_TRANSACTIONAL = ["MyISAM", "Aria", "MEMORY"];

describe.skipIf(!available)("approval previews on MariaDB never run what a rollback cannot undo", () => {
  beforeAll(async () => {
    const c = await mysql.createConnection(services.mariadb);
    await c.query(`CREATE DATABASE ${database}`);
    await c.end();
    for (const engine of NON_TRANSACTIONAL) {
      await query(`CREATE TABLE t_${engine.toLowerCase()} (id INT NOT NULL PRIMARY KEY, v INT NOT NULL) ENGINE=${engine}`);
      await query(`INSERT INTO t_${engine.toLowerCase()} VALUES (1, 1), (2, 2)`);
    }
    await query("CREATE TABLE t_csv (id INT NOT NULL, v INT NOT NULL) ENGINE=CSV");
    await query("INSERT INTO t_csv VALUES (1, 1)");
    await query("CREATE TABLE audit (note VARCHAR(100)) ENGINE=InnoDB");
    await query("CREATE TABLE watched (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
    await query("INSERT INTO watched VALUES (1, 1)");
    await query("CREATE TRIGGER watched_audit AFTER UPDATE ON watched FOR EACH ROW INSERT INTO audit VALUES ('trigger')");
    await query("CREATE FUNCTION sf_audit(x INT) RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO audit VALUES ('function'); RETURN x; END");
    await query("CREATE TABLE plain (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
    await query("INSERT INTO plain VALUES (1, 1), (2, 2)");
    const { host, port, user } = services.mariadb;
    dataSourceId = (await db.dataSource.create({ data: { name: `my-preview-${database}`, engine: "mysql", host, port, database, username: user } })).id;
  }, 60_000);

  afterAll(async () => {
    const c = await mysql.createConnection(services.mariadb);
    await c.query(`DROP DATABASE IF EXISTS ${database}`);
    await c.end();
  }, 60_000);

  beforeEach(async () => {
    people = await approvalPeople(dataSourceId);
  });

  it.each(NON_TRANSACTIONAL)("an UPDATE of a %s table is approved without running, shows EXPLAIN, and changes only at commit", async (engine) => {
    const table = `t_${engine.toLowerCase()}`;
    const { id, view } = await approveUnpreviewable(people.requester, people.approver, dataSourceId, `UPDATE ${table} SET v = v + 10 WHERE id = 1`, new RegExp(engine, "i"));
    expect(view.explain).toBeTruthy();
    expect(await values(table)).toEqual([1, 2]);
    const done = await commit(people.approver, id);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.row_count).toBe(1);
    expect(await values(table)).toEqual([11, 2]);
  });

  it("CSV tables, triggers and stored functions are not previewed, and nothing is written", async () => {
    await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE t_csv SET v = 9 WHERE id = 1", /CSV/);
    await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE watched SET v = 2 WHERE id = 1", /trigger/);
    const fn = await approveUnpreviewable(people.requester, people.approver, dataSourceId, "UPDATE plain SET v = sf_audit(v) WHERE id = 1", /sf_audit/);
    expect(fn.view.explain).toBeNull();
    expect(await auditCount()).toBe(0);
    expect(await values("t_csv")).toEqual([1]);
    expect(await values("watched")).toEqual([1]);
    expect((await commit(people.approver, fn.id)).status).toBe(200);
    expect(await auditCount()).toBe(1);
  });

  it("refuses statements that read or write server files, for every user, and files nothing", async () => {
    const count = await approvalCount(dataSourceId);
    for (const sql of [
      `SELECT * FROM plain INTO OUTFILE '/tmp/${database}.csv'`,
      `SELECT v FROM plain LIMIT 1 INTO DUMPFILE '/tmp/${database}.bin'`,
      `LOAD DATA INFILE '/tmp/${database}.csv' INTO TABLE plain`,
      `LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE audit`,
      "UPDATE plain SET v = LENGTH(LOAD_FILE('/etc/hostname')) WHERE id = 1",
      "INSERT INTO audit SELECT LOAD_FILE('/etc/passwd')",
    ]) {
      for (const who of [people.requester, people.both, people.reader]) {
        const res = await submitSql(who, dataSourceId, sql);
        expect(res.status, `${sql} → ${JSON.stringify(res.body)}`).toBe(403);
      }
    }
    expect(await approvalCount(dataSourceId)).toBe(count);
    expect(await values("plain")).toEqual([1, 2]);
  });

  it("a plain InnoDB UPDATE still previews with before and after rows", async () => {
    const id = await fileRequest(people.requester, dataSourceId, "UPDATE plain SET v = v * 3 WHERE id = 2");
    const view = (await approve(people.approver, id)).body.approval;
    expect(view.preview_unavailable_reason).toBeNull();
    expect(view.preview.affected_rows).toBe(1);
    expect(view.preview.after.map((r: { v: number }) => Number(r.v))).toEqual([6]);
    expect(await values("plain")).toEqual([1, 2]);
  });
});
