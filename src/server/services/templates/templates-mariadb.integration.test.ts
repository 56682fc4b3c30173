import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { serviceAvailable, services } from "@/test/services";
import { templateEngineTests, templateOrderRows } from "@/test/template-engines";

const available = await serviceAvailable("mariadb");
const database = `quarry_tpl_${randomBytes(4).toString("hex")}`;
let dataSourceId = "";

describe.skipIf(!available)("templates on MariaDB (real server)", () => {
  beforeAll(async () => {
    const c = await mysql.createConnection({ ...services.mariadb, database: undefined });
    try {
      await c.query(`CREATE DATABASE ${database}`);
      await c.query(`CREATE TABLE ${database}.tpl_orders (id INT PRIMARY KEY, order_date DATE NOT NULL, status VARCHAR(20) NOT NULL, total_amount DECIMAL(10,2) NOT NULL) ENGINE=InnoDB`);
      for (const row of templateOrderRows) await c.query(`INSERT INTO ${database}.tpl_orders VALUES (?, ?, ?, ?)`, row);
    } finally {
      await c.end();
    }
    const { host, port, user, password } = services.mariadb;
    dataSourceId = (
      await db.dataSource.create({
        data: { name: `my-${database}`, engine: "mysql", host, port, database, username: user, encryptedSecret: password ? encryptSecret(password) : null },
      })
    ).id;
  });

  afterAll(async () => {
    const c = await mysql.createConnection({ ...services.mariadb, database: undefined });
    await c.query(`DROP DATABASE IF EXISTS ${database}`).finally(() => c.end());
  });

  templateEngineTests("MariaDB", () => dataSourceId);
});
