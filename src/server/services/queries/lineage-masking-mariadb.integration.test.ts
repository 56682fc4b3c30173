import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { lineageInserts } from "@/test/lineage-fixture-data";
import { lineageMaskingTests } from "@/test/lineage-masking";
import { serviceAvailable, services } from "@/test/services";

const available = await serviceAvailable("mariadb");
const suffix = randomBytes(4).toString("hex");
const database = `quarry_lineage_${suffix}`;
const other = `quarry_lineage_other_${suffix}`;
let dataSourceId = "";

async function withConnection<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ ...services.mariadb, database: undefined });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const customersDdl = (db: string) =>
  `CREATE TABLE ${db}.customers (id INT PRIMARY KEY, first_name VARCHAR(50) NOT NULL, email VARCHAR(100) NOT NULL, phone VARCHAR(30), address VARCHAR(100), date_of_birth DATE, city VARCHAR(50) NOT NULL) ENGINE=InnoDB`;

describe.skipIf(!available)("masking by lineage on MariaDB", () => {
  beforeAll(async () => {
    await withConnection(async (c) => {
      for (const name of [database, other]) {
        await c.query(`CREATE DATABASE ${name}`);
        await c.query(customersDdl(name));
        await c.query(`CREATE TABLE ${name}.orders (id INT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2) NOT NULL, status VARCHAR(20) NOT NULL) ENGINE=InnoDB`);
        await c.query(`USE ${name}`);
        for (const sql of lineageInserts()) await c.query(sql);
        await c.query(
          `CREATE FUNCTION ${name}.contact_of(i INT) RETURNS VARCHAR(100) DETERMINISTIC READS SQL DATA RETURN (SELECT email FROM ${name}.customers WHERE id = i)`,
        );
        await c.query(`CREATE VIEW ${name}.customer_contacts AS SELECT id, email AS contact, city FROM ${name}.customers`);
      }
    });
    const { host, port, user, password } = services.mariadb;
    dataSourceId = (
      await db.dataSource.create({
        data: { name: `my-${database}`, engine: "mysql", host, port, database, username: user, encryptedSecret: password ? encryptSecret(password) : null },
      })
    ).id;
  });

  afterAll(async () => {
    await withConnection(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${database}`);
      await c.query(`DROP DATABASE IF EXISTS ${other}`);
    });
  });

  lineageMaskingTests({
    dialect: "mysql",
    dataSourceId: () => dataSourceId,
    extendedColumns: true,
    emailFunction: "contact_of",
    outsideTable: `${other}.customers`,
    createTableLater: (name) =>
      withConnection(async (c) => {
        await c.query(`CREATE TABLE ${database}.${name} (id INT, email VARCHAR(100)) ENGINE=InnoDB`);
        await c.query(`INSERT INTO ${database}.${name} VALUES (1, 'late@example.com')`);
      }),
  });
});
