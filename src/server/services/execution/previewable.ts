import "server-only";
import type { Connector, RelationFacts } from "../../connectors/types";
import type { AnalyzedStatement, SqlDialect } from "../../sql";
import { rollbackSafety } from "../../sql/rollback-safety";

/**
 * Whether an approval request may be dry-run (run, then rolled back) so the approver
 * sees what it changes. Only when everything it does is undone by a rollback: a plain
 * INSERT/UPDATE/DELETE whose functions, operators and casts are all known to be inert,
 * on ordinary transactional tables without triggers, rules or row security, reaching
 * (through cascades) only tables of the same kind, and not drawing on sequences.
 * Anything else is never dry-run; `explainable` says whether the planner may at least
 * be asked for its plan (EXPLAIN without ANALYZE plans, never executes, but planning
 * can evaluate functions, so only statements whose code we vouch for are explained).
 */
export type Previewability = { previewable: true } | { previewable: false; reason: string; explainable: boolean };

const no = (reasons: string[], explainable: boolean): Previewability => ({
  previewable: false,
  reason: reasons.join("; "),
  explainable,
});

function storageReasons(fact: RelationFacts, isTarget: boolean, writesDefaults: boolean): string[] {
  const reasons: string[] = [];
  const name = fact.name;
  if (fact.kind === "foreign") reasons.push(`${name} is a foreign table: its rows live on another server, which a rollback here does not reach`);
  else if (fact.kind === "view") reasons.push(`${name} is a view: writing or reading it may run rules, triggers or functions`);
  else if (fact.kind === "virtual") reasons.push(`${name} is a virtual table: its module may keep state outside the transaction`);
  else if (fact.kind !== "table" && fact.kind !== "materialized") reasons.push(`${name} is not an ordinary table`);
  else if (!fact.transactional) {
    reasons.push(`${name} uses the ${fact.storageEngine ?? "unknown"} storage engine, which keeps writes even when the transaction rolls back`);
  }
  if (fact.triggers.length > 0) reasons.push(`${name} has triggers (${fact.triggers.join(", ")}), which run code Quarry cannot vouch for`);
  for (const hazard of fact.writeHazards) reasons.push(`${name} has ${hazard}`);
  if (isTarget && writesDefaults) for (const hazard of fact.defaultHazards) reasons.push(`${name} has ${hazard}, which a rollback does not undo`);
  return reasons;
}

export async function previewability(connector: Connector, statement: AnalyzedStatement, dialect: SqlDialect): Promise<Previewability> {
  if (statement.kind === "ddl") {
    const why = connector.capabilities.transactionalDdl
      ? "schema changes are never dry-run (they may run functions and take locks)"
      : "this engine commits schema changes implicitly, so a dry run would apply them";
    return no([why], false);
  }
  if (statement.kind !== "write") return no([`${statement.operation.replace(/_/g, " ") || "this statement"} is not a plain data change`], false);
  if (connector.capabilities.executableComments && /\/\*M?!/.test(statement.text)) return no(["it holds an executable comment (/*! ... */)"], false);
  const text = rollbackSafety(statement, dialect);
  if (!text.ok) return no(text.reasons, text.explainable);
  if (!connector.describeRelations) return no(["this engine cannot tell whether its tables are transactional"], true);

  const facts = await connector.describeRelations(text.tables, text.targets);
  const reasons: string[] = [];
  for (const asked of text.tables) {
    if (!facts.some((f) => f.asked === asked && f.via === "named")) reasons.push(`${asked} was not found in the catalogue`);
  }
  for (const fact of facts) {
    const isTarget = text.targets.includes(fact.asked);
    for (const reason of storageReasons(fact, isTarget || fact.via === "dependent", text.usesDefaults)) {
      if (!reasons.includes(reason)) reasons.push(reason);
    }
  }
  // Planning a view plans its definition, which may fold (run) functions.
  let explainable = !facts.some((f) => f.kind === "view" || f.kind === "virtual");
  if (connector.capabilities.attributeCalls) {
    // `x.f` is f(x) in PostgreSQL when x has no column f: every qualified name must be a real column.
    const known = new Set(facts.filter((f) => f.via === "named").flatMap((f) => f.columns.map((c) => c.toLowerCase())));
    for (const { qualifier, column } of text.qualifiedColumns) {
      if (known.has(column.toLowerCase())) continue;
      reasons.push(`${qualifier}.${column} is not a column of the tables it names (PostgreSQL would call a function ${column} instead)`);
      explainable = false;
    }
  }
  return reasons.length > 0 ? no(reasons, explainable) : { previewable: true };
}

/** The planner's plan where it is safe to ask for it, else null (never EXPLAIN ANALYZE). */
export async function explainIfSafe(connector: Connector, statement: AnalyzedStatement, decision: Previewability): Promise<string | null> {
  if (decision.previewable || !decision.explainable || !connector.explainPlan) return null;
  return connector.explainPlan(statement.text, { timeoutMs: 5000 }).catch(() => null);
}
