import "server-only";
import type { DictionaryEntry } from "@prisma/client";
import { quoteIdent } from "../../ai/nl2sql";
import type { SchemaSnapshot, SchemaTable } from "../../connectors/types";
import { db } from "../../db";
import { validationFailed } from "../../errors";
import { jobQueue } from "../../jobs";
import type { EnqueueResult } from "../../jobs/queue";
import { maskValue } from "../access/masking";
import { recordAudit } from "../audit";
import { runThroughReadPath } from "../ai/read";
import { auditActorOf, requireActingUser, type Principal } from "../principal";
import { kindOfType } from "../../ai/nl2sql/kinds";
import { assertCanEdit } from "./access";
import { guessColumn, guessTable, type Proposal } from "./guess";
import { loadDictionary, type StoredProposal } from "./store";

/**
 * Auto-guess: samples each column through the read path, proposes aliases,
 * descriptions and tags (PII among them) with a confidence, and applies a proposal
 * only to fields no person has set. Sampled values of personal columns are stored
 * masked. Runs as a job (metadata-auto-guess) so progress is visible.
 */
const SAMPLE_VALUES = 10;
/** Distinct values kept for a categorical column, so questions can name them. */
const CATEGORY_LIMIT = 200;
const APPLY_AT = 0.5;

export async function requestAutoGuess(principal: Principal, input: { dataSourceId?: string; tables?: string[] }): Promise<EnqueueResult> {
  const d = await loadDictionary(principal, input.dataSourceId);
  assertCanEdit(d.access);
  const unknown = (input.tables ?? []).filter((n) => !d.schema.tables.some((t) => t.name === n || `${t.schema}.${t.name}` === n));
  if (unknown.length) throw validationFailed([{ field: "table_names", message: `unknown table ${unknown.join(", ")}` }]);
  const { autoGuessJob } = await import("../../jobs/definitions/metadata-auto-guess");
  return jobQueue().enqueue(
    autoGuessJob,
    { dataSourceId: d.dataSourceId, tables: input.tables ?? [] },
    { principal: requireActingUser(principal), idempotencyKey: `auto-guess:${d.dataSourceId}:${(input.tables ?? []).join(",")}`, keyScope: "active" },
  );
}

export interface AutoGuessResult {
  dataSourceId: string;
  tables: { name: string; columns: number; proposals: number; applied: number; piiColumns: string[] }[];
}

export async function runAutoGuess(
  principal: Principal,
  input: { dataSourceId: string; tables: string[] },
  progress: (percent: number, message: string) => Promise<void>,
  signal?: AbortSignal,
): Promise<AutoGuessResult> {
  const d = await loadDictionary(principal, input.dataSourceId);
  assertCanEdit(d.access); // checked again: the grant may have changed since the enqueue
  const tables = d.schema.tables.filter((t) => !input.tables.length || input.tables.includes(t.name) || input.tables.includes(`${t.schema}.${t.name}`));
  const result: AutoGuessResult = { dataSourceId: d.dataSourceId, tables: [] };
  for (const [i, table] of tables.entries()) {
    signal?.throwIfAborted();
    await progress(Math.round((i / Math.max(1, tables.length)) * 95), `Sampling ${table.name}`);
    result.tables.push(await guessOneTable(principal, d.dataSourceId, d.engine, d.database, table, d.entries, d.schema));
  }
  await recordAudit(auditActorOf(principal), {
    action: "auto_guess_dictionary",
    resourceType: "data_source",
    resourceId: d.dataSourceId,
    details: { tables: result.tables.length, proposals: result.tables.reduce((n, t) => n + t.proposals, 0) },
  });
  await progress(100, "Done");
  return result;
}

type Dialect = "sqlite" | "postgres" | "mysql";

export function fromClause(table: SchemaTable, dialect: Dialect, database: string): string {
  const q = (n: string) => quoteIdent(n, dialect);
  if (table.schema && !(dialect === "mysql" && table.schema === database)) return `${q(table.schema)}.${q(table.name)}`;
  return q(table.name);
}

export async function sample(principal: Principal, dataSourceId: string, sql: string, maxRows: number): Promise<Record<string, unknown>[] | null> {
  try {
    const out = await runThroughReadPath(principal, { dataSourceId, sql, maxRows, source: "dictionary" });
    return out.type === "result" ? out.result.rows : null;
  } catch {
    // A column the read policy or the engine refuses is simply not sampled.
    return null;
  }
}

