import "server-only";
import { z } from "zod";
import { pageWindow, pagingQuery, totalPages } from "../pagination";
import type { UserPrincipal } from "../../services/principal";
import { defaultDataSourceId } from "../../services/datasources/crud";
import { executeQuery } from "../../services/queries/execute";
import { exportQuery } from "../../services/queries/export";
import { cancelRun, deleteRun, getRun, listHistory, resultPage } from "../../services/queries/history";
import { validateSql } from "../../services/queries/validate";
import type { QueryRunView } from "../../services/queries/views";
import { createShareLink } from "../../services/shares";
import { defineRoute } from "../route";
import { pendingApproval, restPendingApproval } from "./approvals";
import { askQuestion, type AskAnswer } from "../../services/ai/ask";
import { AppError } from "../../errors";
import { columnFormat, columnTypes, restColumns, restColumnTypes, resultColumns, type ColumnFormat } from "../columns";

/**
 * Running queries and their history: QueryBase's `/queries`, InsightEngine's
 * `/queries/execute|validate|cancel`, Analytics Assistant's `/query`. All call the same
 * procedures (one execution pipe, services/execution).
 */
type Execution = Awaited<ReturnType<typeof executeQuery>>;
type Result = Extract<Execution, { type: "result" }>["result"];
type Run = QueryRunView;

const tag = "queries";
const text = z.string();
const nullableText = text.nullable();
const rows = z.array(z.record(text, z.unknown()));
const restRun = z.object({
  id: text, data_source_id: nullableText, query_text: text, operation_type: text, kind: text, status: text, row_count: z.number(),
  truncated: z.boolean(), truncated_reason: nullableText, stored_partial: z.boolean(), execution_time_ms: z.number().nullable(),
  error: nullableText, created_at: text, finished_at: nullableText,
});
const restQueryBaseResult = z.object({
  id: text, query_id: text, status: text, row_count: z.number(), truncated: z.boolean(), truncated_reason: nullableText,
  columns: restColumns, column_types: restColumnTypes, data: rows, execution_time_ms: z.number().nullable(), warnings: z.array(text), created_at: text,
});
const restInsightResult = z.object({
  query_id: text, sql: text, status: text, rows_returned: z.number(), truncated: z.boolean(), truncated_reason: nullableText,
  execution_time_ms: z.number().nullable(), columns: restColumnTypes, results: rows, warnings: z.array(text),
});
/** 202 for `wait: false`: the run's id to follow on /ws/query/:id. */
const restStarted = z.object({ id: text, query_id: text, status: z.literal("running"), message: text });
/** Every query route may answer 202: a write sent for approval, or a run started without waiting. */
const accepted = { 202: { description: "A write sent for approval (or, with wait: false, a run started)", schema: z.union([restPendingApproval, restStarted]) } };
const restValidation = z.object({
  is_valid: z.boolean(), warnings: z.array(text), errors: z.array(z.object({ message: text, line: z.number().optional(), column: z.number().optional() })),
  estimated_rows: z.number().nullable(), statement_type: nullableText, operation: nullableText, tables: z.array(text),
});
/** A question's answer: the result (when run) with the SQL and how it was reached. */
const restAiAnswer = z.looseObject({
  query_id: nullableText, status: text, sql: nullableText, generated_sql: nullableText, query: nullableText, data: rows,
  row_count: z.number(), question: text, engine: z.enum(["builtin", "provider"]), model: nullableText, language: text,
  reasoning: z.looseObject({}), mappings: z.array(z.unknown()), validation: z.looseObject({}),
  tokens: z.object({ prompt_tokens: z.number().nullable(), completion_tokens: z.number().nullable() }), ai_warnings: z.array(text),
});
const sqlText = z.string().min(1, "required").max(200_000);

const queryBaseRun = (run: Run): z.infer<typeof restRun> => ({
  id: run.id,
  data_source_id: run.dataSourceId,
  query_text: run.sql,
  operation_type: run.operation,
  kind: run.kind,
  status: run.status,
  row_count: run.rowCount,
  truncated: run.truncated,
  truncated_reason: run.truncatedReason,
  stored_partial: run.storedPartial,
  execution_time_ms: run.executionTimeMs,
  error: run.error,
  created_at: run.createdAt,
  finished_at: run.finishedAt,
});

