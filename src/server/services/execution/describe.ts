import "server-only";
import { config } from "../../config";
import type { ResultColumn } from "../../connectors/types";
import type { Principal } from "../principal";
import { connectorFor } from "./connection";
import { prepareRead, type Prepared, type StatementInput } from "./prepare";

export interface DescribeRequest extends StatementInput {
  /** Values for the statement's placeholders ($1… / ?), bound by the driver. */
  params?: unknown[];
}

/**
 * The columns a read would return (names, engine types, kinds), without its rows: the
 * pipe's permission, analysis and read policy, then the read wrapped in `LIMIT 0`,
 * read-only. No row is fetched, so there is nothing to mask, store or record in history.
 * The pipeline planner asks this of the queries it compiles.
 */
export async function describe(principal: Principal, request: DescribeRequest): Promise<ResultColumn[]> {
  return describePrepared(await prepareRead(principal, request), request.params);
}

/** As `describe`, for a read that has passed `prepareRead` already. */
export async function describePrepared(prepared: Prepared, params?: unknown[]): Promise<ResultColumn[]> {
  const connector = connectorFor(prepared.dataSource);
  // On lines of their own: a trailing line comment in the read must not swallow the wrapper.
  const result = await connector.run(`SELECT * FROM (\n${prepared.statement.text}\n) quarry_described LIMIT 0`, {
    readOnly: true,
    maxRows: 1,
    timeoutMs: config().QUARRY_QUERY_TIMEOUT_MS,
    params,
  });
  return result.columns;
}
