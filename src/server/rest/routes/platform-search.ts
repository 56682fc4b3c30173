import "server-only";
import { z } from "zod";
import { search } from "../../services/search";
import { defineRoute } from "../route";

/** InsightEngine's `POST /search`. */
export const searchRoutes = [
  defineRoute({
    method: "POST", path: "/search", format: "insight", auth: "user", procedure: "search.query", tag: "search",
    summary: "Search saved queries, templates, tables and columns you may see, with relevance",
    body: z.object({
      q: z.string({ error: "q is required" }).trim().min(1, "q is required").max(500),
      type: z.union([z.string().max(20), z.array(z.string().max(20)).max(10)]).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
    response: z.object({
      results: z.array(z.object({ type: z.string(), id: z.string(), title: z.string(), snippet: z.string(), database_id: z.string().nullable(), relevance: z.number() })),
      total: z.number(),
    }),
    exampleBody: { q: "revenue", type: ["saved_query", "table"], limit: 10 },
    async handle({ principal, body }) {
      const types = body.type === undefined ? undefined : Array.isArray(body.type) ? body.type : [body.type];
      const results = await search(principal, { q: body.q, types, limit: body.limit });
      return {
        body: {
          results: results.map((r) => ({ type: r.type, id: r.id, title: r.title, snippet: r.snippet, database_id: r.dataSourceId, relevance: r.relevance })),
          total: results.length,
        },
      };
    },
  }),
];