const queryBaseResult = (r: Result, format: ColumnFormat = "names"): z.infer<typeof restQueryBaseResult> => ({
  id: r.id,
  query_id: r.id,
  status: r.status,
  row_count: r.rowCount,
  truncated: r.truncated,
  truncated_reason: r.truncatedReason,
  columns: resultColumns(r.columns, format),
  column_types: columnTypes(r.columns),
  data: r.rows,
  execution_time_ms: r.executionTimeMs,
  warnings: r.warnings,
  created_at: r.createdAt,
});

const insightResult = (r: Result): z.infer<typeof restInsightResult> => ({
  query_id: r.id,
  sql: r.sql,
  status: r.status,
  rows_returned: r.rowCount,
  truncated: r.truncated,
  truncated_reason: r.truncatedReason,
  execution_time_ms: r.executionTimeMs,
  columns: r.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind })),
  results: r.rows,
  warnings: r.warnings,
});

/**
 * A natural-language question through the AI feature: 202 for a change sent for approval,
 * 422 with what could not be mapped, else the result with its reasoning.
 */
async function aiAnswer(principal: UserPrincipal, input: { question: string; dataSourceId?: string; maxRows?: number; run?: boolean; engine?: "auto" | "builtin" | "provider" }) {
  const answer = await askQuestion(principal, { ...input, run: input.run ?? true });
  if (answer.status === "unanswered") {
    throw new AppError("VALIDATION_ERROR", answer.message ?? "The question could not be answered", {
      details: { field: "question", unmapped: answer.unmapped, engine: answer.engine, mappings: answer.mappings, context_retrieved: answer.contextRetrieved },
    });
  }
  if (answer.status === "pending_approval" && answer.approval) {
    const pending = pendingApproval(answer.approval);
    return { ...pending, body: { ...(pending.body as object), sql: answer.sql, ...reasoning(answer) } };
  }
  const r = answer.result;
  return {
    body: {
      ...(r ? insightResult(r) : { query_id: null, status: "translated", results: [], columns: [] }),
      sql: answer.sql,
      generated_sql: answer.sql,
      query: answer.sql,
      data: r?.rows ?? [],
      row_count: r?.rowCount ?? 0,
      question: answer.question,
      ...reasoning(answer),
    },
  };
}

const reasoning = (a: AskAnswer) => ({
  engine: a.engine,
  model: a.model,
  language: a.language,
  reasoning: {
    context_retrieved: { tables: a.contextRetrieved.tables, columns: a.contextRetrieved.columns },
    mappings: a.mappings,
    validation: { parsed: a.validation.parsed, statement_type: a.validation.statementType, errors: a.validation.errors, attempts: a.validation.attempts },
  },
  context_retrieved: a.contextRetrieved,
  mappings: a.mappings,
  validation: a.validation,
  tokens: { prompt_tokens: a.tokens.prompt, completion_tokens: a.tokens.completion },
  ai_warnings: a.warnings,
});

/** `wait: false` answers 202 with the running query's id (follow it on /ws/query/:id). */
function started(run: Run) {
  return { status: 202, body: { id: run.id, query_id: run.id, status: "running", message: "Query started" } };
}

const validation = async (principal: UserPrincipal, dataSourceId: string | undefined, sql: string) => {
  const v = await validateSql(principal, dataSourceId ?? (await defaultDataSourceId(principal.user)), sql);
  return {
    is_valid: v.isValid,
    warnings: v.warnings,
    errors: v.errors,
    estimated_rows: v.estimatedRows,
    statement_type: v.kind,
    operation: v.operation,
    tables: v.tables,
  };
};

