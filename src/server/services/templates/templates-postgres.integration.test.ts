import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { serviceAvailable, services } from "@/test/services";
import { templateEngineTests, templateOrderRows } from "@/test/template-engines";

const available = await serviceAvailable("postgres");
const database = `quarry_tpl_${randomBytes(4).toString("hex")}`;
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

describe.skipIf(!available)("templates on PostgreSQL (real server)", () => {
  beforeAll(async () => {
    await withClient(services.postgres.database, (c) => c.query(`CREATE DATABASE ${database}`));
    await withClient(database, async (c) => {
      await c.query("CREATE TABLE tpl_orders (id int PRIMARY KEY, order_date date NOT NULL, status text NOT NULL, total_amount numeric(10,2) NOT NULL)");
      for (const row of templateOrderRows) await c.query("INSERT INTO tpl_orders VALUES ($1, $2, $3, $4)", row);
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

  templateEngineTests("PostgreSQL", () => dataSourceId);
});
