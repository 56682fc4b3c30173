import "server-only";
import type { DataSource } from "@prisma/client";
import type { SchemaSnapshot } from "../../connectors/types";
import { db } from "../../db";
import { touchedTables } from "../../sql/touched-tables";
import type { AnalyzedStatement, SqlDialect } from "../../sql/types";
import type { Access } from "../access";
import { maskingPlan, personalByName, type MaskingContext, type MaskingPlan, type PersonalColumn } from "../access/masking";
import { connectorFor } from "./connection";
import { personalFromDictionary } from "../dictionary/personal";

/**
 * The masking step of the pipe: the plan of one read for one caller, decided before it
 * runs. Readers' plans need the data source's schema (for `*` and to know which tables
 * hold personal data); a table missing from the cached schema triggers one fresh
 * introspection, so a stale cache cannot hide a new table's personal columns.
 */
export interface PlanInput {
  dataSource: DataSource;
  access: Access;
  statement: AnalyzedStatement;
}

export async function maskingPlanFor(
  check: PlanInput,
  options: { unknownTables?: "refuse" | "refuse-rows"; isPersonal?: PersonalColumn } = {},
): Promise<MaskingPlan> {
  if (check.access.canWrite) return { mode: "off" };
  const isPersonal = options.isPersonal ?? (await personalFromDictionary(check.dataSource.id)); // names + the dictionary's PII tags
  const { capabilities } = connectorFor(check.dataSource);
  const context = (schema: SchemaSnapshot): MaskingContext => ({
    dialect: check.dataSource.engine as SqlDialect,
    schema,
    defaultSchema: capabilities.databaseIsSchema ? check.dataSource.database : undefined,
    isPersonal,
  });
  const cached = storedSchema(check.dataSource);
  let ctx = context(cached ?? (await refreshSchema(check.dataSource)));
  if (cached) {
    const touched = touchedTables(check.statement, ctx);
    // Caches from before functions were collected cannot say which calls are user-defined.
    const noFunctions = cached.functions === undefined && capabilities.listsUserFunctions;
    if (noFunctions || touched.unknown.length || touched.opaqueViews.length) ctx = context(await refreshSchema(check.dataSource));
  }
  return maskingPlan(check.statement, check.access, ctx, { unknownTables: options.unknownTables });
}

/**
 * Parsed schema caches, per data source: a big schema costs milliseconds to parse and
 * every reader's query needs it. An entry is used only while the row's schema text,
 * sync time and update time are the ones it was parsed from, so a re-sync or an edit
 * is seen on the next query. Snapshots are shared: never mutate them.
 */
const parsedSchemas = new Map<string, { version: string; text: string; schema: SchemaSnapshot }>();
const MAX_PARSED_SCHEMAS = 200;

/** Access is checked by the caller (the pipe's permission step, or ownership of the stored run). */
export function storedSchema(dataSource: DataSource): SchemaSnapshot | null {
  const text = dataSource.schemaCache;
  if (!text) return null;
  const version = `${dataSource.updatedAt?.getTime()}:${dataSource.lastSyncedAt?.getTime()}`;
  const hit = parsedSchemas.get(dataSource.id);
  if (hit && hit.version === version && hit.text === text) return hit.schema;
  try {
    const schema = JSON.parse(text) as SchemaSnapshot;
    if (parsedSchemas.size >= MAX_PARSED_SCHEMAS) parsedSchemas.delete(parsedSchemas.keys().next().value!);
    parsedSchemas.set(dataSource.id, { version, text, schema });
    return schema;
  } catch {
    return null;
  }
}

async function refreshSchema(dataSource: DataSource): Promise<SchemaSnapshot> {
  const schema = await connectorFor(dataSource).introspect();
  await db.dataSource.update({
    where: { id: dataSource.id },
    data: { schemaCache: JSON.stringify(schema), lastSyncedAt: new Date() },
  });
  return schema;
}
