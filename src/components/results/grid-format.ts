import type { ResultColumn, ResultRow } from "./types";

/** How one cell reads on screen; copying uses `toClipboardText` instead. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return value.length > 500 ? `${value.slice(0, 500)}…` : value.replace(/\r?\n/g, " ↵ ");
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  try {
    const json = JSON.stringify(value);
    return json.length > 500 ? `${json.slice(0, 500)}…` : json;
  } catch {
    return String(value);
  }
}

export function isNumericColumn(column: ResultColumn): boolean {
  return column.kind === "number";
}

/** Plain text for the clipboard: NULL is empty; tabs and newlines would break TSV. */
export function toClipboardText(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.replace(/[\t\r\n]+/g, " ");
}

export function toTsv(columns: readonly ResultColumn[], rows: readonly ResultRow[], withHeader: boolean): string {
  const lines = rows.map((row) => columns.map((c) => toClipboardText(row[c.name])).join("\t"));
  if (withHeader) lines.unshift(columns.map((c) => c.name).join("\t"));
  return lines.join("\n");
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function asNumber(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return null;
}

/** Ascending order; NULLs always sort last whichever way the column is sorted. */
export function compareValues(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return na - nb;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return collator.compare(displayValue(a), displayValue(b));
}

export type SortState = { column: number; direction: "asc" | "desc" } | null;

/** Row indices in display order; the rows themselves are never copied or mutated. */
export function sortedOrder(rows: readonly ResultRow[], columns: readonly ResultColumn[], sort: SortState): number[] {
  const order = rows.map((_, i) => i);
  if (!sort) return order;
  const name = columns[sort.column]?.name;
  if (name === undefined) return order;
  const sign = sort.direction === "asc" ? 1 : -1;
  order.sort((i, j) => {
    const a = rows[i]![name];
    const b = rows[j]![name];
    const aNull = a === null || a === undefined;
    const bNull = b === null || b === undefined;
    if (aNull || bNull) return compareValues(a, b);
    return sign * compareValues(a, b) || i - j;
  });
  return order;
}

export function nextSort(current: SortState, column: number): SortState {
  if (!current || current.column !== column) return { column, direction: "asc" };
  if (current.direction === "asc") return { column, direction: "desc" };
  return null;
}

const CHAR_PX = 7.6;

/** Starting widths from the header and a sample of values; the user can drag them. */
export function initialWidths(columns: readonly ResultColumn[], rows: readonly ResultRow[]): number[] {
  const sample = rows.slice(0, 200);
  return columns.map((column) => {
    // Room for the name, or the type hint under it, beside the kind icon.
    let longest = Math.max(column.name.length + 4, (column.type || column.kind).length + 5);
    for (const row of sample) longest = Math.max(longest, Math.min(displayValue(row[column.name]).length, 60));
    return Math.round(Math.min(420, Math.max(88, longest * CHAR_PX + 28)));
  });
}
