import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { approvalFlowTests } from "@/test/approval-flows";
import { serviceAvailable, services } from "@/test/services";

const available = await serviceAvailable("mariadb");
const table = `accounts_${randomBytes(4).toString("hex")}`;
const connect = () => mysql.createConnection(services.mariadb);
let dataSourceId = "";

describe.skipIf(!available)("approval flow on MariaDB", () => {
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
    const c = await connect();
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.end();
  });

  approvalFlowTests({
    dataSourceId: () => dataSourceId,
    table,
    async balances() {
      const c = await connect();
      try {
        const [rows] = await c.query(`SELECT balance FROM ${table} ORDER BY id`);
        return (rows as { balance: number }[]).map((r) => Number(r.balance));
      } finally {
        await c.end();
      }
    },
  });
});
