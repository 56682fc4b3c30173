import "server-only";
import type { DataSource } from "@prisma/client";
import type { Connector, ResultColumn, SchemaSnapshot } from "../../connectors/types";
import { db } from "../../db";
import { touchedTables } from "../../sql/touched-tables";
import type { AnalyzedStatement, SqlDialect } from "../../sql/types";
import { accessTo, type Access } from "../access";
import { applyMask, maskingPlan, type MaskingContext, type MaskingPlan, type PersonalColumn } from "../access/masking";
import type { SessionUser } from "../auth/session";
import { connectorFor } from "../datasources/connection";
import type { EngineName } from "../datasources/engines";
import { analyzeOrThrow } from "./gateway";
import { personalFromDictionary } from "../dictionary/personal";

/**
 * The masking plan of one read for one caller, decided before it runs. Readers' plans
 * need the data source's schema (for `*` and to know which tables hold personal data);
 * a table missing from the cached schema triggers one fresh introspection, so a stale
 * cache cannot hide a new table's personal columns.
 */
export interface PlanInput {
  dataSource: DataSource;
  access: Access;
  statement: AnalyzedStatement;
  connector: Connector;
}

export async function maskingPlanFor(
  check: PlanInput,
  options: { unknownTables?: "refuse" | "refuse-rows"; isPersonal?: PersonalColumn } = {},
): Promise<MaskingPlan> {
  if (check.access.canWrite) return { mode: "off" };
  const isPersonal = options.isPersonal ?? (await personalFromDictionary(check.dataSource.id)); // the dictionary's PII tags
  const context = (schema: SchemaSnapshot): MaskingContext => ({
    dialect: check.dataSource.engine as SqlDialect,
    schema,
    defaultSchema: check.dataSource.engine === "mysql" ? check.dataSource.database : undefined,
    isPersonal,
  });
  const cached = storedSchema(check.dataSource);
  let ctx = context(cached ?? (await refreshSchema(check.dataSource, check.connector)));
  if (cached) {
    const touched = touchedTables(check.statement, ctx);
    // Caches from before functions were collected cannot say which calls are user-defined.
    const noFunctions = cached.functions === undefined && check.dataSource.engine !== "sqlite";
    if (noFunctions || touched.unknown.length || touched.opaqueViews.length) ctx = context(await refreshSchema(check.dataSource, check.connector));
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

/** Access is checked by the caller (the gateway, or ownership of the stored run). */
function storedSchema(dataSource: DataSource): SchemaSnapshot | null {
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

async function refreshSchema(dataSource: DataSource, connector: Connector): Promise<SchemaSnapshot> {
  const schema = await connector.introspect();
  await db.dataSource.update({
    where: { id: dataSource.id },
    data: { schemaCache: JSON.stringify(schema), lastSyncedAt: new Date() },
  });
  return schema;
}

const READER: Access = { canRead: true, canWrite: false, canApprove: false };

/**
 * Stored result rows as their audience may see them NOW: the caller (history pages), or
 * anyone holding a share link (`public`: always masked as for a reader, since recipients
 * need no access at all). Re-masking is idempotent, so rows stored masked stay as they
 * were, and rows stored for a writer who has since lost write access, or stored before
 * lineage masking, are masked on the way out.
 */
export async function maskStoredRows(
  user: SessionUser | null,
  run: { dataSourceId: string | null; sql: string },
  columns: ResultColumn[],
  rows: Record<string, unknown>[],
  audience: "caller" | "public",
): Promise<Record<string, unknown>[]> {
  const dataSource = run.dataSourceId ? await db.dataSource.findUnique({ where: { id: run.dataSourceId } }) : null;
  const access = audience === "public" || !dataSource || !user ? READER : await accessTo(user, dataSource.id);
  if (access.canWrite) return rows;
  if (!dataSource) return applyMask(rows, columns, { mode: "names" });
  const statement = analyzeOrThrow(run.sql, dataSource.engine as EngineName).statements[0]!;
  const plan = await maskingPlanFor({ dataSource, access: { ...access, canWrite: false }, statement, connector: connectorFor(dataSource) });
  return applyMask(rows, columns, plan);
}
