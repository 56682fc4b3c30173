import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable, services } from "../../../test/services";
import { AppError } from "../../errors";
import type { ConnectionConfig, Connector, RunOptions, StreamChunk } from "../types";
import { createPostgresConnector } from "./index";

/**
 * Defence in depth on the connector alone (no gateway, no SQL analysis): what one
 * user leaves on a pooled session never reaches the next, and a read role bounds
 * what a read can do even where the read-only transaction does not.
 */
const available = await serviceAvailable("postgres");
const svc = services.postgres;
const suffix = randomBytes(5).toString("hex");
const dbName = `quarry_sess_${suffix}`;
const ownerLogin = `quarry_owner_${suffix}`;
const readerRole = `quarry_reader_${suffix}`;
const plainLogin = `quarry_plain_${suffix}`;
const filesLogin = `quarry_files_${suffix}`;
const base = { engine: "postgres" as const, host: svc.host, port: svc.port, database: dbName, password: svc.password || undefined };
const singleSession = { poolMax: 1 };
const read = (extra: Partial<RunOptions> = {}): RunOptions => ({ maxRows: 100, timeoutMs: 10_000, readOnly: true, ...extra });
const write = (): RunOptions => ({ maxRows: 100, timeoutMs: 10_000, readOnly: false });
const admin = (database: string) => new pg.Client({ ...svc, database });

let direct: pg.Client;
let dblink = false;
const opened: Connector[] = [];

