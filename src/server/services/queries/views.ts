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
    executionTimeMs: run.executionTimeMs,
    error: run.error,
    approvalId: run.approvalId,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
