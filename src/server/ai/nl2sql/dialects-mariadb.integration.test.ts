import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable, services } from "@/test/services";
import { EVAL_NOW } from "./eval/databases";
import { batched, clinicCasesFor } from "./eval/dialect-cases";
import { openEvalDb, type EvalDb } from "./eval/harness";
import { runSet } from "./eval/run-set";
import { clinicDdl, clinicRows } from "./eval/schemas/clinic";

/** The built-in engine's SQL on a real MariaDB: the clinic set, answers compared by result. */
const available = await serviceAvailable("mariadb");
const database = `quarry_nl_${randomBytes(4).toString("hex")}`;
let evalDb: EvalDb;

const m = services.mariadb;
async function admin(sql: string) {
  const c = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password });
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

describe.skipIf(!available)("NL→SQL on MariaDB", () => {
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    const c = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database });
    for (const s of batched([...clinicDdl, ...clinicRows()])) await c.query(s);
    await c.end();
    evalDb = await openEvalDb({ engine: "mysql", host: m.host, port: m.port, username: m.user, password: m.password, database });
  });
  afterAll(async () => {
    await evalDb?.connector.close();
    await admin(`DROP DATABASE IF EXISTS ${database}`);
  });

  it("answers the clinic questions with MariaDB's own date buckets", async () => {
    const r = await runSet(evalDb, clinicCasesFor("mysql"), EVAL_NOW);
    const misses = r.results.filter((x) => !x.ok).map((x) => `${x.q}: ${x.error ?? x.sql}`);
    expect(misses).toEqual([]);
  });
});