export const queryRoutes = [
  defineRoute({
    method: "POST", path: "/queries", format: "querybase", auth: "user", procedure: "queries.execute", rateLimit: "query", tag,
    summary: "Run a statement (reads answer rows; writes need approval)",
    response: restQueryBaseResult, otherResponses: accepted,
    exampleBody: { data_source_id: "3f2a…", query_text: "SELECT * FROM users LIMIT 10" },
    body: z.object({
      data_source_id: z.string({ error: "data_source_id is required" }).min(1).max(100),
      query_text: sqlText,
      limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
      wait: z.boolean().optional(),
      column_format: columnFormat,
    }),
    async handle({ principal, body }) {
      const out = await executeQuery(principal, { dataSourceId: body.data_source_id, sql: body.query_text, maxRows: body.limit, wait: body.wait, source: "api" });
      if (out.type === "approval") return pendingApproval(out.approval);
      return out.type === "started" ? started(out.run) : { body: queryBaseResult(out.result, body.column_format) };
    },
  }),
  defineRoute({
    method: "GET", path: "/queries", format: "querybase", auth: "user", procedure: "queries.history", tag,
    summary: "The caller's queries, newest first", query: pagingQuery,
    response: z.object({ data: z.array(restRun), pagination: z.object({ page: z.number(), page_size: z.number(), total_pages: z.number(), total_rows: z.number() }) }),
    async handle({ principal, query }) {
      const { page, pageSize } = pageWindow(query, 50, 200);
      const { items, total } = await listHistory(principal, { page, pageSize });
      const paging = { page, pageSize, total };
      return {
        body: { data: items.map(queryBaseRun), pagination: { page, page_size: pageSize, total_pages: totalPages(paging), total_rows: total } },
        paging,
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/queries/:id", format: "querybase", auth: "user", procedure: "queries.get", tag,
    summary: "One query's details", response: restRun.extend({ query_id: text, sql: text, rows_returned: z.number() }),
    async handle({ principal, params }) {
      const run = await getRun(principal, params.id!);
      return { body: { ...queryBaseRun(run), query_id: run.id, sql: run.sql, rows_returned: run.rowCount } };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/queries/:id", format: "querybase", auth: "user", procedure: "queries.remove", tag,
    summary: "Delete a query and its results (owner or admin)", response: z.object({ message: text }),
    async handle({ principal, params }) {
      await deleteRun(principal, params.id!);
      return { body: { message: "Query deleted successfully" } };
    },
  }),
  defineRoute({
    method: "GET", path: "/queries/:id/results", format: "querybase", auth: "user", procedure: "queries.results", tag,
    summary: "A page of a query's stored results, sorted over all stored rows on the server",
    response: z.object({
      query_id: text, columns: restColumns, column_types: restColumnTypes, data: rows, truncated: z.boolean(), truncated_reason: nullableText,
      row_count: z.number(), stored_partial: z.boolean(), message: text.optional(),
      pagination: z.object({ page: z.number(), page_size: z.number(), total_pages: z.number(), total_rows: z.number() }),
      metadata: z.object({
        page: z.number(), per_page: z.number(), total_pages: z.number(), total_rows: z.number(), has_next: z.boolean(), has_prev: z.boolean(),
        sort_column: nullableText, sort_direction: z.enum(["asc", "desc"]).nullable(),
      }),
    }),
    query: pagingQuery.extend({
      // QueryBase's real frontend pages with per_page / sort_column / sort_direction.
      per_page: z.coerce.number().int().min(1).max(10_000).optional(),
      sort_by: z.string().max(300).optional(),
      sort_column: z.string().max(300).optional(),
      sort_order: z.enum(["asc", "desc"]).optional(),
      sort_direction: z.enum(["asc", "desc"]).optional(),
      column_format: columnFormat,
    }),
    async handle({ principal, params, query }) {
      const { page, pageSize } = pageWindow({ ...query, page_size: query.page_size ?? query.per_page }, 50, 10_000);
      const sortBy = query.sort_by ?? query.sort_column;
      const sortOrder = query.sort_order ?? query.sort_direction ?? "asc";
      const r = await resultPage(principal, params.id!, { page, pageSize, sortBy, sortOrder });
      const paging = { page, pageSize, total: r.total };
      const realClient = query.per_page !== undefined || query.sort_column !== undefined || query.sort_direction !== undefined;
      const pages = totalPages(paging);
      return {
        body: {
          query_id: r.queryId,
          columns: resultColumns(r.columns, query.column_format ?? (realClient ? "objects" : "names")),
          column_types: columnTypes(r.columns),
          data: r.rows,
          truncated: r.truncated,
          truncated_reason: r.truncatedReason,
          // History keeps only a result's first rows; re-run or export for the rest.
          row_count: r.rowCount,
          stored_partial: r.storedPartial,
          ...(r.message ? { message: r.message } : {}),
          pagination: { page, page_size: pageSize, total_pages: pages, total_rows: r.total },
          metadata: {
            page, per_page: pageSize, total_pages: pages, total_rows: r.total, has_next: page < pages, has_prev: page > 1,
            sort_column: sortBy ?? null, sort_direction: sortBy ? sortOrder : null,
          },
        },
        paging,
      };
    },
  }),
  defineRoute({
    method: "POST", path: "/queries/execute", format: "insight", auth: "user", procedure: "queries.execute", rateLimit: "query", tag,
    summary: "Run SQL (mode sql) or answer a question in plain language (mode ai) against a database",
    response: z.union([restInsightResult, restAiAnswer]), otherResponses: accepted,
    exampleBody: { mode: "sql", input: "SELECT name FROM customers LIMIT 5", database_id: "3f2a…" },
    body: z.object({
      mode: z.enum(["sql", "manual", "ai"]).default("sql"),
      engine: z.enum(["auto", "builtin", "provider"]).optional(),
      input: z.string().max(200_000).optional(),
      sql: z.string().max(200_000).optional(),
      database_id: z.string().min(1).max(100).optional(),
      limit: z.coerce.number().int().min(1).max(100_000).optional(),
      wait: z.boolean().optional(),
    }).refine((b) => (b.sql ?? b.input)?.trim(), { message: "input is required", path: ["input"] }),
    async handle({ principal, body }) {
      if (body.mode === "ai") return aiAnswer(principal, { question: (body.input ?? body.sql)!, dataSourceId: body.database_id, maxRows: body.limit, engine: body.engine });
      const out = await executeQuery(principal, {
        dataSourceId: body.database_id, sql: (body.sql ?? body.input)!, maxRows: body.limit, wait: body.wait, source: "api",
      });
      if (out.type === "approval") return pendingApproval(out.approval);
      return out.type === "started" ? started(out.run) : { body: insightResult(out.result) };
    },
  }),
  defineRoute({
    method: "POST", path: "/queries/validate", format: "insight", auth: "user", procedure: "queries.validate", tag,
    summary: "Check SQL without running it: errors, warnings, estimated rows", response: restValidation,
    body: z.object({ sql: sqlText, database_id: z.string().min(1).max(100).optional() }),
    async handle({ principal, body }) {
      return { body: await validation(principal, body.database_id, body.sql) };
    },
  }),
  defineRoute({
    method: "POST", path: "/queries/cancel/:query_id", format: "insight", auth: "user", procedure: "queries.cancel", tag,
    summary: "Cancel a running query", response: z.object({ query_id: text, status: z.literal("cancelled"), message: text }),
    async handle({ principal, params }) {
      const run = await cancelRun(principal, params.query_id!);
      return { body: { query_id: run.id, status: "cancelled", message: "Cancellation requested" } };
    },
  }),
  defineRoute({
    method: "POST", path: "/query", format: "insight", auth: "user", procedure: "queries.execute", rateLimit: "query", tag,
    summary: "Answer a question in plain language (`question`), or run SQL given in `sql`/`query`",
    response: z.union([restInsightResult.extend({ query: text, data: rows, row_count: z.number() }), restAiAnswer]), otherResponses: accepted,
    exampleBody: { question: "How many customers are there?", connection_id: "3f2a…" },
    body: z.object({
      sql: z.string().max(200_000).optional(),
      query: z.string().max(200_000).optional(),
      question: z.string().max(2000).optional(),
      database_id: z.string().min(1).max(100).optional(),
      data_source_id: z.string().min(1).max(100).optional(),
      connection_id: z.string().min(1).max(100).optional(),
      limit: z.coerce.number().int().min(1).max(100_000).optional(),
      execute: z.boolean().optional(),
      engine: z.enum(["auto", "builtin", "provider"]).optional(),
    }).refine((b) => (b.question ?? b.sql ?? b.query)?.trim(), { message: "question is required", path: ["question"] }),
    async handle({ principal, body }) {
      const dataSourceId = body.connection_id ?? body.database_id ?? body.data_source_id;
      if (body.question?.trim()) return aiAnswer(principal, { question: body.question, dataSourceId, maxRows: body.limit, run: body.execute, engine: body.engine });
      const out = await executeQuery(principal, { dataSourceId, sql: (body.sql ?? body.query)!, maxRows: body.limit, source: "api" });
      if (out.type === "approval") return pendingApproval(out.approval);
      if (out.type === "started") return started(out.run);
      return { body: { ...insightResult(out.result), query: out.result.sql, data: out.result.rows, row_count: out.result.rowCount } };
    },
  }),
  defineRoute({
    method: "POST", path: "/query/validate", format: "insight", auth: "user", procedure: "queries.validate", tag,
    summary: "Check SQL without running it", response: restValidation,
    body: z.object({ sql: z.string().max(200_000).optional(), query: z.string().max(200_000).optional(), database_id: z.string().min(1).max(100).optional() })
      .refine((b) => (b.sql ?? b.query)?.trim(), { message: "sql is required", path: ["sql"] }),
    async handle({ principal, body }) {
      return { body: await validation(principal, body.database_id, (body.sql ?? body.query)!) };
    },
  }),
  defineRoute({
    method: "GET", path: "/query/history", format: "insight", auth: "user", procedure: "queries.history", tag,
    summary: "The caller's query history", query: pagingQuery,
    response: z.object({ history: z.array(restRun), total: z.number(), page: z.number(), page_size: z.number() }),
    async handle({ principal, query }) {
      const { page, pageSize } = pageWindow(query, 50, 200);
      const { items, total } = await listHistory(principal, { page, pageSize });
      return { body: { history: items.map(queryBaseRun), total, page, page_size: pageSize }, paging: { page, pageSize, total } };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/query/history/:query_id", format: "insight", auth: "user", procedure: "queries.remove", tag,
    summary: "Delete one entry of the history", response: z.object({ message: text }),
    async handle({ principal, params }) {
      await deleteRun(principal, params.query_id!);
      return { body: { message: "Query deleted successfully" } };
    },
  }),
];

/** Export and share: InsightEngine's `/queries/:id/export` and `/queries/:id/share-link`. */
export const queryOutputRoutes = [
  defineRoute({
    method: "POST", path: "/queries/:id/export", format: "insight", auth: "user", procedure: "queries.exportFile", rateLimit: "query", tag,
    summary: "Download the query's full result as CSV or JSON, streamed from the database",
    produces: ["text/csv", "application/json"],
    body: z.object({ format: z.enum(["csv", "json"]).default("csv"), include_headers: z.boolean().default(true) }),
    async handle({ principal, params, body }) {
      const file = await exportQuery(principal, params.id!, { format: body.format, includeHeaders: body.include_headers });
      return {
        body: file.stream,
        headers: { "Content-Type": file.contentType, "Content-Disposition": `attachment; filename="${file.filename}"` },
      };
    },
  }),
  defineRoute({
    method: "POST", path: "/queries/:id/share-link", format: "insight", auth: "user", procedure: "shares.create", tag,
    summary: "A link to a snapshot of the results, with optional expiry and password", successStatus: 201,
    response: z.object({ id: text, url: text, expires_at: nullableText, has_password: z.boolean(), row_count: z.number() }),
    body: z.object({
      expiration_days: z.coerce.number().int().min(0).max(365).optional(),
      password: z.string().min(4).max(200).optional(),
    }),
    async handle({ principal, params, body, headers }) {
      const link = await createShareLink(principal, params.id!, { expirationDays: body.expiration_days, password: body.password });
      const origin = `${headers.get("x-forwarded-proto") ?? "http"}://${headers.get("x-forwarded-host") ?? headers.get("host") ?? "localhost"}`;
      return {
        body: { id: link.id, url: `${origin}${link.path}`, expires_at: link.expiresAt, has_password: link.hasPassword, row_count: link.rowCount },
      };
    },
  }),
];
