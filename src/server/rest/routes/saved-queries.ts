import "server-only";
import { z } from "zod";
import type { savedQueryDto } from "../../dto/saved-queries";
import {
  createSavedQuery,
  deleteSavedQuery,
  getSavedQuery,
  listSavedQueries,
  moveSavedQuery,
  shareSavedQuery,
  updateSavedQuery,
} from "../../services/saved-queries";
import { chartSettingsDto } from "../../dto/saved-queries";
import { pageWindow, pagingQuery, totalPages } from "../pagination";
import { defineRoute } from "../route";

/** InsightEngine's `/saved-queries` and QueryBase's `POST /queries/save`. */
type Saved = z.infer<typeof savedQueryDto>;

const text = z.string();
export const restSaved = z.object({
  id: text, title: text, description: text, sql: text, tags: z.array(text), database_id: text.nullable(), version: z.number(),
  created_by: text, owner_email: text, permission: z.enum(["owner", "read", "edit"]),
  shared_with: z.array(z.object({ user_id: text, email: text, permission: z.enum(["read", "edit"]) })),
  shared_with_groups: z.array(z.object({ group_id: text, name: text })),
  folder_id: text.nullable(),
  chart: z.object({ type: z.enum(["bar", "line", "pie"]), x: text, y: z.array(text), series: text.nullable() }).nullable(),
  created_at: text, updated_at: text,
});

export const insightSaved = (q: Saved): z.infer<typeof restSaved> => ({
  id: q.id,
  title: q.title,
  description: q.description,
  sql: q.sql,
  tags: q.tags,
  database_id: q.dataSourceId,
  version: q.version,
  created_by: q.ownerId,
  owner_email: q.ownerEmail,
  permission: q.permission,
  shared_with: q.sharedWith.map((s) => ({ user_id: s.userId, email: s.email, permission: s.permission })),
  shared_with_groups: q.sharedWithGroups.map((g) => ({ group_id: g.groupId, name: g.name })),
  folder_id: q.folderId,
  chart: q.chart,
  created_at: q.createdAt,
  updated_at: q.updatedAt,
});

const tag = "saved-queries";
const body = z.object({
  title: z.string({ error: "title is required" }).trim().min(1, "title is required").max(200),
  description: z.string().max(5000).optional(),
  sql: z.string({ error: "sql is required" }).min(1, "sql is required").max(200_000),
  tags: z.array(z.string().max(50)).max(30).optional(),
  database_id: z.string().max(100).nullable().optional(),
  /** The chart shown with its results: `{ type, x, y, series }`. */
  chart: chartSettingsDto.nullable().optional(),
  folder_id: z.string().max(100).nullable().optional(),
});

export const savedQueryRoutes = [
  defineRoute({
    method: "POST", path: "/saved-queries", format: "insight", auth: "user", procedure: "savedQueries.create", tag,
    summary: "Save a query", body, successStatus: 201, response: restSaved,
    exampleBody: { title: "Top customers", sql: "SELECT name FROM customers LIMIT 10", tags: ["sales"] },
    async handle({ principal, body }) {
      const q = await createSavedQuery(principal, {
        title: body.title, description: body.description, sql: body.sql, tags: body.tags, dataSourceId: body.database_id, chart: body.chart, folderId: body.folder_id,
      });
      return { body: insightSaved(q) };
    },
  }),
  defineRoute({
    method: "GET", path: "/saved-queries", format: "insight", auth: "user", procedure: "savedQueries.list", tag,
    summary: "Saved queries you own or that are shared with you",
    response: z.object({ saved_queries: z.array(restSaved), total: z.number(), page: z.number(), limit: z.number(), total_pages: z.number() }),
    query: pagingQuery.extend({
      sort: z.enum(["recent", "oldest", "title", "updated"]).default("recent"),
      search: z.string().max(200).optional(),
      tag: z.string().max(50).optional(),
      scope: z.enum(["all", "mine", "shared"]).default("all"),
      /** One of your folders, or `none` for queries in no folder. */
      folder_id: z.string().min(1).max(100).optional(),
    }),
    async handle({ principal, query }) {
      const { page, pageSize } = pageWindow(query, 20);
      const { items, total } = await listSavedQueries(principal, {
        page, pageSize, sort: query.sort, search: query.search, tag: query.tag, scope: query.scope, folderId: query.folder_id,
      });
      const paging = { page, pageSize, total };
      return {
        body: { saved_queries: items.map(insightSaved), total, page, limit: pageSize, total_pages: totalPages(paging) },
        paging,
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/saved-queries/:id", format: "insight", auth: "user", procedure: "savedQueries.get", tag,
    summary: "One saved query", response: restSaved,
    async handle({ principal, params }) {
      return { body: insightSaved(await getSavedQuery(principal, params.id!)) };
    },
  }),
  defineRoute({
    method: "PUT", path: "/saved-queries/:id", format: "insight", auth: "user", procedure: "savedQueries.update", tag,
    summary: "Change a saved query (a new version is kept)", body: body.partial(), response: restSaved,
    async handle({ principal, params, body }) {
      if (body.folder_id !== undefined) await moveSavedQuery(principal, params.id!, body.folder_id);
      const q = await updateSavedQuery(principal, params.id!, {
        title: body.title, description: body.description, sql: body.sql, tags: body.tags, dataSourceId: body.database_id, chart: body.chart,
      });
      return { body: insightSaved(q) };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/saved-queries/:id", format: "insight", auth: "user", procedure: "savedQueries.remove", tag,
    summary: "Delete a saved query (owner)", response: z.object({ message: text }),
    async handle({ principal, params }) {
      await deleteSavedQuery(principal, params.id!);
      return { body: { message: "Saved query deleted successfully" } };
    },
  }),
  defineRoute({
    method: "POST", path: "/saved-queries/:id/share", format: "insight", auth: "user", procedure: "savedQueries.share", tag,
    summary: "Share with users as read or edit (`none` unshares)", response: restSaved.extend({ message: text }),
    body: z.object({
      user_ids: z.array(z.string().min(1).max(100)).min(1, "at least one user").max(200),
      permission: z.enum(["read", "edit", "none"]).default("read"),
    }),
    async handle({ principal, params, body }) {
      const q = await shareSavedQuery(principal, params.id!, body.user_ids, body.permission);
      return { body: { ...insightSaved(q), message: "Sharing updated" } };
    },
  }),
  defineRoute({
    method: "POST", path: "/queries/save", format: "querybase", auth: "user", procedure: "savedQueries.create", tag,
    summary: "Save a query (QueryBase spelling)", successStatus: 201,
    response: z.object({ id: text, name: text, query_text: text, data_source_id: text.nullable(), created_at: text }),
    exampleBody: { data_source_id: "3f2a…", query_text: "SELECT * FROM users WHERE active = true", name: "Active Users Query" },
    body: z.object({
      data_source_id: z.string().max(100).optional(),
      query_text: z.string({ error: "query_text is required" }).min(1, "query_text is required").max(200_000),
      name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(200),
      description: z.string().max(5000).optional(),
    }),
    async handle({ principal, body }) {
      const q = await createSavedQuery(principal, { title: body.name, sql: body.query_text, dataSourceId: body.data_source_id, description: body.description });
      return { body: { id: q.id, name: q.title, query_text: q.sql, data_source_id: q.dataSourceId, created_at: q.createdAt } };
    },
  }),
];
