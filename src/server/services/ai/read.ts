import "server-only";
import { executeQuery, type ExecuteOutcome } from "../queries/execute";
import { validateSql, type Validation } from "../queries/validate";
import type { Principal } from "../principal";

/**
 * The one way the dictionary and the NL→SQL features run SQL: the query service's
 * read path (permission, analysis, read policy, masking, run record, audit). Writes it
 * is given become approval requests there, like typed SQL. When the execution pipe
 * replaces services/queries/execute.ts, only this function changes.
 */
export function runThroughReadPath(
  principal: Principal,
  input: { dataSourceId: string; sql: string; maxRows?: number; source: string; wait?: boolean },
): Promise<ExecuteOutcome> {
  return executeQuery(principal, input);
}

/** Parse, read policy and an EXPLAIN dry run, without running anything (the same checks the editor's validate uses). */
export function validateThroughReadPath(principal: Principal, dataSourceId: string, sql: string): Promise<Validation> {
  return validateSql(principal, dataSourceId, sql);
}
