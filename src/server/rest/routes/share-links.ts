import "server-only";
import { z } from "zod";
import { shareLinkPrincipal } from "../../services/principal";
import { listShareLinks, openShareLink, revokeShareLink } from "../../services/shares";
import { pageWindow, pagingQuery, totalPages } from "../pagination";
import { defineRoute } from "../route";

/** The caller's share links with revoke, and the public view of one link. */
const tag = "share-links";
const text = z.string();
const nullableText = text.nullable();

const restLink = z.object({
  id: text, url: text, query_id: text, sql_preview: text, database_id: nullableText, row_count: z.number(), has_password: z.boolean(),
  views: z.number(), last_viewed_at: nullableText, expires_at: nullableText, revoked_at: nullableText,
  status: z.enum(["active", "expired", "revoked"]), created_at: text,
});

export const shareLinkRoutes = [
  defineRoute({
    method: "GET", path: "/share-links", format: "insight", auth: "user", procedure: "shares.list", tag,
    addition: "Issue 14: the caller’s share links; the documents only create them",
    summary: "Your share links, newest first, with expiry and views",
    query: pagingQuery.extend({ status: z.enum(["active", "all"]).default("all") }),
    response: z.object({ share_links: z.array(restLink), total: z.number(), page: z.number(), limit: z.number(), total_pages: z.number() }),
    async handle({ principal, query, headers }) {
      const { page, pageSize } = pageWindow(query, 50);
      const { items, total } = await listShareLinks(principal, { page, pageSize, status: query.status });
      const origin = `${headers.get("x-forwarded-proto") ?? "http"}://${headers.get("x-forwarded-host") ?? headers.get("host") ?? "localhost"}`;
      const paging = { page, pageSize, total };
      return {
        paging,
        body: {
          share_links: items.map((l) => ({
            id: l.id, url: `${origin}${l.path}`, query_id: l.queryId, sql_preview: l.sqlPreview, database_id: l.dataSourceId, row_count: l.rowCount,
            has_password: l.hasPassword, views: l.views, last_viewed_at: l.lastViewedAt, expires_at: l.expiresAt, revoked_at: l.revokedAt,
            status: l.status, created_at: l.createdAt,
          })),
          total, page, limit: pageSize, total_pages: totalPages(paging),
        },
      };
    },
  }),
  defineRoute({
    method: "DELETE", path: "/share-links/:id", format: "insight", auth: "user", procedure: "shares.revoke", tag,
    addition: "Issue 14: revoking a share link",
    summary: "Revoke one of your share links: it stops working at once", response: z.object({ message: text }),
    async handle({ principal, params }) {
      await revokeShareLink(principal, params.id!);
      return { body: { message: "Share link revoked" } };
    },
  }),
  defineRoute({
    method: "GET", path: "/share-links/:id/result", format: "insight", auth: "public", procedure: "shares.open", tag,
    addition: "Issue 14: the public snapshot behind a share link, for API clients",
    summary: "Public: the snapshot behind a share link (password in `X-Share-Password`); 404 once revoked or expired",
    response: z.object({
      sql: text, columns: z.array(z.object({ name: text, type: text }).passthrough()), data: z.array(z.record(z.string(), z.unknown())),
      row_count: z.number(), created_at: text, expires_at: nullableText, shared_by: text,
    }),
    async handle({ params, headers, meta }) {
      const s = await openShareLink(shareLinkPrincipal(params.id!, meta.ip), headers.get("x-share-password") ?? undefined);
      return {
        body: { sql: s.sql, columns: s.columns, data: s.rows, row_count: s.rowCount, created_at: s.createdAt, expires_at: s.expiresAt, shared_by: s.sharedBy },
        headers: { "Cache-Control": "no-store" },
      };
    },
  }),
];
