import type { ResultColumn, ResultRow } from "./types";

export type ChartType = "bar" | "line" | "pie";

export interface ChartSpec {
  type: ChartType;
  x: string;
  ys: string[];
}

export interface ChartableColumns {
  /** Columns that make sense on an axis or as slices: text, dates, booleans. */
  dimensions: string[];
  /** Numeric columns. */
  measures: string[];
  /** Dimensions whose values read as dates or timestamps. */
  temporal: Set<string>;
}

const ISO_DATE = /^\d{4}-\d{2}(-\d{2})?([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const SAMPLE = 50;
export const PIE_MAX_SLICES = 12;

function sample(rows: readonly ResultRow[], name: string): unknown[] {
  const out: unknown[] = [];
  for (const row of rows) {
    const v = row[name];
    if (v !== null && v !== undefined) out.push(v);
    if (out.length >= SAMPLE) break;
  }
  return out;
}

function looksNumeric(values: unknown[]): boolean {
  return values.length > 0 && values.every((v) => typeof v === "number" || (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))));
}

export function chartableColumns(columns: readonly ResultColumn[], rows: readonly ResultRow[]): ChartableColumns {
  const dimensions: string[] = [];
  const measures: string[] = [];
  const temporal = new Set<string>();
  for (const column of columns) {
    const values = sample(rows, column.name);
    if (column.kind === "number" || (column.kind === "unknown" && looksNumeric(values))) {
      measures.push(column.name);
    } else if (column.kind === "string" || column.kind === "date" || column.kind === "boolean" || column.kind === "unknown") {
      dimensions.push(column.name);
      if (column.kind === "date" || (values.length > 0 && values.every((v) => typeof v === "string" && ISO_DATE.test(v)))) {
        temporal.add(column.name);
      }
    }
  }
  return { dimensions, measures, temporal };
}

/**
 * A first chart for a result: a text or date column against the numeric ones is a bar
 * chart, a line when the first column is a time series, a pie when one measure splits
 * a dozen categories or fewer; a result of numbers only plots them against the first.
 * Null when nothing in it can be drawn.
 */
/** Keys (`id`, `customer_id`) are numbers, but plotting them says nothing. */
export function isIdentifier(name: string): boolean {
  return /^(id|.*_id|.*Id)$/.test(name);
}

export function suggestChart(columns: readonly ResultColumn[], rows: readonly ResultRow[]): ChartSpec | null {
  if (rows.length === 0) return null;
  const found = chartableColumns(columns, rows);
  const { dimensions, temporal } = found;
  const measures = found.measures.filter((m) => !isIdentifier(m));
  if (measures.length === 0) return null;
  const x = dimensions[0];
  if (x === undefined) {
    if (measures.length < 2) return null;
    return { type: "line", x: measures[0]!, ys: measures.slice(1, 6) };
  }
  const ys = measures.slice(0, 6);
  if (temporal.has(x) && columns[0]?.name === x) return { type: "line", x, ys };
  const allPositive = rows.every((r) => r[ys[0]!] === null || Number(r[ys[0]!]) >= 0);
  if (measures.length === 1 && rows.length <= PIE_MAX_SLICES && allPositive) return { type: "pie", x, ys };
  return { type: "bar", x, ys };
}

export interface ChartPoint {
  [key: string]: string | number | null;
}

/** Rows as chart points: x as text, measures as numbers, capped for a readable chart. */
export function chartData(rows: readonly ResultRow[], spec: ChartSpec, limit: number): ChartPoint[] {
  return rows.slice(0, limit).map((row) => {
    const point: ChartPoint = { [spec.x]: row[spec.x] === null || row[spec.x] === undefined ? "NULL" : String(row[spec.x]) };
    for (const y of spec.ys) {
      const n = Number(row[y]);
      point[y] = row[y] === null || row[y] === undefined || Number.isNaN(n) ? null : n;
    }
    return point;
  });
}

/** Pie slices: the biggest values, the rest folded into "Other". */
export function pieData(rows: readonly ResultRow[], x: string, y: string): { name: string; value: number }[] {
  const slices = rows
    .map((row) => ({ name: row[x] === null || row[x] === undefined ? "NULL" : String(row[x]), value: Number(row[y]) || 0 }))
    .filter((s) => s.value > 0)
    .sort((a, b) => b.value - a.value);
  if (slices.length <= PIE_MAX_SLICES) return slices;
  const head = slices.slice(0, PIE_MAX_SLICES - 1);
  const other = slices.slice(PIE_MAX_SLICES - 1).reduce((sum, s) => sum + s.value, 0);
  return [...head, { name: "Other", value: other }];
}
