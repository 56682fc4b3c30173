import "server-only";
import type { DictionaryEntry } from "@prisma/client";
import type { SchemaSnapshot, SchemaTable } from "../../connectors/types";
import { db } from "../../db";
import { notFound, validationFailed } from "../../errors";
import type { Access } from "../access";
import { recordAudit } from "../audit";
import { cachedSchema } from "../datasources/status";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { assertCanEdit, dictionarySource } from "./access";
import { TAGS, type Proposal, type Tag } from "./guess";
import { reconcilePlan } from "./reconcile";

/**
 * The data dictionary of one data source: per table and column an alias, description,
 * tags, synonyms and masked sample values, with who edited it and when. Entries are
 * reconciled with the cached schema whenever it is read or synced (reconcile.ts).
 */
export interface StoredProposal extends Proposal {
  status: "pending" | "applied" | "accepted" | "rejected";
}

export interface ColumnMeta {
  name: string;
  type: string | null;
  nullable: boolean | null;
  primaryKey: boolean;
  foreignKey: { table: string; column: string } | null;
  alias: string;
  description: string;
  tags: Tag[];
  synonyms: string[];
  sampleValues: string[];
  state: "present" | "dropped" | "renamed";
  renamedTo: string | null;
  editedFields: string[];
  proposals: StoredProposal[];
  updatedBy: string | null;
  updatedAt: string;
}

export interface TableMeta {
  schema: string | null;
  name: string;
  type: "table" | "view" | null;
  alias: string;
  description: string;
  synonyms: string[];
  rowCount: number | null;
  columnsCount: number;
  state: "present" | "dropped" | "renamed";
  proposals: StoredProposal[];
  updatedBy: string | null;
  updatedAt: string;
}

export interface TableDetail extends TableMeta {
  columns: ColumnMeta[];
  relationships: { columns: string[]; referencedTable: string; referencedColumns: string[]; direction: "outgoing" | "incoming"; table: string }[];
}

const json = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/** Brings the dictionary in line with a schema snapshot (called on sync and on read). */
export async function syncDictionary(dataSourceId: string, schema: SchemaSnapshot): Promise<void> {
  const entries = await db.dictionaryEntry.findMany({ where: { dataSourceId }, select: { id: true, tableSchema: true, tableName: true, columnName: true, state: true, renamedTo: true } });
  const plan = reconcilePlan(schema, entries);
  if (!plan.create.length && !plan.update.length) return;
  await db.$transaction([
    ...plan.create.map((k) => db.dictionaryEntry.upsert({ where: { dataSourceId_tableSchema_tableName_columnName: { dataSourceId, ...k } }, create: { dataSourceId, ...k }, update: {} })),
    ...plan.update.map((u) => db.dictionaryEntry.update({ where: { id: u.id }, data: { state: u.state, renamedTo: u.renamedTo } })),
  ]);
}

export interface LoadedDictionary {
  dataSourceId: string;
  engine: string;
  database: string;
  access: Access;
  schema: SchemaSnapshot;
  entries: DictionaryEntry[];
}

export async function loadDictionary(principal: Principal, dataSourceId?: string): Promise<LoadedDictionary> {
  const { row, access } = await dictionarySource(principal, dataSourceId);
  const { schema } = await cachedSchema(principal, row.id);
  await syncDictionary(row.id, schema);
  const entries = await db.dictionaryEntry.findMany({ where: { dataSourceId: row.id }, orderBy: [{ tableName: "asc" }, { columnName: "asc" }] });
  return { dataSourceId: row.id, engine: row.engine, database: row.database, access, schema, entries };
}

const findTable = (schema: SchemaSnapshot, name: string): SchemaTable | undefined => {
  const lower = name.toLowerCase();
  return schema.tables.find((t) => t.name === name || `${t.schema}.${t.name}` === name) ?? schema.tables.find((t) => t.name.toLowerCase() === lower || `${t.schema}.${t.name}`.toLowerCase() === lower);
};

function tableMeta(entry: DictionaryEntry, table: SchemaTable | undefined): TableMeta {
  return {
    schema: entry.tableSchema || null,
    name: entry.tableName,
    type: table?.type ?? null,
    alias: entry.alias,
    description: entry.description,
    synonyms: json(entry.synonyms, []),
    rowCount: table?.approxRowCount ?? null,
    columnsCount: table?.columns.length ?? 0,
    state: entry.state as TableMeta["state"],
    proposals: json(entry.proposals, []),
    updatedBy: entry.updatedBy,
    updatedAt: entry.updatedAt.toISOString(),
  };
}

