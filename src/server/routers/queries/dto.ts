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
  executionTimeMs: z.number().nullable(),
  error: z.string().nullable(),
  approvalId: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const rowDto = z.record(z.string(), z.unknown());

export const queryResultDto = queryRunDto.extend({
  columns: z.array(columnDto),
  rows: z.array(rowDto),
  warnings: z.array(z.string()),
});

export const queryIdInput = z.object({ id: z.string().min(1).max(100) });

export const sqlInput = z.string().min(1, "sql is required").max(200_000);
