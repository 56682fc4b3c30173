import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable, services } from "@/test/services";
import { EVAL_NOW } from "./eval/databases";
import { batched, clinicCasesFor } from "./eval/dialect-cases";
import { openEvalDb, type EvalDb } from "./eval/harness";
import { runSet } from "./eval/run-set";
import { clinicDdl, clinicRows } from "./eval/schemas/clinic";

/** The built-in engine's SQL on a real PostgreSQL: the clinic set, answers compared by result. */
const available = await serviceAvailable("postgres");
const database = `quarry_nl_${randomBytes(4).toString("hex")}`;
let evalDb: EvalDb;

async function admin(sql: string) {
  const c = new pg.Client({ ...services.postgres, database: "postgres" });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

describe.skipIf(!available)("NL→SQL on PostgreSQL", () => {
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    const c = new pg.Client({ ...services.postgres, database });
    await c.connect();
    for (const s of batched([...clinicDdl, ...clinicRows()])) await c.query(s);
    await c.end();
    evalDb = await openEvalDb({ engine: "postgres", host: services.postgres.host, port: services.postgres.port, username: services.postgres.user, password: services.postgres.password, database });
  });
  afterAll(async () => {
    await evalDb?.connector.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it("answers the clinic questions with PostgreSQL's own date buckets", async () => {
    const r = await runSet(evalDb, clinicCasesFor("postgres"), EVAL_NOW);
    const misses = r.results.filter((x) => !x.ok).map((x) => `${x.q}: ${x.error ?? x.sql}`);
    expect(misses).toEqual([]);
  });
});
