import "server-only";
import { z } from "zod";
import { PARAMETER_TYPES } from "@/lib/sql-parameters";
import { pageWindow, pagingQuery, totalPages } from "../pagination";
import { cloneTemplate, createTemplate, deleteTemplate, getTemplate, listTemplates, runTemplate, updateTemplate, type TemplateView } from "../../services/templates";
import { defineRoute } from "../route";
import { pendingApproval, restPendingApproval } from "./approvals";

/** InsightEngine's `/templates`: the query template library. */
type Template = TemplateView;

const text = z.string();
const restTemplate = z.object({
  id: text, title: text, description: text, sql: text, category: text, tags: z.array(text),
  parameters: z.array(z.object({ name: text, type: z.enum(PARAMETER_TYPES), label: text.optional(), default: z.union([text, z.number(), z.boolean(), z.null()]).optional(), required: z.boolean().optional() })), engines: z.array(text), built_in: z.boolean(),
  created_by: text.nullable(), owner_email: text.nullable(), can_edit: z.boolean(), created_at: text, updated_at: text,
});

const insightTemplate = (t: Template): z.infer<typeof restTemplate> => ({
  id: t.id,
  title: t.title,
  description: t.description,
  sql: t.sql,
  category: t.category,
  tags: t.tags,
  parameters: t.parameters,
  engines: t.engines,
  built_in: t.builtIn,
  created_by: t.ownerId,
  owner_email: t.ownerEmail,
  can_edit: t.canEdit,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});

const tag = "templates";
const engine = z.enum(["postgres", "postgresql", "mysql", "mariadb", "sqlite"]).transform((e) => (e === "postgresql" ? "postgres" : e === "mariadb" ? "mysql" : e));
const value = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const parameter = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "letters, digits and _").max(64),
  type: z.enum(PARAMETER_TYPES).default("string"),
  label: z.string().max(200).optional(),
  default: value.optional(),
  required: z.boolean().optional(),
});
const body = z.object({
  title: z.string({ error: "title is required" }).trim().min(1, "title is required").max(200),
  description: z.string().max(5000).optional(),
  sql: z.string({ error: "sql is required" }).min(1, "sql is required").max(200_000),
  category: z.string().trim().max(50).optional(),
  tags: z.array(z.string().max(50)).max(30).optional(),
  parameters: z.array(parameter).max(50).optional(),
  engines: z.array(engine).max(5).optional(),
});

export const templateRoutes = [
  defineRoute({
    method: "GET", path: "/templates", format: "insight", auth: "user", procedure: "templates.list", tag,
    summary: "The template library (?category=&search=&tag=&engine=&mine=)",
    response: z.object({ templates: z.array(restTemplate), categories: z.array(z.unknown()), total: z.number(), page: z.number(), limit: z.number(), total_pages: z.number() }),
    query: pagingQuery.extend({
      category: z.string().max(50).optional(),
      search: z.string().max(200).optional(),
      tag: z.string().max(50).optional(),
      engine: engine.optional(),
      mine: z.enum(["true", "false"]).optional(),
    }),
    async handle({ principal, query }) {
      const { page, pageSize } = pageWindow(query, 20);
      const { items, total, categories } = await listTemplates(principal, {
        page, pageSize, category: query.category, search: query.search, tag: query.tag, engine: query.engine, mine: query.mine === "true",
      });
      const paging = { page, pageSize, total };
      return { body: { templates: items.map(insightTemplate), categories, total, page, limit: pageSize, total_pages: totalPages(paging) }, paging };
    },
  }),
  defineRoute({
    method: "GET", path: "/templates/:id", format: "insight", auth: "user", procedure: "templates.get", tag,
    summary: "One template with its parameters", response: restTemplate,
    async handle({ principal, params }) {
      return { body: insightTemplate(await getTemplate(principal, params.id!)) };
    },
  }),
  defineRoute({
    method: "POST", path: "/templates", format: "insight", auth: "user", procedure: "templates.create", tag,
    summary: "Create a template; `{{name}}` / `:name` markers are its parameters", body, successStatus: 201, response: restTemplate,
    async handle({ principal, body }) {
      return { body: insightTemplate(await createTemplate(principal, body)) };
    },
  }),
  defineRoute({
    method: "PUT", path: "/templates/:id", format: "insight", auth: "user", procedure: "templates.update", tag,
    summary: "Change a template (owner or admin)", body: body.partial(), response: restTemplate,
    async handle({ principal, params, body }) {
      return { body: insightTemplate(await updateTemplate(principal, params.id!, body)) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/templates/:id", format: "insight", auth: "user", procedure: "templates.remove", tag,
    summary: "Delete a template (owner or admin)", response: z.object({ message: text, id: text }),
    async handle({ principal, params }) {
      await deleteTemplate(principal, params.id!);
      return { body: { message: "Template deleted", id: params.id } };
    },
  }),
  defineRoute({
    method: "POST", path: "/templates/:id/clone", format: "insight", auth: "user", procedure: "templates.clone", tag,
    summary: "Clone into your own saved queries", successStatus: 201,
    response: z.object({ id: text, saved_query_id: text, title: text, sql: text, tags: z.array(text), database_id: text.nullable(), created_at: text, template_id: text }),
    body: z.object({ title: z.string().trim().min(1).max(200).optional(), database_id: z.string().max(100).nullable().optional() }).default({}),
    async handle({ principal, params, body }) {
      const q = await cloneTemplate(principal, params.id!, { title: body.title, dataSourceId: body.database_id });
      return { body: { id: q.id, saved_query_id: q.id, title: q.title, sql: q.sql, tags: q.tags, database_id: q.dataSourceId, created_at: q.createdAt, template_id: params.id } };
    },
  }),
  defineRoute({
    method: "POST", path: "/templates/:id/run", format: "insight", auth: "user", procedure: "templates.run", rateLimit: "query", tag,
    summary: "Run a template with parameter values (bound, never spliced)",
    response: z.object({
      query_id: text, sql: text, status: text, rows_returned: z.number(), truncated: z.boolean(), execution_time_ms: z.number().nullable(),
      columns: z.array(z.object({ name: text, type: text, kind: text.optional() })), results: z.array(z.record(text, z.unknown())), warnings: z.array(text),
    }),
    otherResponses: { 202: { description: "A write sent for approval, or a run started", schema: z.union([restPendingApproval, z.object({ query_id: text, status: z.literal("running") })]) } },
    addition: "The document lists templates but no way to run one; this runs it with typed parameter values through the query path",
    body: z.object({ database_id: z.string().min(1).max(100).optional(), parameters: z.record(z.string().max(64), value).default({}) }).default({ parameters: {} }),
    async handle({ principal, params, body }) {
      const out = await runTemplate(principal, params.id!, { dataSourceId: body.database_id, values: body.parameters });
      if (out.type === "approval") return pendingApproval(out.approval);
      if (out.type === "started") return { status: 202, body: { query_id: out.run.id, status: "running" } };
      const r = out.result;
      return {
        body: {
          query_id: r.id, sql: r.sql, status: r.status, rows_returned: r.rowCount, truncated: r.truncated,
          execution_time_ms: r.executionTimeMs, columns: r.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind })), results: r.rows, warnings: r.warnings,
        },
      };
    },
  }),
];
