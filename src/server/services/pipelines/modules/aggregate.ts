import "server-only";
import { z } from "zod";
import { compareValues } from "../expressions";
import type { BatchStream, Column, Row } from "../types";

export const AGGREGATE_FUNCTIONS = ["count", "count_distinct", "sum", "avg", "min", "max"] as const;

export const aggregateConfig = z.object({
  group_by: z.array(z.string().min(1)).default([]).meta({ title: "Group by" }),
  aggregations: z
    .array(
      z.object({
        column: z.string().max(200).default("*").describe("Column (* for count)"),
        function: z.enum(AGGREGATE_FUNCTIONS),
        alias: z.string().min(1).max(200).optional(),
      }),
    )
    .min(1, "add at least one aggregation")
    .meta({ title: "Aggregations" }),
});
export type AggregateConfig = z.infer<typeof aggregateConfig>;

export const aggregateAlias = (a: AggregateConfig["aggregations"][number]) => a.alias ?? `${a.function}_${a.column === "*" ? "all" : a.column}`;

interface Acc {
  count: number;
  sum: number;
  min: unknown;
  max: unknown;
  distinct?: Set<string>;
}

/**
 * Hash aggregation: memory grows with the number of groups, not of rows. Sums and
 * averages skip nulls and non-numbers, as SQL's do; count(*) counts rows.
 */
export async function* aggregateRows(config: AggregateConfig, input: BatchStream): BatchStream {
  const groups = new Map<string, { key: Row; accs: Acc[] }>();
  let inColumns: Column[] = [];
  for await (const batch of input) {
    inColumns = batch.columns;
    for (const row of batch.rows) {
      const keyValues = config.group_by.map((c) => row[c] ?? null);
      const key = JSON.stringify(keyValues);
      let group = groups.get(key);
      if (!group) {
        group = {
          key: Object.fromEntries(config.group_by.map((c, i) => [c, keyValues[i]])),
          accs: config.aggregations.map((a) => ({ count: 0, sum: 0, min: null, max: null, ...(a.function === "count_distinct" ? { distinct: new Set<string>() } : {}) })),
        };
        groups.set(key, group);
      }
      config.aggregations.forEach((a, i) => {
        const acc = group.accs[i]!;
        if (a.column === "*") {
          acc.count += 1;
          return;
        }
        const v = row[a.column];
        if (v === null || v === undefined) return;
        acc.count += 1;
        acc.distinct?.add(JSON.stringify(v));
        const n = typeof v === "number" ? v : Number(v);
        if (Number.isFinite(n)) acc.sum += n;
        if (acc.min === null || compareValues(v, acc.min) < 0) acc.min = v;
        if (acc.max === null || compareValues(v, acc.max) > 0) acc.max = v;
      });
    }
  }
  const kindOf = (name: string) => inColumns.find((c) => c.name === name)?.kind ?? "unknown";
  const columns: Column[] = [
    ...config.group_by.map((name) => ({ name, kind: kindOf(name) })),
    ...config.aggregations.map((a) => ({ name: aggregateAlias(a), kind: ["min", "max"].includes(a.function) ? kindOf(a.column) : ("number" as const) })),
  ];
  // A global aggregate over no rows still answers one row (count 0), as SQL does.
  if (groups.size === 0 && config.group_by.length === 0) {
    groups.set("[]", { key: {}, accs: config.aggregations.map(() => ({ count: 0, sum: 0, min: null, max: null, distinct: new Set<string>() })) });
  }
  const rows: Row[] = [];
  for (const { key, accs } of groups.values()) {
    const row: Row = { ...key };
    config.aggregations.forEach((a, i) => {
      const acc = accs[i]!;
      const value = { count: acc.count, count_distinct: acc.distinct?.size ?? 0, sum: acc.count ? acc.sum : null, avg: acc.count ? acc.sum / acc.count : null, min: acc.min, max: acc.max }[a.function];
      row[aggregateAlias(a)] = value;
    });
    rows.push(row);
    if (rows.length >= 1000) yield { columns, rows: rows.splice(0) };
  }
  yield { columns, rows };
}
