import "server-only";
import { z } from "zod";
import type { NodeType, PipelineModule } from "../types";
import { parquetExtractor, parquetLoader, sqlTransformer } from "./duckdb";
import { csvExtractor, mysqlExtractor, postgresExtractor, sqliteExtractor } from "./extractors";
import { csvLoader, databaseLoader } from "./loaders";
import { s3Loader } from "./s3";
import { aggregate, cleaner, derived, filter, join, select } from "./transformers";

/**
 * Every module a node may name, as data (n8n's description + execute): a new module
 * is a definition in one of these files and one entry here.
 */
export const pipelineModules: PipelineModule[] = [
  postgresExtractor,
  mysqlExtractor,
  sqliteExtractor,
  csvExtractor,
  parquetExtractor,
  cleaner,
  filter,
  select,
  derived,
  aggregate,
  join,
  sqlTransformer,
  databaseLoader,
  csvLoader,
  parquetLoader,
  s3Loader,
];

export function findModule(type: string, name: string): PipelineModule | undefined {
  return pipelineModules.find((m) => m.type === type && m.name === name);
}

/** The config schema as JSON Schema (what the canvas builds its form from), with the defaults. */
export function moduleSchema(module: PipelineModule): { schema: Record<string, unknown>; defaults: Record<string, unknown> } {
  const schema = z.toJSONSchema(module.config, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete schema.$schema;
  const defaults: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, { default?: unknown }>)) {
    if (prop.default !== undefined) defaults[key] = prop.default;
  }
  return { schema, defaults };
}

export interface ModuleSummary {
  id: string;
  name: string;
  type: NodeType;
  display_name: string;
  description: string;
  icon: string;
  color: string;
  category: string;
  version: string;
  is_active: boolean;
  config_schema: Record<string, unknown>;
  inputs: { min: number; max: number };
  engines: string[];
  tags: string[];
}

export function moduleSummary(module: PipelineModule): ModuleSummary {
  return {
    id: module.name,
    name: module.name,
    type: module.type,
    display_name: module.displayName,
    description: module.description,
    icon: module.icon,
    color: module.color,
    category: `${module.type}s`,
    version: "1.0.0",
    is_active: true,
    config_schema: moduleSchema(module).schema,
    inputs: { min: module.inputs[0], max: module.inputs[1] },
    engines: [...(module.engines ?? [])],
    tags: [],
  };
}