async function guessOneTable(
  principal: Principal,
  dataSourceId: string,
  engine: string,
  database: string,
  table: SchemaTable,
  entries: DictionaryEntry[],
  schema: SchemaSnapshot,
): Promise<AutoGuessResult["tables"][number]> {
  const dialect = engine as Dialect;
  const q = (n: string) => quoteIdent(n, dialect);
  const from = fromClause(table, dialect, database);
  const rows = (await sample(principal, dataSourceId, `SELECT * FROM ${from} LIMIT 50`, 50)) ?? [];
  const out = { name: table.name, columns: table.columns.length, proposals: 0, applied: 0, piiColumns: [] as string[] };
  const tableSchema = table.schema ?? "";
  const entryOf = (column: string) => entries.find((e) => e.tableSchema === tableSchema && e.tableName === table.name && e.columnName === column);

  const tableEntry = entryOf("");
  if (tableEntry) {
    const applied = await store(tableEntry, guessTable(table.name), {});
    out.proposals += 1;
    out.applied += applied;
  }
  void schema;
  for (const column of table.columns) {
    const entry = entryOf(column.name);
    if (!entry) continue;
    const values = rows.map((r) => r[column.name]).filter((v) => v !== null && v !== undefined).map((v) => String(v));
    let categorical: string[] | null = null;
    if (kindOfType(column.type) === "text") {
      const counts = await sample(
        principal,
        dataSourceId,
        `SELECT ${q(column.name)} AS v, COUNT(*) AS n FROM ${from} WHERE ${q(column.name)} IS NOT NULL GROUP BY ${q(column.name)} ORDER BY 2 DESC LIMIT ${CATEGORY_LIMIT + 1}`,
        CATEGORY_LIMIT + 1,
      );
      if (counts && counts.length <= CATEGORY_LIMIT) categorical = counts.map((r) => String(r.v));
    }
    const fk = table.foreignKeys.find((f) => f.columns.includes(column.name));
    const proposals = guessColumn({
      table: table.name,
      name: column.name,
      type: column.type,
      primaryKey: column.primaryKey || table.primaryKey.includes(column.name),
      foreignKey: fk ? { table: fk.referencedTable, column: fk.referencedColumns[0] ?? "" } : undefined,
      samples: values,
      distinct: categorical?.length ?? new Set(values).size,
    });
    const tags = (proposals.find((p) => p.field === "tags")?.value as string[] | undefined) ?? [];
    const personal = tags.includes("PII") || JSON.parse(entry.tags || "[]").includes("PII");
    if (personal) out.piiColumns.push(column.name);
    // Personal values are stored masked; categories of personal columns are not kept at all.
    const kept = personal ? [...new Set(values)].slice(0, SAMPLE_VALUES).map((v) => String(maskValue(v))) : (categorical ?? [...new Set(values)]).slice(0, categorical ? CATEGORY_LIMIT : SAMPLE_VALUES);
    const applied = await store(entry, proposals, { sampleValues: JSON.stringify(kept), valuesComplete: !personal && !!categorical });
    out.proposals += proposals.length;
    out.applied += applied;
  }
  return out;
}

/** Stores proposals; applies those above the bar to fields no person has set. Returns how many were applied. */
async function store(entry: DictionaryEntry, proposals: Proposal[], extra: { sampleValues?: string; valuesComplete?: boolean }): Promise<number> {
  const edited: string[] = JSON.parse(entry.editedFields || "[]");
  const previous: StoredProposal[] = JSON.parse(entry.proposals || "[]");
  const data: Record<string, string> = {};
  const stored: StoredProposal[] = [];
  let applied = 0;
  for (const p of proposals) {
    // A proposal a person rejected stays rejected while it proposes the same thing.
    const rejected = previous.find((x) => x.field === p.field && x.status === "rejected" && JSON.stringify(x.value) === JSON.stringify(p.value));
    if (rejected) {
      stored.push(rejected);
      continue;
    }
    const apply = !edited.includes(p.field) && p.confidence >= APPLY_AT;
    if (apply) {
      data[p.field] = Array.isArray(p.value) ? JSON.stringify(p.value) : p.value;
      applied++;
    }
    stored.push({ ...p, status: edited.includes(p.field) ? "pending" : apply ? "applied" : "pending" });
  }
  await db.dictionaryEntry.update({
    where: { id: entry.id },
    data: { ...data, ...extra, proposals: JSON.stringify(stored), sampledAt: new Date() },
  });
  return applied;
}
