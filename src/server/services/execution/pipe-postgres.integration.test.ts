import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { db } from "@/server/db";
import { encryptSecret } from "@/server/services/crypto/secret-box";
import { executionPipeTests } from "@/test/execution-pipe";
import { serviceAvailable, services } from "@/test/services";

const available = await serviceAvailable("postgres");
const table = `pipe_accounts_${randomBytes(4).toString("hex")}`;
const client = () => new pg.Client(services.postgres);
let dataSourceId = "";

describe.skipIf(!available)("the execution pipe on PostgreSQL", () => {
  beforeAll(async () => {
    const c = client();
    await c.connect();
    await c.query(`CREATE TABLE ${table} (id int PRIMARY KEY, owner text NOT NULL, balance int NOT NULL)`);
    await c.query(`INSERT INTO ${table} SELECT g, 'owner' || g, 100 FROM generate_series(1, 5) g`);
    await c.end();
    const { host, port, user, password, database } = services.postgres;
    dataSourceId = (
      await db.dataSource.create({
        data: { name: `pg-${table}`, engine: "postgres", host, port, database, username: user, encryptedSecret: password ? encryptSecret(password) : null },
      })
    ).id;
  });

  afterAll(async () => {
    const backups = await db.approvalRequest.findMany({ where: { dataSourceId, backupTable: { not: null } }, select: { backupTable: true } });
    const c = client();
    await c.connect();
    for (const { backupTable } of backups) await c.query(`DROP TABLE IF EXISTS "${backupTable}"`);
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.end();
  });

  executionPipeTests({ engine: "postgres", dataSourceId: () => dataSourceId, table, explainEstimates: true, slowRead: "SELECT count(*) AS n FROM generate_series(1, 400000000) g", refusedRead: "SELECT pg_advisory_lock(1)" });
});