function columnMeta(entry: DictionaryEntry, table: SchemaTable | undefined): ColumnMeta {
  const col = table?.columns.find((c) => c.name === entry.columnName);
  const fk = table?.foreignKeys.find((f) => f.columns.includes(entry.columnName));
  return {
    name: entry.columnName,
    type: col?.type ?? null,
    nullable: col?.nullable ?? null,
    primaryKey: !!col?.primaryKey || !!table?.primaryKey.includes(entry.columnName),
    foreignKey: fk ? { table: fk.referencedTable, column: fk.referencedColumns[fk.columns.indexOf(entry.columnName)] ?? fk.referencedColumns[0] ?? "" } : null,
    alias: entry.alias,
    description: entry.description,
    tags: json(entry.tags, []),
    synonyms: json(entry.synonyms, []),
    sampleValues: json(entry.sampleValues, []),
    state: entry.state as ColumnMeta["state"],
    renamedTo: entry.renamedTo,
    editedFields: json(entry.editedFields, []),
    proposals: json(entry.proposals, []),
    updatedBy: entry.updatedBy,
    updatedAt: entry.updatedAt.toISOString(),
  };
}

export async function listTables(principal: Principal, dataSourceId?: string): Promise<{ dataSourceId: string; tables: TableMeta[] }> {
  const d = await loadDictionary(principal, dataSourceId);
  const tables = d.entries
    .filter((e) => e.columnName === "")
    .map((e) => tableMeta(e, d.schema.tables.find((t) => (t.schema ?? "") === e.tableSchema && t.name === e.tableName)));
  return { dataSourceId: d.dataSourceId, tables };
}

function entryOf(d: LoadedDictionary, tableName: string, columnName = ""): { entry: DictionaryEntry; table: SchemaTable | undefined } {
  const table = findTable(d.schema, tableName);
  const [schemaPart, namePart] = tableName.includes(".") && !table ? tableName.split(".", 2) : [table?.schema ?? undefined, table?.name ?? tableName];
  const entry = d.entries.find(
    (e) => e.tableName === namePart && (schemaPart === undefined || e.tableSchema === (schemaPart ?? "")) && e.columnName === columnName,
  ) ?? d.entries.find((e) => e.tableName.toLowerCase() === String(namePart).toLowerCase() && e.columnName.toLowerCase() === columnName.toLowerCase());
  if (!entry) throw notFound(columnName ? "Column" : "Table", columnName ? `${tableName}.${columnName}` : tableName);
  return { entry, table };
}

export async function getTable(principal: Principal, tableName: string, dataSourceId?: string): Promise<TableDetail & { dataSourceId: string }> {
  const d = await loadDictionary(principal, dataSourceId);
  const { entry, table } = entryOf(d, tableName);
  const columns = d.entries
    .filter((e) => e.tableSchema === entry.tableSchema && e.tableName === entry.tableName && e.columnName !== "")
    .map((e) => columnMeta(e, table))
    // schema order first, flagged (dropped/renamed) columns after
    .sort((a, b) => order(table, a.name) - order(table, b.name));
  const relationships: TableDetail["relationships"] = [
    ...(table?.foreignKeys ?? []).map((fk) => ({ ...fk, direction: "outgoing" as const, table: entry.tableName })),
    ...d.schema.tables.flatMap((t) =>
      t.foreignKeys.filter((fk) => fk.referencedTable === entry.tableName).map((fk) => ({ ...fk, direction: "incoming" as const, table: t.name })),
    ),
  ].map((r) => ({ columns: r.columns, referencedTable: r.referencedTable, referencedColumns: r.referencedColumns, direction: r.direction, table: r.table }));
  return { ...tableMeta(entry, table), columns, relationships, dataSourceId: d.dataSourceId };
}

const order = (table: SchemaTable | undefined, column: string) => {
  const i = table?.columns.findIndex((c) => c.name === column) ?? -1;
  return i < 0 ? 10_000 : i;
};

export interface MetaPatch {
  alias?: string;
  description?: string;
  tags?: string[];
  synonyms?: string[];
}

function checkPatch(patch: MetaPatch, column: boolean): { data: Record<string, string>; fields: string[] } {
  const issues: { field: string; message: string }[] = [];
  const data: Record<string, string> = {};
  const fields: string[] = [];
  if (patch.alias !== undefined) {
    if (patch.alias.length > 200) issues.push({ field: "alias", message: "at most 200 characters" });
    data.alias = patch.alias.trim();
    fields.push("alias");
  }
  if (patch.description !== undefined) {
    if (patch.description.length > 4000) issues.push({ field: "description", message: "at most 4000 characters" });
    data.description = patch.description.trim();
    fields.push("description");
  }
  if (patch.tags !== undefined) {
    if (!column) issues.push({ field: "tags", message: "tags belong to columns" });
    const canonical = patch.tags.map((t) => TAGS.find((k) => k.toLowerCase() === t.toLowerCase()));
    const bad = patch.tags.filter((_, i) => !canonical[i]);
    if (bad.length) issues.push({ field: "tags", message: `unknown tag ${bad.join(", ")}; use ${TAGS.join(", ")}` });
    data.tags = JSON.stringify([...new Set(canonical.filter(Boolean))]);
    fields.push("tags");
  }
  if (patch.synonyms !== undefined) {
    if (patch.synonyms.length > 30 || patch.synonyms.some((s) => s.length > 100)) issues.push({ field: "synonyms", message: "at most 30 synonyms of 100 characters" });
    data.synonyms = JSON.stringify([...new Set(patch.synonyms.map((s) => s.trim()).filter(Boolean))]);
    fields.push("synonyms");
  }
  if (issues.length) throw validationFailed(issues);
  return { data, fields };
}

