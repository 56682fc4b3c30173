import "server-only";
import { AppError } from "../errors";
import type { TruncatedReason } from "./types";

/**
 * Result-size caps applied while rows are fetched, the same way the row cap is: a
 * read stops at whichever of `maxRows`/`maxBytes` it reaches first, and one value
 * larger than `maxValueBytes` fails the run before it can exhaust memory or exceed
 * what a JavaScript string can hold (~512 MiB, where drivers throw uncaught).
 */
export interface FetchLimits {
  maxRows: number;
  maxBytes: number;
  maxValueBytes: number;
}

/**
 * Where no cap was configured (writes, introspection, exports): large enough for any
 * sane value, and far below V8's string limit, so a driver never throws uncaught.
 */
export const HARD_VALUE_CEILING = 128 * 1024 * 1024;

export function fetchLimits(opts: { maxRows: number; maxBytes?: number; maxValueBytes?: number }): FetchLimits {
  const maxBytes = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
  return {
    maxRows: opts.maxRows,
    maxBytes,
    maxValueBytes: Math.min(opts.maxValueBytes ?? HARD_VALUE_CEILING, HARD_VALUE_CEILING),
  };
}

const mib = (bytes: number) => (bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

/** One value (or one row) too large to fetch: the user's query, so a 4xx. */
export function valueTooLarge(limitBytes: number, what: "value" | "row" = "value", column?: string): AppError {
  const where = column ? ` in column ${column}` : "";
  return new AppError(
    "QUERY_FAILED",
    `Result too large: a ${what}${where} is larger than the ${mib(limitBytes)} limit. Select part of it (e.g. left(col, 1000)) or export the data instead.`,
    { details: { reason: "value_too_large", limitBytes, ...(column ? { column } : {}) } },
  );
}

/** Approximate bytes one value takes in the JSON the caller receives. */
export function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 4;
  switch (typeof value) {
    case "string":
      return value.length < 256 ? value.length + 2 : Buffer.byteLength(value) + 2;
    case "number":
    case "bigint":
      return 12;
    case "boolean":
      return 5;
    case "object":
      if (value instanceof Uint8Array) return Math.ceil(value.byteLength / 3) * 4 + 2;
      if (value instanceof Date) return 26;
      return JSON.stringify(value)?.length ?? 4;
    default:
      return 8;
  }
}

/**
 * Tracks the bytes of the rows kept so far; `admit` answers whether one more row fits
 * and throws when a single value is over the value cap.
 */
export class ResultBudget {
  bytes = 0;
  rows = 0;
  reason: TruncatedReason | undefined;
  private readonly overhead: number;

  constructor(
    private readonly limits: FetchLimits,
    private readonly keys: string[],
  ) {
    // `{"key":` per column plus separators: what every row repeats in JSON.
    this.overhead = keys.reduce((n, k) => n + k.length + 4, 2);
  }

  admit(row: unknown[]): boolean {
    if (this.reason) return false;
    if (this.rows >= this.limits.maxRows) {
      this.reason = "rows";
      return false;
    }
    let size = this.overhead;
    for (let i = 0; i < row.length; i++) {
      const bytes = valueBytes(row[i]);
      if (bytes > this.limits.maxValueBytes) throw valueTooLarge(this.limits.maxValueBytes, "value", this.keys[i]);
      size += bytes;
    }
    if (this.bytes + size > this.limits.maxBytes) {
      this.reason = "bytes";
      return false;
    }
    this.bytes += size;
    this.rows++;
    return true;
  }

  /** Rows worth asking the server for next: enough to fill what is left, never much more. */
  nextBatch(max: number): number {
    const left = this.limits.maxRows + 1 - this.rows;
    const average = this.rows > 0 ? this.bytes / this.rows : 0;
    const room = average > 0 ? Math.floor((this.limits.maxBytes - this.bytes) / average) + 1 : max;
    return Math.max(1, Math.min(left, max, room));
  }
}
