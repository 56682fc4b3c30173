import "server-only";
import { requireAdmin, type Principal } from "../principal";
import { parseIsoDate } from "@/lib/iso-date";
import type { AuditEntry, Prisma } from "@prisma/client";
import { db } from "../../db";
import { flushAudit } from "./index";
import { enrichAudit } from "./enrich";

export interface AuditQuery {
  page: number;
  pageSize: number;
  userId?: string;
  resourceType?: string;
  action?: string;
  outcome?: "success" | "failure";
  /** ISO date (`2024-01-15`, the whole day) or date-time; both bounds are inclusive. */
  dateFrom?: string;
  dateTo?: string;
}

export interface AuditEntryView {
  id: string;
  userId: string | null;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  ip: string;
  /** Who acted: user, job or share-link (services/principal.ts), and its id. */
  principalType: string;
  principalId: string | null;
  /** The acting user's name as it is now (full name, else username), else the label stored with the entry. */
  actorName: string;
  /** The SQL the entry is about: its own, or that of the run or approval it names; null when none. */
  sql: string | null;
  timestamp: Date;
  details: Record<string, unknown>;
}

export type AuditFilter = Omit<AuditQuery, "page" | "pageSize">;

/**
 * A bare date means the whole day (UTC), so `date_to=2024-01-15` includes that day's
 * entries. Returns null for anything that is not a real ISO date in years 1000–9999.
 */
export function parseDateBound(value: string, bound: "from" | "to"): Date | null {
  const parsed = parseIsoDate(value);
  if (!parsed) return null;
  if (!parsed.dateOnly || bound === "from") return parsed.date;
  return new Date(parsed.date.getTime() + 86_400_000 - 1);
}

export const isDateBound = (value: string) => parseDateBound(value, "from") !== null;

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The filter as a Prisma where (bad dates ignored: callers validate them with `isDateBound`). */
export function auditWhere(query: AuditFilter): Prisma.AuditEntryWhereInput {
  const from = query.dateFrom ? parseDateBound(query.dateFrom, "from") : null;
  const to = query.dateTo ? parseDateBound(query.dateTo, "to") : null;
  const where: Prisma.AuditEntryWhereInput = {
    ...(query.userId ? { userId: query.userId } : {}),
    ...(query.resourceType ? { resourceType: query.resourceType } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(from || to ? { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } } : {}),
  };
  return where;
}

export const AUDIT_ORDER: Prisma.AuditEntryOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "asc" }];

/** The audit trail, newest first. Callers validate dates with `isDateBound`; bad ones are ignored here. */
export async function queryAudit(principal: Principal, query: AuditQuery): Promise<{ items: AuditEntryView[]; total: number }> {
  requireAdmin(principal);
  await flushAudit(); // entries batched off the response path are part of the trail
  const where = auditWhere(query);
  const [rows, total] = await Promise.all([
    db.auditEntry.findMany({
      where,
      orderBy: AUDIT_ORDER,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
    db.auditEntry.count({ where }),
  ]);
  return { items: await toAuditViews(rows), total };
}

/** Rows as views, with the actor's name and the SQL looked up in one query each. */
export async function toAuditViews(rows: AuditEntry[]): Promise<AuditEntryView[]> {
  const base = rows.map((r) => ({
    id: r.id,
    userId: r.userId,
    actor: r.actor,
    action: r.action,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    outcome: r.outcome,
    ip: r.ip,
    principalType: r.principalType,
    principalId: r.principalId,
    timestamp: r.createdAt,
    details: parseDetails(r.details),
  }));
  return enrichAudit(base);
}
