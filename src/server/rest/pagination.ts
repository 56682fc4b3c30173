import "server-only";
import { z } from "zod";
import type { Paging } from "./route";

/**
 * The seeds paginate with `page` + `page_size` (QueryBase, ETL Builder) or `page` +
 * `limit` (InsightEngine). Both spellings are accepted everywhere.
 */
export const pagingQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export type PagingQuery = z.infer<typeof pagingQuery>;

export function pageWindow(query: PagingQuery, defaultSize: number, maxSize = 100) {
  const pageSize = Math.min(query.page_size ?? query.limit ?? defaultSize, maxSize);
  return { page: query.page, pageSize, skip: (query.page - 1) * pageSize };
}

export const totalPages = (paging: Paging) =>
  paging.total === 0 ? 0 : Math.ceil(paging.total / paging.pageSize);

export function pagingHeaders(paging: Paging): Record<string, string> {
  return {
    "X-Total-Count": String(paging.total),
    "X-Page": String(paging.page),
    "X-Page-Size": String(paging.pageSize),
    "X-Total-Pages": String(totalPages(paging)),
  };
}