function connectorAs(username: string, extra: Partial<ConnectionConfig> = {}): Connector {
  const c = createPostgresConnector({ ...base, username, options: singleSession, ...extra });
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

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const one = async (c: Connector, sql: string) => (await c.run(sql, read())).rows[0]!;

/** Everything a session could carry over, as seen by the next read. */
async function sessionState(c: Connector) {
  return one(
    c,
    `SELECT pg_backend_pid() AS pid,
            NULLIF(current_setting('quarry.leak', true), '') AS setting,
            current_setting('search_path') AS search_path,
            current_setting('work_mem') AS work_mem,
            current_user::text AS "user",
            current_setting('transaction_read_only') AS read_only,
            (SELECT count(*)::int FROM pg_class WHERE relnamespace = pg_my_temp_schema()) AS temp_tables,
            (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS advisory_locks,
            (SELECT count(*)::int FROM pg_prepared_statements) AS prepared,
            (SELECT count(*)::int FROM pg_cursors WHERE is_holdable) AS held_cursors,
            (SELECT count(*)::int FROM pg_listening_channels()) AS listening,
            ${dblink ? "dblink_get_connections()" : "NULL::text[]"} AS dblink_named`,
  );
}

const clean = (login: string) => ({
  setting: null,
  user: login,
  read_only: "on",
  temp_tables: 0,
  advisory_locks: 0,
  prepared: 0,
  held_cursors: 0,
  listening: 0,
  dblink_named: null,
});

async function expectNoUnnamedDblink(c: Connector) {
  if (!dblink) return;
  const err = await failure(c.run("SELECT * FROM dblink('SELECT 1') AS t(x int)", read()));
  expect(err.message).toMatch(/connection not available/i);
}

describe.skipIf(!available)("postgres session reset and read role", () => {
  beforeAll(async () => {
    const root = admin(svc.database);
    await root.connect();
    await root.query(`CREATE DATABASE ${dbName}`);
    await root.query(`CREATE ROLE ${ownerLogin} LOGIN`);
    await root.query(`CREATE ROLE ${readerRole} NOLOGIN`);
    await root.query(`CREATE ROLE ${plainLogin} LOGIN`);
    await root.query(`CREATE ROLE ${filesLogin} LOGIN IN ROLE pg_read_server_files`);
    await root.query(`GRANT ${readerRole} TO ${ownerLogin}`);
    await root.end();
    direct = admin(dbName);
    await direct.connect();
    dblink = await direct.query("CREATE EXTENSION dblink").then(
      () => true,
      () => false,
    );
    await direct.query(`
      CREATE TABLE public_notes (id int PRIMARY KEY, body text);
      INSERT INTO public_notes VALUES (1, 'hello');
      CREATE TABLE secret_notes (id int PRIMARY KEY, body text);
      INSERT INTO secret_notes VALUES (1, 'owner only');
      CREATE TABLE written (id serial PRIMARY KEY, note text);
      ALTER TABLE public_notes OWNER TO ${ownerLogin};
      ALTER TABLE secret_notes OWNER TO ${ownerLogin};
      ALTER TABLE written OWNER TO ${ownerLogin};
      GRANT USAGE ON SCHEMA public TO ${readerRole};
      GRANT SELECT ON public_notes TO ${readerRole};
      GRANT CREATE ON SCHEMA public TO ${ownerLogin};
    `);
    if (dblink) {
      // A write the read-only transaction cannot stop: it happens on another connection.
      await direct.query(`
        CREATE FUNCTION remote_write(note text) RETURNS text LANGUAGE sql SECURITY DEFINER AS $$
          SELECT dblink_exec('dbname=${dbName} user=${svc.user}', format('INSERT INTO written (note) VALUES (%L)', note))
        $$;
        REVOKE ALL ON FUNCTION remote_write(text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION remote_write(text) TO ${ownerLogin};
      `);
    } else {
      console.warn("[note] dblink is not available on this server: the dblink cases are not covered here");
    }
  });

  afterAll(async () => {
    await Promise.allSettled(opened.map((c) => c.close()));
    await direct?.end();
    const root = admin(svc.database);
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    for (const role of [ownerLogin, readerRole, plainLogin, filesLogin]) await root.query(`DROP ROLE IF EXISTS ${role}`);
    await root.end();
  });

  describe("session state across users (one pooled session)", () => {
    it("sheds what the write path leaves: settings, temp tables, locks, prepared statements, cursors, LISTEN, SET ROLE, dblink", async () => {
      const c = connectorAs(svc.user);
      const before = await sessionState(c);
      expect(before).toMatchObject(clean(svc.user));
      // User A: every statement on the write path runs outside a transaction, so all of it would persist.
      for (const sql of [
        "SELECT set_config('quarry.leak', 'from-a', false)",
        "SET search_path = pg_catalog",
        "SET work_mem = '64MB'",
        "CREATE TEMP TABLE leak_tmp AS SELECT 1 AS x",
        "SELECT pg_advisory_lock(4242)",
        "SELECT pg_advisory_lock_shared(4243)",
        "PREPARE leak_stmt AS SELECT 1",
        "DECLARE leak_cursor CURSOR WITH HOLD FOR SELECT 1",
        "LISTEN leak_channel",
      ]) {
        await c.run(sql, write());
      }
      if (dblink) {
        await c.run(`SELECT public.dblink_connect('leak', 'dbname=${dbName} user=${svc.user}')`, write());
        await c.run(`SELECT public.dblink_connect('dbname=${dbName} user=${svc.user}')`, write());
      }
      await c.run(`SET ROLE ${readerRole}`, write());
      // Left open, it would turn the next BEGIN READ ONLY into a warning inside a writable transaction.
      await c.run("BEGIN", write());
      // User B, next read on the same session.
      expect(await sessionState(c)).toEqual(before);
      await expectNoUnnamedDblink(c);
    });

    it("sheds what a read leaves that a rollback does not undo: advisory locks, prepared statements, dblink", async () => {
      const c = connectorAs(svc.user);
      const before = await sessionState(c);
      await c.run("SELECT pg_advisory_lock(7), pg_try_advisory_lock(8)", read());
      await c.run("PREPARE read_stmt AS SELECT 1", read());
      if (dblink) {
        await c.run(`SELECT dblink_connect('from_read', 'dbname=${dbName} user=${svc.user}')`, read());
        await c.run(`SELECT dblink_connect('dbname=${dbName} user=${svc.user}')`, read());
      }
      expect(await sessionState(c)).toEqual(before);
      await expectNoUnnamedDblink(c);
    });

    it("sheds state left by a transaction, a stream, an export and an EXPLAIN", async () => {
      const c = connectorAs(svc.user);
      const before = await sessionState(c);
      expect(before).toMatchObject(clean(svc.user));
      await c.transaction(async (tx) => {
        await tx.run("SELECT pg_advisory_lock(11), set_config('quarry.leak', 'tx', false)", write());
        await tx.run("CREATE TEMP TABLE tx_tmp (x int) ON COMMIT PRESERVE ROWS", write());
      });
      expect(await sessionState(c)).toEqual(before);

      const link = dblink ? `, dblink_connect('from_stream', 'dbname=${dbName} user=${svc.user}')` : "";
      const chunks: StreamChunk[] = await drain(c.stream(`SELECT pg_advisory_lock(12)${link}`, { readOnly: true, timeoutMs: 10_000 }));
      expect(chunks.length).toBeGreaterThan(0);
      expect(await sessionState(c)).toEqual(before);

      // Stopped early: the consumer breaks off after the first batch.
      for await (const chunk of c.stream(`SELECT pg_advisory_lock(14 + g) FROM generate_series(1, 50) g`, { readOnly: true, timeoutMs: 10_000, batchSize: 5 })) {
        if ("rows" in chunk) break;
      }
      expect(await sessionState(c)).toEqual(before);

      const exportLink = dblink ? `, dblink_connect('from_export', 'dbname=${dbName} user=${svc.user}')` : "";
      const csv = Buffer.concat(await drain(c.copyOut!(`SELECT pg_advisory_lock(13) AS l${exportLink}`, { readOnly: true, timeoutMs: 10_000 })));
      expect(csv.toString()).toMatch(/^l/);
      expect(await sessionState(c)).toEqual(before);

      await c.explainEstimate("SELECT * FROM public_notes");
      expect(await sessionState(c)).toEqual(before);
    });

    it("a remote-connection extension created after the pool started is noticed: that session is destroyed, not reused", async ({ skip }) => {
      if (!dblink) skip("dblink is not available on this server");
      const db2 = `${dbName}_late`;
      const root = admin(svc.database);
      await root.connect();
      await root.query(`CREATE DATABASE ${db2}`);
      try {
        const c = createPostgresConnector({ ...base, database: db2, username: svc.user, options: singleSession });
        opened.push(c);
        const first = await one(c, "SELECT pg_backend_pid() AS pid");
        const late = admin(db2);
        await late.connect();
        await late.query("CREATE EXTENSION dblink");
        await late.end();
        await c.run(`SELECT dblink_connect('late', 'dbname=${db2} user=${svc.user}')`, read());
        const next = await one(c, "SELECT pg_backend_pid() AS pid, dblink_get_connections() AS links");
        expect(next.pid).not.toBe(first.pid);
        expect(next.links).toBeNull();
        // From then on the pool closes dblink connections itself and keeps its session.
        await c.run(`SELECT dblink_connect('again', 'dbname=${db2} user=${svc.user}')`, read());
        const third = await one(c, "SELECT pg_backend_pid() AS pid, dblink_get_connections() AS links");
        expect(third).toEqual({ pid: next.pid, links: null });
        await c.close();
      } finally {
        await root.query(`DROP DATABASE IF EXISTS ${db2} WITH (FORCE)`);
        await root.end();
      }
    });

    it("a session whose reset fails is destroyed instead of going back to the pool", async ({ skip }) => {
      if (!dblink) skip("dblink is not available on this server (the failing reset step needs it)");
      const db3 = `${dbName}_noplpgsql`;
      const root = admin(svc.database);
      await root.connect();
      await root.query(`CREATE DATABASE ${db3}`);
      try {
        const setup = admin(db3);
        await setup.connect();
        await setup.query("CREATE EXTENSION dblink");
        // Without PL/pgSQL the reset's dblink step fails.
        await setup.query("DROP EXTENSION plpgsql");
        await setup.end();
        const c = createPostgresConnector({ ...base, database: db3, username: svc.user, options: singleSession });
        opened.push(c);
        const pids = new Set<number>();
        for (let i = 0; i < 3; i++) {
          const row = await one(c, `SELECT pg_backend_pid() AS pid, dblink_get_connections() AS links, dblink_connect('x${i}', 'dbname=${db3} user=${svc.user}')`);
          expect(row.links).toBeNull();
          pids.add(row.pid as number);
        }
        expect(pids.size).toBe(3);
        await c.close();
      } finally {
        await root.query(`DROP DATABASE IF EXISTS ${db3} WITH (FORCE)`);
        await root.end();
      }
    });
  });

  describe("dblink kept from the login (the recommended setup)", () => {
    const db4 = `${dbName}_ext`;
    const noinherit = `quarry_noinh_${suffix}`;
    const linker = `quarry_linker_${suffix}`;

    beforeAll(async () => {
      if (!dblink) return;
      const root = admin(svc.database);
      await root.connect();
      await root.query(`CREATE DATABASE ${db4}`);
      await root.query(`CREATE ROLE ${noinherit} LOGIN NOINHERIT`);
      await root.query(`CREATE ROLE ${linker} NOLOGIN`);
      await root.query(`GRANT ${linker} TO ${noinherit}`);
      await root.end();
      const setup = admin(db4);
      await setup.connect();
      await setup.query(`CREATE SCHEMA ext; CREATE EXTENSION dblink SCHEMA ext; GRANT USAGE ON SCHEMA ext TO ${linker}`);
      await setup.end();
    });

    afterAll(async () => {
      const root = admin(svc.database);
      await root.connect();
      await root.query(`DROP DATABASE IF EXISTS ${db4} WITH (FORCE)`);
      for (const role of [noinherit, linker]) await root.query(`DROP ROLE IF EXISTS ${role}`);
      await root.end();
    });

    const pidsOver = async (c: Connector, reads: number) => {
      const pids = new Set<number>();
      for (let i = 0; i < reads; i++) pids.add((await one(c, "SELECT pg_backend_pid() AS pid")).pid as number);
      return pids.size;
    };

    it("a login that cannot reach dblink keeps its pooled session", async ({ skip }) => {
      if (!dblink) skip("dblink is not available on this server");
      const c = createPostgresConnector({ ...base, database: db4, username: ownerLogin, options: singleSession });
      opened.push(c);
      expect(await pidsOver(c, 3)).toBe(1);
    });

    it("a login that could switch to a role able to open dblink connections it cannot close never reuses a session", async ({ skip }) => {
      if (!dblink) skip("dblink is not available on this server");
      const c = createPostgresConnector({ ...base, database: db4, username: noinherit, readRole: linker, options: singleSession });
      opened.push(c);
      expect(await pidsOver(c, 3)).toBe(3);
    });
  });

  describe("reads as a least-privilege role", () => {
    it("the owner login reads its own table, but not when reading as a role that lacks SELECT on it", async () => {
      const asOwner = connectorAs(ownerLogin);
      expect((await asOwner.run("SELECT body FROM secret_notes", read())).rows).toEqual([{ body: "owner only" }]);

      const asRole = connectorAs(ownerLogin, { readRole: readerRole });
      expect(await one(asRole, "SELECT current_user::text AS u, session_user::text AS s")).toEqual({ u: readerRole, s: ownerLogin });
      expect((await asRole.run("SELECT body FROM public_notes", read())).rows).toEqual([{ body: "hello" }]);
      for (const sql of [
        "SELECT body FROM secret_notes",
        "SELECT p.body FROM public_notes p JOIN secret_notes s USING (id)",
        "SELECT (SELECT body FROM secret_notes LIMIT 1) AS b",
        "WITH s AS (SELECT * FROM secret_notes) SELECT * FROM s",
      ]) {
        const err = await failure(asRole.run(sql, read()));
        expect(err.message).toMatch(/permission denied/i);
      }
      // Streams, exports and EXPLAIN run as the role too.
      expect((await failure(drain(asRole.stream("SELECT * FROM secret_notes", { readOnly: true, timeoutMs: 10_000 })))).message).toMatch(/permission denied/i);
      expect((await failure(drain(asRole.copyOut!("SELECT * FROM secret_notes", { readOnly: true, timeoutMs: 10_000 })))).message).toMatch(/permission denied/i);
      expect((await failure(asRole.explainEstimate("SELECT * FROM secret_notes"))).message).toMatch(/permission denied/i);
      // The role is transaction-local: writes still run as the login.
      await asRole.run("INSERT INTO written (note) VALUES ('as login')", write());
    });

    it("a write through a function is refused for the role, though the login itself could do it", async ({ skip }) => {
      if (!dblink) skip("dblink is not available on this server");
      const count = async () => (await direct.query("SELECT count(*)::int AS n FROM written WHERE note LIKE 'remote%'")).rows[0].n as number;
      const asOwner = connectorAs(ownerLogin);
      // The hazard: a read-only transaction does not stop a write made over another connection.
      await asOwner.run("SELECT remote_write('remote as login')", read());
      expect(await count()).toBe(1);
      const asRole = connectorAs(ownerLogin, { readRole: readerRole });
      for (const sql of ["SELECT remote_write('remote as role')", "SELECT * FROM remote_write('remote from')", "SELECT n.body, remote_write(n.body) FROM public_notes n"]) {
        expect((await failure(asRole.run(sql, read()))).message).toMatch(/permission denied for function/i);
      }
      expect(await count()).toBe(1);
    });

    it("test connection refuses a role that does not exist or that the login is not a member of", async () => {
      const missing = await connectorAs(ownerLogin, { readRole: `nobody_${suffix}` }).testConnection();
      expect(missing).toMatchObject({ ok: false, message: expect.stringMatching(/does not exist/) });
      const notMember = await connectorAs(plainLogin, { readRole: readerRole }).testConnection();
      expect(notMember).toMatchObject({ ok: false, message: expect.stringMatching(/cannot switch to role/) });
      expect(await connectorAs(ownerLogin, { readRole: readerRole }).testConnection()).toMatchObject({ ok: true, warnings: [] });
      // And a read with a role the login cannot use fails instead of running unbounded.
      expect((await failure(connectorAs(plainLogin, { readRole: readerRole }).run("SELECT 1", read()))).message).toMatch(/permission denied to set role/i);
    });

    it("a role name is an identifier, never SQL", async () => {
      const odd = connectorAs(ownerLogin, { readRole: `${readerRole}"; RESET ROLE; --` });
      expect((await odd.testConnection()).ok).toBe(false);
      expect((await failure(odd.run("SELECT current_user", read()))).message).toMatch(/does not exist/i);
    });
  });

  describe("superuser detection", () => {
    it("flags a superuser login and a login with server-file privileges", async () => {
      const su = await connectorAs(svc.user).testConnection();
      expect(su.ok).toBe(true);
      expect(su.warnings).toEqual([expect.stringMatching(new RegExp(`^connects as a superuser: ${svc.user}`))]);
      const files = await connectorAs(filesLogin).testConnection();
      expect(files.warnings).toEqual([expect.stringMatching(/pg_read_server_files/)]);
    });

    it("does not flag a plain login role", async () => {
      expect(await connectorAs(plainLogin).testConnection()).toMatchObject({ ok: true, warnings: [] });
    });
  });
});
