import "server-only";
import { z } from "zod";

export const columnDto = z.object({
  name: z.string(),
  type: z.string(),
  kind: z.enum(["number", "string", "boolean", "date", "json", "binary", "unknown"]),
});

export const queryRunDto = z.object({
  id: z.string(),
  dataSourceId: z.string().nullable(),
  sql: z.string(),
  kind: z.string(),
  operation: z.string(),
  status: z.string(),
  source: z.string(),
  rowCount: z.number(),
  truncated: z.boolean(),
  truncatedReason: z.string().nullable(),
  storedRows: z.number().nullable(),
  storedPartial: z.boolean(),
  executionTimeMs: z.number().nullable(),
  error: z.string().nullable(),
  approvalId: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

/**
 * Checked, not parsed: z.record would copy every row of a result that may be 50 MB,
 * and rows come from the connector already JSON-safe.
 */
export const rowDto = z.custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "expected a row object");

export const queryResultDto = queryRunDto.extend({
  columns: z.array(columnDto),
  rows: z.array(rowDto),
  warnings: z.array(z.string()),
});

export const queryIdInput = z.object({ id: z.string().min(1).max(100) });

export const sqlInput = z.string().min(1, "sql is required").max(200_000);
