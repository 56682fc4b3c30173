import { translate } from "../index";
import { sameAnswer } from "./compare";
import type { EvalDb } from "./harness";
import type { EvalCase } from "./sets/types";

export interface CaseResult {
  q: string;
  ok: boolean;
  sql?: string;
  error?: string;
  ms: number;
}

/** Runs a question set: translate, execute, compare with the expected answer. */
export async function runSet(db: EvalDb, cases: EvalCase[], now: Date): Promise<{ results: CaseResult[]; accuracy: number; p95: number }> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const started = performance.now();
    const answer = translate(c.q, db.schema, { now });
    const ms = performance.now() - started;
    if (!answer.ok) {
      results.push({ q: c.q, ok: false, error: answer.message, ms });
      continue;
    }
    try {
      const [expected, actual] = [await db.run(c.sql), await db.run(answer.sql)];
      results.push({ q: c.q, ok: sameAnswer(expected, actual, c.ordered), sql: answer.sql, ms });
    } catch (error) {
      results.push({ q: c.q, ok: false, sql: answer.sql, error: (error as Error).message, ms });
    }
  }
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    results,
    accuracy: results.filter((r) => r.ok).length / Math.max(1, results.length),
    p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? 0,
  };
}
