import "server-only";
import type pg from "pg";
import type Cursor from "pg-cursor";
import { ResultBudget, type FetchLimits } from "../limits";
import type { TruncatedReason } from "../types";
import { uniqueNames } from "../values";
import { frameGuardOf } from "./frame-guard";

/** The first batch is small: its rows tell how many of the next fit in the byte budget. */
const FIRST_BATCH = 100;
const MAX_BATCH = 2_000;

export interface CappedRows {
  rows: unknown[][];
  fields: pg.FieldDef[];
  truncatedReason?: TruncatedReason;
}

function read(cursor: Cursor, count: number): Promise<{ rows: unknown[][]; fields: pg.FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(count, (err, rows, result) => (err ? reject(err) : resolve({ rows: rows as unknown[][], fields: result?.fields ?? [] })));
  });
}

/**
 * Reads a cursor batch by batch until the rows or the bytes cap is reached, sizing each
 * batch to what is left of the byte budget, so at most about one budget's worth is
 * ever buffered. Oversize values fail the read (in the frame guard, before pg buffers
 * them; in the budget for values pg already holds).
 */
export async function readCapped(client: pg.ClientBase, cursor: Cursor, limits: FetchLimits): Promise<CappedRows> {
  const guard = frameGuardOf(client);
  guard?.arm({ maxValueBytes: limits.maxValueBytes, maxMessageBytes: Math.max(limits.maxBytes, limits.maxValueBytes) });
  try {
    const rows: unknown[][] = [];
    let budget: ResultBudget | undefined;
    let fields: pg.FieldDef[] = [];
    let size = Math.min(FIRST_BATCH, limits.maxRows + 1);
    for (;;) {
      const batch = await read(cursor, size);
      if (!budget) {
        fields = batch.fields;
        budget = new ResultBudget(limits, uniqueNames(fields.map((f) => f.name)));
      }
      for (const row of batch.rows) {
        if (!budget.admit(row)) break;
        rows.push(row);
      }
      if (budget.reason || batch.rows.length < size) break;
      size = budget.nextBatch(MAX_BATCH);
    }
    return { rows, fields, truncatedReason: budget.reason };
  } finally {
    guard?.disarm();
  }
}
