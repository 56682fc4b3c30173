import type { ChartPoint, ChartSpec } from "./chart-suggest";
import type { ResultRow } from "./types";

/**
 * Pure helpers that decide a chart's axes: whether x is a time axis (points spaced by
 * time, not evenly as categories), which measures go on a second y axis, the axis
 * titles and the tick format. No React here, so each rule has its own unit test.
 */

const DATE_ONLY = /^\d{4}-\d{2}(-\d{2})?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch milliseconds of a date or timestamp value; null when it is not one. Times without a zone read as UTC. */
export function timeValue(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value !== "string") return null;
  const text = value.trim();
  let iso: string;
  if (DATE_ONLY.test(text)) iso = text.length === 7 ? `${text}-01T00:00:00Z` : `${text}T00:00:00Z`;
  else if (DATE_TIME.test(text)) iso = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text.replace(" ", "T") : `${text.replace(" ", "T")}Z`;
  else return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** A line chart over a temporal column whose every non-null value is a date gets a time axis. */
export function usesTimeAxis(spec: ChartSpec, temporal: ReadonlySet<string>, rows: readonly ResultRow[]): boolean {
  if (spec.type !== "line" || !temporal.has(spec.x)) return false;
  let seen = 0;
  for (const row of rows) {
    const v = row[spec.x];
    if (v === null || v === undefined) continue;
    if (timeValue(v) === null) return false;
    seen++;
  }
  return seen > 0;
}

/** Points for a time axis: x as epoch ms, in time order, rows without a date left out. */
export function timePoints(rows: readonly ResultRow[], spec: ChartSpec, limit: number): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const row of rows.slice(0, limit)) {
    const t = timeValue(row[spec.x]);
    if (t === null) continue;
    const point: ChartPoint = { [spec.x]: t };
    for (const y of spec.ys) {
      const n = Number(row[y]);
      point[y] = row[y] === null || row[y] === undefined || Number.isNaN(n) ? null : n;
    }
    points.push(point);
  }
  return points.sort((a, b) => (a[spec.x] as number) - (b[spec.x] as number));
}

/** How many times larger one measure must be than another before it gets an axis of its own. */
export const SCALE_RATIO = 20;

/** The largest absolute value of a measure (0 when it has none). */
function magnitude(rows: readonly ResultRow[], y: string): number {
  let max = 0;
  for (const row of rows) {
    const n = Math.abs(Number(row[y]));
    if (Number.isFinite(n) && n > max) max = n;
  }
  return max;
}

export interface YAxes {
  left: string[];
  /** Measures far smaller than the largest: drawn against a right axis. Empty for one axis. */
  right: string[];
}

/**
 * Splits measures of very different scale (the largest at least SCALE_RATIO times the
 * other) over two y axes: the big ones on the left, the small ones on the right. Measures
 * of similar scale share the left axis. Pies have no y axis.
 */
export function splitYAxes(spec: ChartSpec, rows: readonly ResultRow[]): YAxes {
  if (spec.type === "pie" || spec.ys.length < 2) return { left: [...spec.ys], right: [] };
  const sizes = new Map(spec.ys.map((y) => [y, magnitude(rows, y)]));
  const largest = Math.max(...sizes.values());
  if (largest === 0) return { left: [...spec.ys], right: [] };
  const left = spec.ys.filter((y) => sizes.get(y)! * SCALE_RATIO > largest);
  const right = spec.ys.filter((y) => sizes.get(y)! * SCALE_RATIO <= largest && sizes.get(y)! > 0);
  const empty = spec.ys.filter((y) => sizes.get(y) === 0);
  return right.length ? { left: [...left, ...empty], right } : { left: [...spec.ys], right: [] };
}

export interface AxisTitles {
  x: string;
  left: string;
  right: string | undefined;
}

/** Axis titles: the x column, then the measures each y axis carries. */
export function axisTitles(spec: ChartSpec, axes: YAxes): AxisTitles {
  const join = (names: string[]) => (names.length > 3 ? `${names.slice(0, 3).join(", ")} …` : names.join(", "));
  return { x: spec.x, left: join(axes.left), right: axes.right.length ? join(axes.right) : undefined };
}

const DAY = 86_400_000;

/** Options for the tick labels of a time axis spanning `spanMs`: years, months, days or times of day. */
export function timeTickOptions(spanMs: number): Intl.DateTimeFormatOptions {
  if (spanMs > 3 * 365 * DAY) return { year: "numeric", timeZone: "UTC" };
  if (spanMs > 90 * DAY) return { month: "short", year: "numeric", timeZone: "UTC" };
  if (spanMs > 2 * DAY) return { month: "short", day: "numeric", timeZone: "UTC" };
  return { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" };
}

/** Formats ticks and tooltip labels of a time axis over these points; anything but an instant formats as "". */
export function timeFormatters(points: readonly ChartPoint[], x: string, locale?: string): { tick: (ms: number) => string; label: (ms: number) => string } {
  const times = points.map((p) => p[x] as number);
  const span = times.length ? Math.max(...times) - Math.min(...times) : 0;
  const tick = new Intl.DateTimeFormat(locale, timeTickOptions(span));
  const hasTime = points.some((p) => (p[x] as number) % DAY !== 0);
  const label = new Intl.DateTimeFormat(locale, hasTime ? { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" } : { dateStyle: "medium", timeZone: "UTC" });
  const safe = (format: Intl.DateTimeFormat) => (ms: number) => (Number.isFinite(ms) ? format.format(ms) : "");
  return { tick: safe(tick), label: safe(label) };
}
