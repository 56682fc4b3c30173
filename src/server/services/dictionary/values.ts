import "server-only";
import { quoteIdent } from "../../ai/nl2sql";
import { kindOfType } from "../../ai/nl2sql/kinds";
import { db } from "../../db";
import type { Principal } from "../principal";
import { fromClause, sample } from "./auto-guess";
import type { LoadedDictionary } from "./store";

/**
 * The values questions may name ("cancelled", "Germany"), collected once per data
 * source before its first question so a new install answers at once, without waiting
 * for auto-guess. Reads go through the read path as the asker: masked (personal)
 * values come back masked and are not kept. Only categorical text columns (at most
 * 200 distinct values) are kept.
 */
const LIMIT = 200;
const MASKED = /\*{3}/;

export async function ensureValueSamples(principal: Principal, d: LoadedDictionary): Promise<boolean> {
  const pending = d.entries.filter((e) => e.columnName && e.state === "present" && !e.sampledAt);
  if (!pending.length) return false;
  const dialect = d.engine as "sqlite" | "postgres" | "mysql";
  const q = (n: string) => quoteIdent(n, dialect);
  for (const table of d.schema.tables) {
    const from = fromClause(table, dialect, d.database);
    for (const column of table.columns) {
      const entry = pending.find((e) => e.tableName === table.name && e.tableSchema === (table.schema ?? "") && e.columnName === column.name);
      if (!entry) continue;
      let values: string[] = [];
      let complete = false;
      if (kindOfType(column.type) === "text" && !JSON.parse(entry.tags || "[]").includes("PII")) {
        const rows = await sample(
          principal,
          d.dataSourceId,
          `SELECT ${q(column.name)} AS v, COUNT(*) AS n FROM ${from} WHERE ${q(column.name)} IS NOT NULL GROUP BY ${q(column.name)} ORDER BY 2 DESC LIMIT ${LIMIT + 1}`,
          LIMIT + 1,
        );
        if (rows && rows.length <= LIMIT && !rows.some((r) => MASKED.test(String(r.v)))) {
          values = rows.map((r) => String(r.v));
          complete = true;
        }
      }
      await db.dictionaryEntry.update({ where: { id: entry.id }, data: { sampleValues: JSON.stringify(values), valuesComplete: complete, sampledAt: new Date() } });
    }
  }
  return true;
}
