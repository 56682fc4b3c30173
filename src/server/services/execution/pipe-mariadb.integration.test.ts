import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { executionPipeTests } from "@/test/execution-pipe";
import { serviceAvailable, services } from "@/test/services";

const available = await serviceAvailable("mariadb");
const table = `pipe_accounts_${randomBytes(4).toString("hex")}`;
const connect = () => mysql.createConnection(services.mariadb);
let dataSourceId = "";

describe.skipIf(!available)("the execution pipe on MariaDB", () => {
  beforeAll(async () => {
    const c = await connect();
    await c.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, owner VARCHAR(50) NOT NULL, balance INT NOT NULL) ENGINE=InnoDB`);
    await c.query(`INSERT INTO ${table} VALUES (1,'owner1',100),(2,'owner2',100),(3,'owner3',100),(4,'owner4',100),(5,'owner5',100)`);
    await c.end();
    const { host, port, user, password, database } = services.mariadb;
    dataSourceId = (
      await db.dataSource.create({
        data: { name: `my-${table}`, engine: "mysql", host, port, database, username: user, encryptedSecret: password ? encryptSecret(password) : null },
      })
    ).id;
  });

  afterAll(async () => {
    const backups = await db.approvalRequest.findMany({ where: { dataSourceId, backupTable: { not: null } }, select: { backupTable: true } });
    const c = await connect();
    for (const { backupTable } of backups) await c.query(`DROP TABLE IF EXISTS \`${backupTable}\``);
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.end();
  });

  // MySQL's backup is a CREATE TABLE ... AS SELECT in its own transaction (DDL commits implicitly there).
  executionPipeTests({ engine: "mysql", dataSourceId: () => dataSourceId, table, explainEstimates: true, slowRead: "SELECT count(*) AS n FROM information_schema.columns a, information_schema.columns b, information_schema.columns c", refusedRead: null });
});
