import "server-only";
import { z } from "zod";
import { search as searchService } from "../../services/search";
import { authedProcedure, createTRPCRouter } from "../../trpc";

const resultDto = z.object({
  type: z.enum(["query", "template", "table", "column", "dictionary"]),
  id: z.string(),
  title: z.string(),
  snippet: z.string(),
  dataSourceId: z.string().nullable(),
  relevance: z.number(),
});

export const searchRouter = createTRPCRouter({
  /** Saved queries, templates, tables and columns the caller may see, best first. */
  query: authedProcedure
    .input(z.object({ q: z.string().trim().min(1, "q is required").max(500), types: z.array(z.string().max(20)).max(10).optional(), limit: z.number().int().min(1).max(100).default(20) }))
    .output(z.array(resultDto))
    .query(({ ctx, input }) => searchService(ctx.principal, input)),
});
