import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable, services } from "../../../test/services";
import { AppError } from "../../errors";
import { createConnector } from "../registry";
import type { ConnectionConfig, Connector, RunOptions } from "../types";
import { createMysqlConnector } from "./index";
import { globalPrivilegeRisks } from "./privileges";

/**
 * The connector alone (no gateway): what one user leaves on a pooled MySQL/MariaDB
 * session never reaches the next, and risky logins are reported.
 */
const available = await serviceAvailable("mariadb");
const svc = services.mariadb;
const suffix = randomBytes(5).toString("hex");
const dbName = `quarry_sess_${suffix}`;
const plainUser = `qplain_${suffix}`;
const fileUser = `qfile_${suffix}`;
const base: ConnectionConfig = { engine: "mysql", host: svc.host, port: svc.port, database: dbName, username: svc.user, password: svc.password || undefined };
const read = (): RunOptions => ({ maxRows: 100, timeoutMs: 10_000, readOnly: true });
const write = (): RunOptions => ({ maxRows: 100, timeoutMs: 10_000, readOnly: false });
const opened: Connector[] = [];
let root: mysql.Connection;

function connector(extra: Partial<ConnectionConfig> = {}): Connector {
  const c = createMysqlConnector({ ...base, options: { poolMax: 1 }, ...extra });
  opened.push(c);
  return c;
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const one = async (c: Connector, sql: string) => (await c.run(sql, read())).rows[0]!;

async function sessionState(c: Connector) {
  return one(
    c,
    `SELECT CONNECTION_ID() AS id, @leak AS leak, @from_read AS from_read, @@SESSION.sql_mode AS sql_mode,
            @@SESSION.max_statement_time AS max_statement_time,
            IS_USED_LOCK('quarry_leak') AS lock_a, IS_USED_LOCK('quarry_read_lock') AS lock_b,
            CURRENT_ROLE() AS role`,
  );
}

/** Temp tables and prepared statements cannot be listed on MariaDB 10.11, so they are used. */
async function expectGone(c: Connector) {
  expect((await failure(c.run("SELECT * FROM leak_tmp", read()))).message).toMatch(/doesn't exist/);
  expect((await failure(c.run("EXECUTE leak_stmt", read()))).message).toMatch(/unknown prepared statement/i);
}

describe.skipIf(!available)("mysql/mariadb session reset and login checks", () => {
  beforeAll(async () => {
    root = await mysql.createConnection({ ...svc });
    await root.query(`CREATE DATABASE ${dbName}`);
    await root.query(`CREATE TABLE ${dbName}.notes (id int PRIMARY KEY, body text) ENGINE=InnoDB`);
    await root.query(`INSERT INTO ${dbName}.notes VALUES (1, 'hello')`);
    await root.query(`CREATE USER '${plainUser}'@'%'`);
    await root.query(`GRANT SELECT ON ${dbName}.* TO '${plainUser}'@'%'`);
    await root.query(`CREATE USER '${fileUser}'@'%'`);
    await root.query(`GRANT FILE ON *.* TO '${fileUser}'@'%'`);
    await root.query(`GRANT SELECT ON ${dbName}.* TO '${fileUser}'@'%'`);
  });

  afterAll(async () => {
    await Promise.allSettled(opened.map((c) => c.close()));
    await root.query(`DROP DATABASE IF EXISTS ${dbName}`);
    for (const u of [plainUser, fileUser]) await root.query(`DROP USER IF EXISTS '${u}'@'%'`);
    await root.end();
  });

  it("sheds what the write path leaves: user variables, temp tables, GET_LOCK, prepared statements, session settings", async () => {
    const c = connector();
    const before = await sessionState(c);
    expect(before).toMatchObject({ leak: null, from_read: null, lock_a: null, lock_b: null });
    for (const sql of [
      "SET @leak = 'from-a'",
      "CREATE TEMPORARY TABLE leak_tmp (x int)",
      "SELECT GET_LOCK('quarry_leak', 0)",
      "PREPARE leak_stmt FROM 'SELECT 1'",
      "SET SESSION sql_mode = 'ANSI_QUOTES'",
    ]) {
      await c.run(sql, write());
    }
    const after = await sessionState(c);
    // The same pooled connection, reset rather than replaced.
    expect(after).toEqual(before);
    await expectGone(c);
    expect((await root.query("SELECT IS_USED_LOCK('quarry_leak') AS holder"))[0]).toEqual([{ holder: null }]);
  });

  it("sheds what a read, a stream and a transaction leave", async () => {
    const c = connector();
    const before = await sessionState(c);
    await c.run("SELECT GET_LOCK('quarry_read_lock', 0) AS got, @from_read := 1 AS v", read());
    expect(await sessionState(c)).toEqual(before);

    for await (const chunk of c.stream("SELECT GET_LOCK('quarry_read_lock', 0) AS got, @from_read := 2 AS v", { readOnly: true, timeoutMs: 10_000 })) {
      void chunk;
    }
    expect(await sessionState(c)).toEqual(before);

    await c.transaction(async (tx) => {
      await tx.run("SET @leak = 'tx'", write());
      await tx.run("SELECT GET_LOCK('quarry_leak', 0)", write());
      await tx.run("CREATE TEMPORARY TABLE leak_tmp (x int)", write());
    });
    expect(await sessionState(c)).toEqual(before);
    await expectGone(c);
    await c.explainEstimate("SELECT * FROM notes");
    expect(await sessionState(c)).toEqual(before);
  });

  it("flags a login with ALL PRIVILEGES / SUPER / FILE on *.*, not a plain one", async () => {
    const asRoot = await connector().testConnection();
    expect(asRoot.ok).toBe(true);
    expect(asRoot.warnings).toEqual([expect.stringMatching(/^connects as a superuser: root@/)]);
    const asFile = await connector({ username: fileUser, password: undefined }).testConnection();
    expect(asFile).toMatchObject({ ok: true, warnings: [expect.stringMatching(/FILE on \*\.\*/)] });
    expect(await connector({ username: plainUser, password: undefined }).testConnection()).toMatchObject({ ok: true, warnings: [] });
  });

  it("reads SHOW GRANTS lines of both servers' spellings", () => {
    expect(globalPrivilegeRisks(["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"])).toEqual({
      superuser: true,
      risks: ["ALL PRIVILEGES", "GRANT OPTION"],
    });
    expect(globalPrivilegeRisks(["GRANT SELECT, SUPER ON *.* TO 'ops'@'%'"]).superuser).toBe(true);
    expect(globalPrivilegeRisks(["GRANT USAGE ON *.* TO `u`@`%`", "GRANT ALL PRIVILEGES ON `app`.* TO `u`@`%`"])).toEqual({ superuser: false, risks: [] });
    expect(globalPrivilegeRisks(["GRANT SELECT, FILE ON *.* TO 'x'@'%'", "GRANT `reader` TO `x`@`%`"])).toEqual({ superuser: false, risks: ["FILE"] });
  });

  it("refuses a read role: MySQL/MariaDB roles add privileges to the login instead of replacing them", () => {
    for (const engine of ["mysql", "sqlite"] as const) {
      expect(() => createConnector({ ...base, engine, readRole: "reader" })).toThrow(AppError);
    }
  });
});
