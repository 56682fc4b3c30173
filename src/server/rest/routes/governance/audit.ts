import "server-only";
import { z } from "zod";
import { dateBound } from "../../../dto/audit";
import { queryAudit, type AuditEntryView } from "../../../services/audit/query";
import type { UserPrincipal } from "../../../services/principal";
import { pageWindow, pagingQuery } from "../../pagination";
import { defineRoute, type RestResult } from "../../route";
import { pageFields, pageFieldsSchema } from "./shapes";

/** InsightEngine's documented filters; /admin/logs takes the same. */
export const auditQuery = pagingQuery.extend({
  user_id: z.string().trim().max(100).optional(),
  resource_type: z.string().trim().max(100).optional(),
  action: z.string().trim().max(100).optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  date_from: dateBound.optional(),
  date_to: dateBound.optional(),
});

export const restAuditEntry = z.object({
  id: z.string(),
  user_id: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  resource_type: z.string(),
  resource_id: z.string().nullable(),
  outcome: z.string(),
  ip_address: z.string(),
  timestamp: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const auditResponse = z.object({ logs: z.array(restAuditEntry), ...pageFieldsSchema });

const toRestEntry = (e: AuditEntryView): z.infer<typeof restAuditEntry> => ({
  id: e.id,
  user_id: e.userId,
  actor: e.actor,
  action: e.action,
  resource_type: e.resourceType,
  resource_id: e.resourceId,
  outcome: e.outcome,
  ip_address: e.ip,
  timestamp: e.timestamp.toISOString(),
  details: e.details,
});

export async function auditPage(principal: UserPrincipal, query: z.infer<typeof auditQuery>): Promise<RestResult> {
  const { page, pageSize } = pageWindow(query, 50, 500);
  const result = await queryAudit(principal, {
    page,
    pageSize,
    userId: query.user_id || undefined,
    resourceType: query.resource_type || undefined,
    action: query.action || undefined,
    outcome: query.outcome,
    dateFrom: query.date_from || undefined,
    dateTo: query.date_to || undefined,
  });
  const paging = { page, pageSize, total: result.total };
  return { body: { logs: result.items.map(toRestEntry), ...pageFields(paging) }, paging };
}

export const auditRoutes = [
  defineRoute({
    method: "GET", path: "/audit-logs", format: "insight", auth: "user", procedure: "audit.list", tag: "audit",
    summary: "The audit trail, newest first (admin); filter by user_id, resource_type, action, outcome, date_from, date_to",
    query: auditQuery, response: auditResponse,
    handle: ({ principal, query }) => auditPage(principal, query),
  }),
];