async function applyEdit(principal: Principal, d: LoadedDictionary, entry: DictionaryEntry, patch: MetaPatch): Promise<void> {
  assertCanEdit(d.access);
  const user = requireActingUser(principal);
  const { data, fields } = checkPatch(patch, entry.columnName !== "");
  const edited = [...new Set([...json<string[]>(entry.editedFields, []), ...fields])];
  // A person's decision settles the auto-guess proposals for the same fields.
  const proposals = json<StoredProposal[]>(entry.proposals, []).map((p) => (fields.includes(p.field) && p.status !== "rejected" ? { ...p, status: "rejected" as const } : p));
  await db.dictionaryEntry.update({
    where: { id: entry.id },
    data: { ...data, editedFields: JSON.stringify(edited), proposals: JSON.stringify(proposals), updatedById: user.id, updatedBy: user.email },
  });
  await recordAudit(auditActorOf(principal), {
    action: "update_dictionary",
    resourceType: "data_source",
    resourceId: d.dataSourceId,
    details: { table: entry.tableName, column: entry.columnName || undefined, fields },
  });
}

export async function updateTable(principal: Principal, tableName: string, patch: MetaPatch, dataSourceId?: string) {
  const d = await loadDictionary(principal, dataSourceId);
  const { entry } = entryOf(d, tableName);
  await applyEdit(principal, d, entry, patch);
  return getTable(principal, tableName, d.dataSourceId);
}

export async function updateColumn(principal: Principal, tableName: string, columnName: string, patch: MetaPatch, dataSourceId?: string): Promise<ColumnMeta & { dataSourceId: string; table: string }> {
  const d = await loadDictionary(principal, dataSourceId);
  const { entry, table } = entryOf(d, tableName, columnName);
  await applyEdit(principal, d, entry, patch);
  const fresh = await db.dictionaryEntry.findUniqueOrThrow({ where: { id: entry.id } });
  return { ...columnMeta(fresh, table), dataSourceId: d.dataSourceId, table: entry.tableName };
}

/** Accepts (applies and keeps as a person's choice) or rejects (reverts an applied guess) one proposal. */
export async function decideProposal(
  principal: Principal,
  target: { table: string; column?: string; field: Proposal["field"] },
  decision: "accept" | "reject",
  dataSourceId?: string,
): Promise<ColumnMeta | TableMeta> {
  const d = await loadDictionary(principal, dataSourceId);
  assertCanEdit(d.access);
  const { entry, table } = entryOf(d, target.table, target.column ?? "");
  const proposals = json<StoredProposal[]>(entry.proposals, []);
  const i = proposals.findIndex((p) => p.field === target.field && (p.status === "pending" || p.status === "applied"));
  if (i < 0) throw notFound("Open proposal", `${target.field} of ${target.table}${target.column ? `.${target.column}` : ""}`);
  const p = proposals[i]!;
  const user = requireActingUser(principal);
  const value = Array.isArray(p.value) ? JSON.stringify(p.value) : p.value;
  const data: Record<string, string> = {};
  if (decision === "accept") data[p.field] = value;
  else if (p.status === "applied") data[p.field] = p.field === "tags" ? "[]" : "";
  proposals[i] = { ...p, status: decision === "accept" ? "accepted" : "rejected" };
  const edited = [...new Set([...json<string[]>(entry.editedFields, []), p.field])];
  const fresh = await db.dictionaryEntry.update({
    where: { id: entry.id },
    data: { ...data, proposals: JSON.stringify(proposals), editedFields: JSON.stringify(edited), updatedById: user.id, updatedBy: user.email },
  });
  await recordAudit(auditActorOf(principal), {
    action: "update_dictionary",
    resourceType: "data_source",
    resourceId: d.dataSourceId,
    details: { table: entry.tableName, column: entry.columnName || undefined, proposal: p.field, decision },
  });
  return entry.columnName ? columnMeta(fresh, table) : tableMeta(fresh, table);
}

/**
 * Source columns the dictionary tags PII, for masking lineage. Read straight from the
 * app database (no principal: masking is decided for whoever runs the query).
 */
export async function piiColumns(dataSourceId: string): Promise<Set<string>> {
  const rows = await db.dictionaryEntry.findMany({ where: { dataSourceId, tags: { contains: '"PII"' } }, select: { tableSchema: true, tableName: true, columnName: true } });
  return new Set(rows.map((r) => `${r.tableSchema.toLowerCase()}\u0000${r.tableName.toLowerCase()}\u0000${r.columnName.toLowerCase()}`));
}
