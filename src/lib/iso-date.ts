/**
 * Strict ISO 8601 dates for API input: `YYYY-MM-DD` or a date-time with optional
 * seconds, fraction and zone (`Z` or `±HH:MM`). Years 1000–9999 only, and the calendar
 * must be real (no 2024-13-45, no 2023-02-29): JavaScript's Date silently rolls such
 * values over or accepts six-digit years and year 0, which the app database then fails
 * to store or compare.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export const MIN_YEAR = 1000;
export const MAX_YEAR = 9999;

export interface ParsedIsoDate {
  date: Date;
  /** True for `YYYY-MM-DD` without a time. */
  dateOnly: boolean;
}

export function parseIsoDate(value: string): ParsedIsoDate | null {
  const m = ISO.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00", , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(2000, month, 0)).getUTCDate() + (month === 2 && !isLeap(year) ? -1 : 0)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (zone && zone !== "Z") {
    const [zh, zm] = zone.slice(1).split(":").map(Number) as [number, number];
    if (zh > 14 || zm > 59) return null;
  }
  const ms = Date.parse(value.trim().replace(" ", "T") + (m[4] && !zone ? "Z" : ""));
  if (Number.isNaN(ms)) return null;
  return { date: new Date(ms), dateOnly: m[4] === undefined };
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
