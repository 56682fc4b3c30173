import "server-only";
import { z } from "zod";
import { notFound } from "../../errors";
import { toJobDto, type JobDto } from "../../dto/jobs";
import { createProvider, deleteProvider, listProviders, testProvider } from "../../services/ai/providers";
import { requestAutoGuess } from "../../services/dictionary/auto-guess";
import { getTable, listTables, updateColumn, updateTable } from "../../services/dictionary/store";
import { getJobFor } from "../../services/jobs";
import { defineRoute } from "../route";

/**
 * InsightEngine's data dictionary ("Kamus Data", `/metadata/...`) and AI providers
 * (`/ai-providers`). A data source is named by `database_id`, `data_source_id` or
 * `connection_id` (the caller's first readable source when none; unknown ids are 404).
 */
const tag = "ai";
const sourceQuery = z.object({
  database_id: z.string().min(1).max(100).optional(),
  data_source_id: z.string().min(1).max(100).optional(),
  connection_id: z.string().min(1).max(100).optional(),
});
// Answer schemas for the OpenAPI document (openapi-walk.test.ts checks real answers against them).
const text = z.string();
const restColumnEntry = z.looseObject({ name: text, type: text, description: text.nullable(), nullable: z.boolean(), tags: z.array(text), primary_key: z.boolean() });
const restTableEntry = z.looseObject({
  name: text, type: text, description: text.nullable(), database_id: text, columns: z.array(restColumnEntry), relationships: z.array(z.looseObject({ table: text })),
});
const restAutoGuess = z.looseObject({ job_id: text, status: text, job_status: text, progress: z.number(), message: text, created_at: text, finished_at: text.nullable() });
const restProvider = z.object({
  id: text, name: text, provider: text, model: text, base_url: text.nullable(), api_key_encrypted: z.boolean(), has_api_key: z.boolean(),
  is_default: z.boolean(), context_window: z.number().nullable(), timeout_ms: z.number().nullable(), created_at: text,
});
const sourceOf = (q: { database_id?: string; data_source_id?: string; connection_id?: string }) => q.database_id ?? q.data_source_id ?? q.connection_id;

type TableDetail = Awaited<ReturnType<typeof getTable>>;
type Column = TableDetail["columns"][number];

const columnBody = (c: Column) => ({
  name: c.name,
  alias: c.alias,
  type: c.type,
  description: c.description,
  nullable: c.nullable,
  tags: c.tags,
  synonyms: c.synonyms,
  sample_values: c.sampleValues,
  primary_key: c.primaryKey,
  foreign_key: c.foreignKey,
  state: c.state,
  renamed_to: c.renamedTo,
  edited_fields: c.editedFields,
  proposals: c.proposals,
  updated_by: c.updatedBy,
  updated_at: c.updatedAt,
});

const tableBody = (t: TableDetail) => ({
  name: t.name,
  schema: t.schema,
  alias: t.alias,
  description: t.description,
  synonyms: t.synonyms,
  type: t.type,
  row_count: t.rowCount,
  columns_count: t.columnsCount,
  state: t.state,
  database_id: t.dataSourceId,
  columns: t.columns.map(columnBody),
  relationships: t.relationships.map((r) => ({ table: r.table, columns: r.columns, referenced_table: r.referencedTable, referenced_columns: r.referencedColumns, direction: r.direction })),
  proposals: t.proposals,
  updated_by: t.updatedBy,
  updated_at: t.updatedAt,
});

const metaBody = z.object({
  alias: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  synonyms: z.array(z.string().max(100)).max(30).optional(),
});

type Job = JobDto;
const autoGuessBody = (job: Job) => ({
  job_id: job.id,
  status: job.status === "queued" || job.status === "running" ? "processing" : job.status,
  job_status: job.status,
  progress: job.progress,
  message: job.message,
  results: job.result ?? null,
  error: job.error,
  created_at: job.createdAt,
  finished_at: job.finishedAt,
});

type Provider = Awaited<ReturnType<typeof listProviders>>[number];
const providerBody = (p: Provider): z.infer<typeof restProvider> => ({
  id: p.id,
  name: p.name,
  provider: p.provider,
  model: p.model,
  base_url: p.baseUrl,
  api_key_encrypted: p.hasApiKey,
  has_api_key: p.hasApiKey,
  is_default: p.isDefault,
  context_window: p.contextWindow,
  timeout_ms: p.timeoutMs,
  created_at: p.createdAt,
});

