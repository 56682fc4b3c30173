import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoDatabaseFile } from "@/test/fixtures";
import { openEvalDb, type EvalDb } from "./eval/harness";
import { composeFollowUp, type ConversationState } from "./follow-up";
import { translate } from "./index";

/**
 * Follow-ups on the built-in engine: each turn is composed with the last question and
 * translated; the result must keep what the follow-up did not change. Checked on the
 * demo retail database and on a metering schema written for this test, with phrasings
 * that vary per schema, and compared by the rows they return.
 */
const NOW = new Date("2025-12-15T12:00:00Z");
let demo: EvalDb;
let energy: EvalDb;

function energyFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "quarry-energy-")), "energy.sqlite");
  const db = new Database(file);
  db.exec(`
    CREATE TABLE sites (id INTEGER PRIMARY KEY, site_name TEXT NOT NULL, zone TEXT NOT NULL);
    CREATE TABLE meters (id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL REFERENCES sites(id), meter_type TEXT NOT NULL);
    CREATE TABLE readings (id INTEGER PRIMARY KEY, meter_id INTEGER NOT NULL REFERENCES meters(id), read_at TEXT NOT NULL, kwh REAL NOT NULL, cost REAL NOT NULL);
  `);
  const zones = ["North", "South", "Coast"];
  const types = ["solar", "grid", "wind"];
  let site = 0;
  for (const zone of zones) for (let s = 0; s < 3; s++) db.prepare("INSERT INTO sites VALUES (?, ?, ?)").run(++site, `${zone} plant ${s + 1}`, zone);
  let meter = 0;
  for (let s = 1; s <= site; s++) for (const t of types) db.prepare("INSERT INTO meters VALUES (?, ?, ?)").run(++meter, s, t);
  let id = 0;
  const insert = db.prepare("INSERT INTO readings VALUES (?, ?, ?, ?, ?)");
  for (let m = 1; m <= meter; m++) {
    for (let month = 0; month < 24; month++) {
      const y = 2023 + Math.floor(month / 12);
      const mm = String((month % 12) + 1).padStart(2, "0");
      const kwh = ((m * 37 + month * 11) % 500) + 50;
      insert.run(++id, m, `${y}-${mm}-15`, kwh, Math.round(kwh * 0.21 * 100) / 100);
    }
  }
  db.close();
  return file;
}

beforeAll(async () => {
  demo = await openEvalDb({ engine: "sqlite", database: demoDatabaseFile(0.01) });
  energy = await openEvalDb({ engine: "sqlite", database: energyFile() });
});
afterAll(async () => {
  await demo.connector.close();
  await energy.connector.close();
});

/** Runs a conversation; returns each turn's composed question and SQL. */
function converse(db: EvalDb, turns: string[]) {
  let state: ConversationState | null = null;
  return turns.map((text) => {
    const c = composeFollowUp(state, text, db.schema, { now: NOW });
    const a = c.sameQuery && state ? { ok: true as const, sql: state.sql!, language: state.language } : translate(c.question, db.schema, { now: NOW });
    if (!a.ok) throw new Error(`"${text}" (as "${c.question}") was not answered: ${a.message}`);
    state = { question: c.question, language: a.language, dataSourceId: "x", sql: a.sql, chart: c.chart };
    return { ...c, sql: a.sql };
  });
}

describe("follow-ups on the demo database", () => {
  it("narrows to a year, adds a breakdown, then ranks, keeping the measure", async () => {
    const [base, year, region, top] = converse(demo, ["total revenue by month", "only 2024", "break it down by region", "top 3 instead"]);
    expect(year!.followUp).toBe(true);
    expect(year!.sql).toMatch(/2024-01-01/);
    expect(year!.sql).toMatch(/SUM\(/);
    expect(region!.sql).toMatch(/2024-01-01/);
    expect(region!.sql).toMatch(/JOIN regions/);
    expect(top!.sql).toMatch(/LIMIT 3/);
    expect(top!.sql).toMatch(/JOIN regions/);
    // the refined answers return a subset of what the base question returns
    const all = await demo.run(base!.sql);
    const only2024 = await demo.run(year!.sql);
    expect(only2024.length).toBeLessThan(all.length);
    expect(only2024.length).toBeGreaterThan(0);
    expect(await demo.run(top!.sql)).toHaveLength(3);
  });

  it("replaces a ranking and a period instead of adding a second one", async () => {
    const turns = converse(demo, ["top 5 customers by total sales", "make it the top 2 instead", "just in 2024", "what about 2023?"]);
    expect(turns[1]!.sql).toMatch(/LIMIT 2$/);
    expect(turns[1]!.sql).not.toMatch(/LIMIT 5/);
    expect(turns[3]!.sql).toMatch(/>= '2023-01-01'/);
    expect(turns[3]!.sql).not.toMatch(/>= '2024-01-01'/);
    expect(turns[3]!.sql).toMatch(/LIMIT 2$/);
  });

  it("a chart request keeps the SQL and says which chart", () => {
    const [base, chart] = converse(demo, ["number of orders per status", "show that as a pie chart"]);
    expect(chart!.sameQuery).toBe(true);
    expect(chart!.chart).toBe("pie");
    expect(chart!.sql).toBe(base!.sql);
  });

  it("a question with its own subject starts afresh", () => {
    const [, next] = converse(demo, ["total revenue by region", "How many products do we have?"]);
    expect(next!.followUp).toBe(false);
    expect(next!.sql).toMatch(/FROM products/);
  });
});

describe("follow-ups on a schema of its own", () => {
  it("refines consumption by zone: a year, a value filter, a change of grouping", async () => {
    const turns = converse(energy, ["total kwh per zone", "only 2024", "just solar", "per month instead", "as a line chart"]);
    const [base, year, solar, monthly, chart] = turns;
    expect(base!.sql).toMatch(/zone/);
    expect(year!.sql).toMatch(/read_at >= '2024-01-01'/);
    expect(solar!.sql).toMatch(/'solar'/);
    expect(solar!.sql).toMatch(/2024-01-01/);
    expect(monthly!.sql).toMatch(/strftime\('%Y-%m'/);
    expect(monthly!.sql).toMatch(/'solar'/);
    expect(chart!.chart).toBe("line");
    expect(chart!.sql).toBe(monthly!.sql);
    // the sums agree with the data: solar 2024 by month has 12 rows adding up to solar 2024
    const rows = await energy.run(monthly!.sql);
    expect(rows).toHaveLength(12);
    const [check] = await energy.run("SELECT SUM(r.kwh) AS s FROM readings r JOIN meters m ON r.meter_id = m.id WHERE m.meter_type = 'solar' AND r.read_at >= '2024-01-01' AND r.read_at < '2025-01-01'");
    const total = rows.reduce((n, r) => n + Number(Object.values(r).find((v) => typeof v === "number")), 0);
    expect(total).toBeCloseTo(Number(check!.s), 3);
  });

  it("swaps one value for another of the same column, and ranks sites", async () => {
    const turns = converse(energy, ["average cost per site for wind meters", "grid instead", "top 2"]);
    expect(turns[1]!.sql).toMatch(/'grid'/);
    expect(turns[1]!.sql).not.toMatch(/'wind'/);
    expect(turns[2]!.sql).toMatch(/LIMIT 2/);
    expect(turns[2]!.sql).toMatch(/'grid'/);
    expect(await energy.run(turns[2]!.sql)).toHaveLength(2);
  });
});
