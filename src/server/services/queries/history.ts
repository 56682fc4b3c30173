import "server-only";
import type { ResultColumn } from "../../connectors/types";
import { db } from "../../db";
import { containsText } from "../../db/text-filter";
import { AppError, conflict, notFound } from "../../errors";
import type { SessionUser } from "../auth/session";
import { requireActingUser, type Principal } from "../principal";
import { maskStoredRows } from "./masking-plan";
import { execution } from "../execution";
import { forgetRun } from "../execution/run-ledger";
import { flushRuns } from "../execution/run-records";
import { toRunView, type QueryRunView } from "./views";

/** Each user's history is their own; admins may open anyone's run by id (404 otherwise). */
export async function ownRun(user: SessionUser, id: string) {
  await flushRuns(); // runs are written behind the response (run-records.ts)
  const run = await db.queryRun.findUnique({ where: { id } });
  if (!run || (run.userId !== user.id && user.role !== "admin")) throw notFound("Query", id);
  return run;
}

/** Run sources that are Quarry's own reads, not the user's: kept out of their history. */
export const BACKGROUND_SOURCES = ["dictionary"] as const;

export interface HistoryFilter {
  page: number;
  pageSize: number;
  dataSourceId?: string;
  status?: string;
  search?: string;
}

export async function listHistory(principal: Principal, filter: HistoryFilter): Promise<{ items: QueryRunView[]; total: number }> {
  const user = requireActingUser(principal);
  const where = {
    userId: user.id,
    // What Quarry read on the user's behalf (the dictionary's value samples for a first
    // question) is audited like any read, but it is not something they ran.
    NOT: { source: { in: [...BACKGROUND_SOURCES] } },
    ...(filter.dataSourceId ? { dataSourceId: filter.dataSourceId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.search ? { sql: containsText(filter.search) } : {}),
  };
  await flushRuns();
  const [rows, total] = await Promise.all([
    db.queryRun.findMany({
      where,
      orderBy: { createdAt: "desc" },
      skip: (filter.page - 1) * filter.pageSize,
      take: filter.pageSize,
    }),
    db.queryRun.count({ where }),
  ]);
  return { items: rows.map(toRunView), total };
}

export async function getRun(principal: Principal, id: string): Promise<QueryRunView> {
  const user = requireActingUser(principal);
  return toRunView(await ownRun(user, id));
}

/**
 * A run is "running" in the database but not in this process when the process that ran
 * it died (start-up reconciliation ends those) or, briefly, between its record being
 * written and its tracking starting. Either way nothing will ever finish it here.
 */
const orphaned = (run: { id: string; status: string }) => run.status === "running" && !execution.running(run.id);

export async function deleteRun(principal: Principal, id: string): Promise<void> {
  const user = requireActingUser(principal);
  const run = await ownRun(user, id);
  if (run.status === "running" && !orphaned(run)) throw conflict("The query is still running; cancel it first");
  await db.queryRun.delete({ where: { id } });
  forgetRun(run.userId, id);
}

export interface ResultPageInput {
  page: number;
  pageSize: number;
  sortBy?: string;
  sortOrder?: "asc" | "desc";
}

export interface ResultPage {
  queryId: string;
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
  total: number;
  truncated: boolean;
  truncatedReason: string | null;
  /** Rows the query returned; `total` is how many of them history kept. */
  rowCount: number;
  /** History kept only the first rows: re-run or export the query for all of them. */
  storedPartial: boolean;
  message: string | null;
}

/** A page of a finished read's stored rows, optionally sorted by one column. */
export async function resultPage(principal: Principal, id: string, input: ResultPageInput): Promise<ResultPage> {
  const user = requireActingUser(principal);
  const run = await ownRun(user, id);
  const stored = await db.queryResult.findUnique({ where: { queryRunId: id } });
  if (!stored) {
    throw new AppError(
      run.status === "running" ? "CONFLICT" : "NOT_FOUND",
      run.status === "running" ? "The query is still running" : `Query ${id} has no stored results (status ${run.status})`,
    );
  }
  const columns = JSON.parse(stored.columns) as ResultColumn[];
  // Stored rows are masked again for the caller as they are now (see maskStoredRows).
  let rows = await maskStoredRows(user, run, columns, JSON.parse(stored.rows) as Record<string, unknown>[], "caller");
  if (input.sortBy) {
    if (!columns.some((c) => c.name === input.sortBy)) {
      throw new AppError("VALIDATION_ERROR", `No column ${input.sortBy} in the result`, {
        fields: [{ field: "sort_by", message: `must be one of ${columns.map((c) => c.name).join(", ")}` }],
      });
    }
    const key = input.sortBy;
    const direction = input.sortOrder === "desc" ? -1 : 1;
    rows = [...rows].sort((a, b) => direction * compare(a[key], b[key]));
  }
  const start = (input.page - 1) * input.pageSize;
  return {
    queryId: id,
    columns,
    rows: rows.slice(start, start + input.pageSize),
    total: rows.length,
    truncated: run.truncated,
    truncatedReason: run.truncatedReason,
    rowCount: run.rowCount,
    storedPartial: run.storedPartial,
    message: run.storedPartial
      ? `History keeps the first ${rows.length} of the ${run.rowCount} rows this query returned; run it again or export it to get all of them.`
      : null,
  };
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** Cancels a running query of the caller's (admins: anyone's). */
export async function cancelRun(principal: Principal, id: string): Promise<QueryRunView> {
  const run = await ownRun(requireActingUser(principal), id);
  if (run.status !== "running") throw conflict(`Query ${id} is not running (status ${run.status})`);
  // A run in flight here ends itself (cancelled) once its driver stops: answer with it as it was.
  return toRunView((await execution.cancel(principal, id)) ?? run);
}