export const aiRoutes = [
  defineRoute({
    method: "GET", path: "/metadata/tables", format: "insight", auth: "user", procedure: "dictionary.tables", tag,
    summary: "Every table with its dictionary entry", query: sourceQuery,
    response: z.object({ database_id: text, tables: z.array(z.looseObject({ name: text, type: text, columns_count: z.number() })) }),
    async handle({ principal, query }) {
      const out = await listTables(principal, sourceOf(query));
      return {
        body: {
          database_id: out.dataSourceId,
          tables: out.tables.map((t) => ({ name: t.name, schema: t.schema, alias: t.alias, description: t.description, synonyms: t.synonyms, type: t.type, columns_count: t.columnsCount, row_count: t.rowCount, state: t.state, updated_by: t.updatedBy, updated_at: t.updatedAt })),
        },
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/metadata/tables/:table_name", format: "insight", auth: "user", procedure: "dictionary.table", tag,
    summary: "One table's dictionary: columns, tags, masked samples, relationships", query: sourceQuery, response: restTableEntry,
    async handle({ principal, params, query }) {
      return { body: tableBody(await getTable(principal, params.table_name!, sourceOf(query))) };
    },
  }),
  defineRoute({
    method: "PUT", path: "/metadata/tables/:table_name", format: "insight", auth: "user", procedure: "dictionary.updateTable", tag,
    summary: "Set a table's alias, description or synonyms (write access)", query: sourceQuery, body: metaBody, response: restTableEntry,
    async handle({ principal, params, query, body }) {
      return { body: tableBody(await updateTable(principal, params.table_name!, body, sourceOf(query))) };
    },
  }),
  defineRoute({
    method: "PUT", path: "/metadata/columns/:table_name/:column_name", format: "insight", auth: "user", procedure: "dictionary.updateColumn", tag,
    summary: "Set a column's alias, description, tags or synonyms (write access)", query: sourceQuery,
    response: restColumnEntry.extend({ table: text, database_id: text }),
    body: metaBody.extend({ tags: z.array(z.string().max(30)).max(10).optional() }),
    async handle({ principal, params, query, body }) {
      const c = await updateColumn(principal, params.table_name!, params.column_name!, body, sourceOf(query));
      return { body: { ...columnBody(c), table: c.table, database_id: c.dataSourceId } };
    },
  }),
  defineRoute({
    method: "POST", path: "/metadata/auto-guess", format: "insight", auth: "user", procedure: "dictionary.autoGuess", tag, successStatus: 202,
    summary: "Propose metadata from names, types and sampled values (a job)",
    response: restAutoGuess.extend({ existing: z.boolean(), poll_url: text }),
    body: sourceQuery.extend({ table_names: z.array(z.string().min(1).max(300)).max(1000).optional() }),
    async handle({ principal, body }) {
      const job = await requestAutoGuess(principal, { dataSourceId: sourceOf(body), tables: body.table_names });
      const full = toJobDto(await getJobFor(principal, job.id));
      return { status: 202, body: { ...autoGuessBody(full), existing: job.existing, poll_url: `/api/v1/metadata/auto-guess/${job.id}` } };
    },
  }),
  defineRoute({
    method: "GET", path: "/metadata/auto-guess/:job_id", format: "insight", auth: "user", procedure: "jobs.get", tag,
    summary: "Auto-guess progress and, once done, its results", response: restAutoGuess,
    async handle({ principal, params }) {
      const job = toJobDto(await getJobFor(principal, params.job_id!));
      if (job.name !== "metadata-auto-guess") throw notFound("Auto-guess job", params.job_id);
      return { body: autoGuessBody(job) };
    },
  }),
  defineRoute({
    method: "POST", path: "/ai-providers", format: "insight", auth: "user", procedure: "ai.createProvider", tag, successStatus: 201,
    summary: "Configure a model provider (admins); the key is stored encrypted and never returned", response: restProvider,
    body: z.object({
      name: z.string().max(100).optional(),
      provider: z.string({ error: "provider is required" }).min(1).max(40),
      model: z.string({ error: "model is required" }).min(1).max(200),
      api_key: z.string().max(4000).optional(),
      // The document's flag says the client sends a key to be encrypted; the key itself is `api_key`.
      api_key_encrypted: z.boolean().optional(),
      base_url: z.string().max(2000).optional(),
      is_default: z.boolean().optional(),
      context_window: z.number().int().min(64).max(10_000_000).optional(),
      timeout_ms: z.number().int().min(1000).max(600_000).optional(),
    }),
    async handle({ principal, body }) {
      const p = await createProvider(principal, {
        name: body.name, provider: body.provider, model: body.model, apiKey: body.api_key, baseUrl: body.base_url,
        isDefault: body.is_default, contextWindow: body.context_window, timeoutMs: body.timeout_ms,
      });
      return { status: 201, body: providerBody(p) };
    },
  }),
  defineRoute({
    method: "GET", path: "/ai-providers", format: "insight", auth: "user", procedure: "ai.providers", tag,
    summary: "Configured model providers (never their keys)",
    response: z.object({ providers: z.array(restProvider), data: z.array(restProvider), built_in: z.object({ engine: z.literal("builtin"), available: z.boolean(), is_default: z.boolean() }) }),
    async handle({ principal }) {
      const list = (await listProviders(principal)).map(providerBody);
      return { body: { providers: list, data: list, built_in: { engine: "builtin", available: true, is_default: !list.some((p) => p.is_default) } } };
    },
  }),
  defineRoute({
    method: "POST", path: "/ai-providers/:id/test", format: "insight", auth: "user", procedure: "ai.testProvider", tag,
    summary: "Call the model once: success, model and latency",
    response: z.object({ success: z.boolean(), model: text, latency_ms: z.number().nullable(), message: text }),
    async handle({ principal, params }) {
      const t = await testProvider(principal, params.id!);
      return { body: { success: t.success, model: t.model, latency_ms: t.latencyMs, message: t.message } };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/ai-providers/:id", format: "insight", auth: "user", procedure: "ai.deleteProvider", tag,
    summary: "Remove a model provider (admins)", response: z.object({ success: z.literal(true), id: text, message: text }),
    async handle({ principal, params }) {
      await deleteProvider(principal, params.id!);
      return { body: { success: true, id: params.id, message: "AI provider removed" } };
    },
  }),
];
