import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";
import { db } from "@/server/db";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { services } from "@/test/services";

/**
 * A five-row `accounts` table (id, owner, balance 100) on the real PostgreSQL or MariaDB
 * server, registered as a data source: the fixture of the approval-flow and
 * execution-pipe suites. `drop` also drops the backup tables approvals made of it.
 */
export interface AccountsTable {
  table: string;
  dataSourceId(): string;
  create(): Promise<void>;
  drop(): Promise<void>;
  balances(): Promise<number[]>;
}

type Server = "postgres" | "mariadb";

const DDL: Record<Server, (t: string) => string[]> = {
  postgres: (t) => [
    `CREATE TABLE ${t} (id int PRIMARY KEY, owner text NOT NULL, balance int NOT NULL)`,
    `INSERT INTO ${t} SELECT g, 'owner' || g, 100 FROM generate_series(1, 5) g`,
  ],
  mariadb: (t) => [
    `CREATE TABLE ${t} (id INT PRIMARY KEY, owner VARCHAR(50) NOT NULL, balance INT NOT NULL) ENGINE=InnoDB`,
    `INSERT INTO ${t} VALUES ${[1, 2, 3, 4, 5].map((i) => `(${i},'owner${i}',100)`).join(",")}`,
  ],
};

/** Runs statements on a connection of its own and returns the last one's rows. */
async function onServer(server: Server, statements: string[]): Promise<Record<string, unknown>[]> {
  let rows: Record<string, unknown>[] = [];
  if (server === "postgres") {
    const c = new pg.Client(services.postgres);
    await c.connect();
    try {
      for (const sql of statements) rows = (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  } else {
    const c = await mysql.createConnection(services.mariadb);
    try {
      for (const sql of statements) rows = (await c.query(sql))[0] as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  }
  return rows;
}

export function accountsTable(server: Server, prefix: string): AccountsTable {
  const table = `${prefix}_${randomBytes(4).toString("hex")}`;
  const quote = (name: string) => (server === "postgres" ? `"${name}"` : `\`${name}\``);
  let dataSourceId = "";
  return {
    table,
    dataSourceId: () => dataSourceId,
    async create() {
      await onServer(server, DDL[server](table));
      const { host, port, user, password, database } = services[server];
      dataSourceId = (
        await db.dataSource.create({
          data: {
            name: `${server === "postgres" ? "pg" : "my"}-${table}`,
            engine: server === "postgres" ? "postgres" : "mysql",
            host, port, database, username: user,
            encryptedSecret: password ? encryptSecret(password) : null,
          },
        })
      ).id;
    },
    async drop() {
      const backups = await db.approvalRequest.findMany({ where: { dataSourceId, backupTable: { not: null } }, select: { backupTable: true } });
      await onServer(server, [...backups.map((b) => `DROP TABLE IF EXISTS ${quote(b.backupTable!)}`), `DROP TABLE IF EXISTS ${table}`]);
    },
    async balances() {
      return (await onServer(server, [`SELECT balance FROM ${table} ORDER BY id`])).map((r) => Number(r.balance));
    },
  };
}
