import "server-only";
import type { ParameterDefinition } from "@/lib/sql-parameters";
import { defaultDataSourceId, getDataSourceRow } from "../datasources/crud";
import { requireActingUser, type Principal } from "../principal";
import { executeQuery, type ExecuteOutcome } from "../queries/execute";
import { bindParameters, paramStyleOf, type ParameterValue } from "./parameters";

export interface ParameterizedRun {
  dataSourceId?: string;
  /** SQL with `{{name}}` / `:name` markers. */
  sql: string;
  values: Record<string, ParameterValue | undefined>;
  declared?: readonly ParameterDefinition[];
  source?: string;
  wait?: boolean;
  maxRows?: number;
}

/**
 * THE adapter between the platform features (templates, the editor's parameters,
 * schedules) and the query run path: markers become the engine's placeholders and the
 * values go to the driver as bound parameters, then the statement takes the one run path
 * (permissions, analysis, policy, masking, run record, audit). When the run path moves to
 * services/execution, only this function changes.
 */
export async function runParameterized(principal: Principal, input: ParameterizedRun): Promise<ExecuteOutcome> {
  const user = requireActingUser(principal);
  const dataSourceId = input.dataSourceId ?? (await defaultDataSourceId(user));
  // The engine decides the placeholder style; reading the row also 404s a source the caller cannot read.
  const source = await getDataSourceRow(user, dataSourceId);
  const bound = bindParameters(input.sql, paramStyleOf(source.engine), input.values, input.declared);
  return executeQuery(principal, {
    dataSourceId,
    sql: bound.sql,
    params: bound.params.length ? bound.params : undefined,
    source: input.source,
    wait: input.wait,
    maxRows: input.maxRows,
  });
}
