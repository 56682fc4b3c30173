import { afterAll, describe, expect, it } from "vitest";
import { demoDatabaseFile } from "@/test/fixtures";
import { EVAL_NOW, sqliteFile } from "./databases";
import { openEvalDb } from "./harness";
import { runSet } from "./run-set";
import { clinicCases } from "./sets/clinic";
import { demoCases } from "./sets/demo";
import { libraryCases } from "./sets/library";
import { logisticsCases } from "./sets/logistics";

/**
 * `npm run eval:nl2sql`: execution accuracy of the built-in engine per question set and
 * p95 latency. Not part of `npm test`. Targets: ≥ 85 % on the demo set, ≥ 65 % on schemas
 * the engine was not developed against.
 */
const report: string[] = [];
afterAll(() => console.log(`\nNL→SQL evaluation (built-in engine)\n${report.join("\n")}\n`));

describe("NL→SQL evaluation", () => {
  const sets = [
    { name: "demo retail", open: () => demoDatabaseFile(), cases: demoCases, target: 0.85 },
    { name: "clinic", open: () => sqliteFile("clinic"), cases: clinicCases, target: 0.65 },
    { name: "logistics", open: () => sqliteFile("logistics"), cases: logisticsCases, target: 0.65 },
    { name: "library", open: () => sqliteFile("library"), cases: libraryCases, target: 0.65 },
  ];
  for (const set of sets) {
    it(set.name, async () => {
      const db = await openEvalDb({ engine: "sqlite", database: set.open() });
      try {
        const r = await runSet(db, set.cases, EVAL_NOW);
        const misses = r.results.filter((x) => !x.ok).map((x) => `    ✗ ${x.q}${x.error ? ` — ${x.error}` : ""}${x.sql ? `\n        ${x.sql.replace(/\n/g, " ")}` : ""}`);
        report.push(`  ${set.name.padEnd(20)} ${(r.accuracy * 100).toFixed(1).padStart(5)} % of ${set.cases.length}   p95 ${r.p95.toFixed(1)} ms`, ...misses);
        expect(r.accuracy).toBeGreaterThanOrEqual(set.target);
        expect(r.p95).toBeLessThan(50);
      } finally {
        await db.connector.close();
      }
    }, 120_000);
  }
});
