import "server-only";
import type { QueryRun } from "@prisma/client";
import type { ResultColumn } from "../../connectors/types";

export interface QueryRunView {
  id: string;
  dataSourceId: string | null;
  sql: string;
  kind: string;
  operation: string;
  status: string;
  source: string;
  rowCount: number;
  truncated: boolean;
  /** Which cap cut the result short: "rows" or "bytes". */
  truncatedReason: string | null;
  /** Rows kept in history; fewer than rowCount when only the first page was stored. */
  storedRows: number | null;
  storedPartial: boolean;
  executionTimeMs: number | null;
  error: string | null;
  approvalId: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface QueryResultView extends QueryRunView {
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
  warnings: string[];
}

export function toRunView(run: QueryRun): QueryRunView {
  return {
    id: run.id,
    dataSourceId: run.dataSourceId,
    sql: run.sql,
    kind: run.kind,
    operation: run.operation,
    status: run.status,
    source: run.source,
    rowCount: run.rowCount,
    truncated: run.truncated,
    truncatedReason: run.truncatedReason,
    storedRows: run.storedRows,
    storedPartial: run.storedPartial,
    executionTimeMs: run.executionTimeMs,
    error: run.error,
    approvalId: run.approvalId,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
