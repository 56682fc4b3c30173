import "server-only";
import { db } from "../../db";
import type { EngineName } from "../datasources/engines";
import { execution } from "../execution";
import { graphOf } from "./graph";
import { validatePipeline, type ValidateOptions, type ValidationReport } from "./validate";

/**
 * validatePipeline with the checks that need the data sources the loaders write to.
 * A run holds each loader's transaction open until every node is through, so two
 * loaders into a database that takes one writer at a time (SQLite) would wait on each
 * other for ever: that is refused before the run, on the second loader's node.
 */
export async function validateWithSources(config: unknown, options: ValidateOptions = {}): Promise<ValidationReport> {
  return validatePipeline(config, { ...options, singleWriterSources: await singleWriterSources(config) });
}

async function singleWriterSources(config: unknown): Promise<Map<string, string>> {
  const targets = graphOf(config)
    .nodes.filter((n) => n.type === "loader" && n.module === "database")
    .map((n) => n.config.connection_id)
    .filter((id): id is string => typeof id === "string");
  // One database loader cannot wait on another: no need to ask.
  if (targets.length < 2) return new Map();
  const ids = new Set(targets);
  const rows = await db.dataSource.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true, engine: true } });
  return new Map(rows.filter((r) => execution.capabilities(r.engine as EngineName).singleWriter).map((r) => [r.id, r.name]));
}
