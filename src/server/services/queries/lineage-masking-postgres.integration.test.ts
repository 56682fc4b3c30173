import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { lineageInserts } from "@/test/lineage-fixture-data";
import { lineageMaskingTests } from "@/test/lineage-masking";
import { serviceAvailable, services } from "@/test/services";

const available = await serviceAvailable("postgres");
const database = `quarry_lineage_${randomBytes(4).toString("hex")}`;
let dataSourceId = "";

async function withClient<T>(dbName: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ ...services.postgres, database: dbName });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe.skipIf(!available)("masking by lineage on PostgreSQL", () => {
  beforeAll(async () => {
    await withClient(services.postgres.database, (c) => c.query(`CREATE DATABASE ${database}`));
    await withClient(database, async (c) => {
      await c.query(
        "CREATE TABLE customers (id int PRIMARY KEY, first_name text NOT NULL, email text NOT NULL, phone text, address text, date_of_birth date, city text NOT NULL)",
      );
      await c.query("CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers (id), total numeric NOT NULL, status text NOT NULL)");
      for (const sql of lineageInserts()) await c.query(sql);
      await c.query("CREATE FUNCTION contact_of(i int) RETURNS text LANGUAGE sql STABLE AS 'SELECT email FROM customers WHERE id = i'");
      await c.query("CREATE VIEW customer_contacts AS SELECT id, email AS contact, city FROM customers");
    });
    const { host, port, user, password } = services.postgres;
    dataSourceId = (
      await db.dataSource.create({
        data: { name: `pg-${database}`, engine: "postgres", host, port, database, username: user, encryptedSecret: password ? encryptSecret(password) : null },
      })
    ).id;
  });

  afterAll(async () => {
    await withClient(services.postgres.database, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  });

  lineageMaskingTests({
    dialect: "postgres",
    dataSourceId: () => dataSourceId,
    extendedColumns: true,
    emailFunction: "contact_of",
    valueErrorSql: "SELECT email::int AS x FROM customers WHERE id = 1",
    createTableLater: (name) =>
      withClient(database, async (c) => {
        await c.query(`CREATE TABLE ${name} (id int, email text)`);
        await c.query(`INSERT INTO ${name} VALUES (1, 'late@example.com')`);
      }),
  });
});
