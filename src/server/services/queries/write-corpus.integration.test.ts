import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { writeAttemptCorpus } from "@/server/sql/write-attempts.corpus";
import type { SqlDialect } from "@/server/sql";
import { grant } from "@/test/fixtures";
import { rest, signedInUser } from "@/test/rest-client";
import { serviceAvailable, services } from "@/test/services";

/**
 * The write-attempt corpus (over 100 writes disguised as reads) sent through Quarry's
 * query routes on real PostgreSQL, MariaDB and SQLite databases, by a reader and by a
 * writer: no statement may run as a read, and the data must be exactly as before.
 */
interface Engine {
  dialect: SqlDialect;
  setup(): Promise<{ dataSource: { engine: string; host?: string; port?: number; database: string; username?: string } }>;
  checksum(): Promise<string>;
  teardown(): Promise<void>;
}

// Two users send the whole corpus within a minute; the per-user query budget is not under test here.
process.env.QUARRY_QUERY_RATE_LIMIT_PER_MINUTE = "100000";

const suffix = randomBytes(4).toString("hex");
const pgDb = `quarry_corpus_${suffix}`;
const myDb = `quarry_corpus_${suffix}`;
const sqliteFile = path.join(mkdtempSync(path.join(tmpdir(), "quarry-corpus-")), "corpus.sqlite");

const engines: Record<SqlDialect, Engine> = {
  postgres: {
    dialect: "postgres",
    async setup() {
      const admin = new pg.Client(services.postgres);
      await admin.connect();
      await admin.query(`CREATE DATABASE ${pgDb}`);
      await admin.end();
      const c = new pg.Client({ ...services.postgres, database: pgDb });
      await c.connect();
      await c.query("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)");
      await c.query("INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
      await c.query("CREATE SEQUENCE item_seq");
      await c.query("CREATE MATERIALIZED VIEW items_mv AS SELECT * FROM items");
      await c.end();
      const { host, port, user } = services.postgres;
      return { dataSource: { engine: "postgres", host, port, database: pgDb, username: user } };
    },
    async checksum() {
      const c = new pg.Client({ ...services.postgres, database: pgDb });
      await c.connect();
      try {
        const r = await c.query(`SELECT (SELECT string_agg(id || '=' || coalesce(name, '∅'), ',' ORDER BY id) FROM items) AS items,
          (SELECT last_value || '/' || is_called FROM item_seq) AS seq,
          (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace) AS relations,
          (SELECT count(*) FROM items_mv) AS mv`);
        return JSON.stringify(r.rows[0]);
      } finally {
        await c.end();
      }
    },
    async teardown() {
      const admin = new pg.Client(services.postgres);
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`);
      await admin.end();
    },
  },
  mysql: {
    dialect: "mysql",
    async setup() {
      const c = await mysql.createConnection({ ...services.mariadb, multipleStatements: false });
      await c.query(`CREATE DATABASE ${myDb}`);
      await c.query(`CREATE TABLE ${myDb}.items (id INT PRIMARY KEY, name VARCHAR(50)) ENGINE=InnoDB`);
      await c.query(`INSERT INTO ${myDb}.items VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
      await c.query(`CREATE SEQUENCE ${myDb}.item_seq`);
      await c.end();
      const { host, port, user } = services.mariadb;
      return { dataSource: { engine: "mysql", host, port, database: myDb, username: user } };
    },
    async checksum() {
      const c = await mysql.createConnection({ ...services.mariadb, database: myDb });
      try {
        const [rows] = await c.query(`SELECT (SELECT GROUP_CONCAT(CONCAT(id, '=', COALESCE(name, '∅')) ORDER BY id) FROM items) AS items,
          (SELECT next_not_cached_value FROM item_seq) AS seq,
          (SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()) AS relations`);
        return JSON.stringify(rows);
      } finally {
        await c.end();
      }
    },
    async teardown() {
      const c = await mysql.createConnection(services.mariadb);
      await c.query(`DROP DATABASE IF EXISTS ${myDb}`);
      await c.end();
    },
  },
  sqlite: {
    dialect: "sqlite",
    async setup() {
      const s = new Database(sqliteFile);
      s.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');");
      s.close();
      return { dataSource: { engine: "sqlite", database: sqliteFile } };
    },
    async checksum() {
      const s = new Database(sqliteFile, { readonly: true });
      try {
        return JSON.stringify(
          s.prepare(`SELECT (SELECT group_concat(id || '=' || coalesce(name, '∅'), ',') FROM (SELECT * FROM items ORDER BY id)) AS items,
            (SELECT count(*) FROM sqlite_master) AS relations, (SELECT journal_mode FROM pragma_journal_mode) AS journal`).get(),
        );
      } finally {
        s.close();
      }
    },
    async teardown() {},
  },
};

const availability: Record<SqlDialect, boolean> = {
  postgres: await serviceAvailable("postgres"),
  mysql: await serviceAvailable("mariadb"),
  sqlite: true,
};

for (const engine of Object.values(engines)) {
  const corpus = writeAttemptCorpus.filter((a) => a.dialect === engine.dialect);

  describe.skipIf(!availability[engine.dialect])(`write attempts on ${engine.dialect} (${corpus.length})`, () => {
    let dataSourceId = "";
    let reader: Awaited<ReturnType<typeof signedInUser>>;
    let writer: Awaited<ReturnType<typeof signedInUser>>;
    let baseline = "";

    beforeAll(async () => {
      const { dataSource } = await engine.setup();
      dataSourceId = (await db.dataSource.create({ data: { name: `corpus-${engine.dialect}-${suffix}`, ...dataSource } })).id;
      reader = await signedInUser("analyst");
      writer = await signedInUser("developer");
      await grant(reader.user.id, dataSourceId, { canRead: true });
      await grant(writer.user.id, dataSourceId, { canRead: true, canWrite: true });
      baseline = await engine.checksum();
    }, 60_000);

    afterAll(() => engine.teardown(), 60_000);

    it("never runs one as a read, and the data stays exactly as it was", async () => {
      const ranAsRead: string[] = [];
      for (const attempt of corpus) {
        for (const user of [reader, writer]) {
          const res = await rest("POST", "/queries", {
            token: user.token,
            body: { data_source_id: dataSourceId, query_text: attempt.sql },
            headers: { "x-quarry-client-ip": `corpus-${user.user.id}` },
          });
          if (res.status === 200) ranAsRead.push(`${attempt.note}: ${attempt.sql}`);
          expect([202, 400, 403, 422], `${attempt.sql} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
        }
        expect(await engine.checksum(), attempt.sql).toBe(baseline);
      }
      expect(ranAsRead).toEqual([]);
    }, 300_000);
  });
}
