import type { ValueKind } from "./types";

/** How a column's engine type reads for questions: number, text, date or boolean. */
export function kindOfType(type: string): ValueKind {
  const t = type.toLowerCase();
  if (/bool/.test(t)) return "boolean";
  if (/date|time/.test(t)) return "date";
  if (/int|real|num|dec|float|double|money|serial/.test(t)) return "number";
  return "text";
}
