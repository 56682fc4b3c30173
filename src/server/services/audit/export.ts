import "server-only";
import { stringify } from "csv-stringify/sync";
import { db } from "../../db";
import { auditActorOf, requireAdmin, type Principal } from "../principal";
import { flushAudit, recordAudit } from "./index";
import { AUDIT_ORDER, auditWhere, toAuditViews, type AuditEntryView, type AuditFilter } from "./query";

export type AuditExportFormat = "csv" | "json";

/** At most this many entries per file: a narrower filter gets the rest. */
export const AUDIT_EXPORT_MAX = 100_000;
const PAGE = 1000;

export const AUDIT_CSV_COLUMNS = [
  "timestamp", "actor_name", "actor", "user_id", "action", "resource_type", "resource_id", "outcome", "ip_address", "sql", "details",
] as const;

export interface AuditExportFile {
  filename: string;
  contentType: string;
  body: string;
  /** How many entries the file holds. */
  count: number;
}

function csvRow(e: AuditEntryView): string[] {
  return [
    e.timestamp.toISOString(), e.actorName, e.actor, e.userId ?? "", e.action, e.resourceType, e.resourceId ?? "", e.outcome, e.ip, e.sql ?? "",
    JSON.stringify(e.details),
  ];
}

const jsonEntry = (e: AuditEntryView) => ({
  id: e.id,
  timestamp: e.timestamp.toISOString(),
  actor_name: e.actorName,
  actor: e.actor,
  user_id: e.userId,
  principal_type: e.principalType,
  principal_id: e.principalId,
  action: e.action,
  resource_type: e.resourceType,
  resource_id: e.resourceId,
  outcome: e.outcome,
  ip_address: e.ip,
  sql: e.sql,
  details: e.details,
});

/** Every entry the filter matches (newest first, up to AUDIT_EXPORT_MAX) as one CSV or JSON file. Admins only; the export is audited. */
export async function exportAudit(principal: Principal, filter: AuditFilter, format: AuditExportFormat): Promise<AuditExportFile> {
  requireAdmin(principal);
  await flushAudit();
  const where = auditWhere(filter);
  const entries: AuditEntryView[] = [];
  for (let skip = 0; skip < AUDIT_EXPORT_MAX; skip += PAGE) {
    const rows = await db.auditEntry.findMany({ where, orderBy: AUDIT_ORDER, skip, take: Math.min(PAGE, AUDIT_EXPORT_MAX - skip) });
    entries.push(...(await toAuditViews(rows)));
    if (rows.length < PAGE) break;
  }
  await recordAudit(auditActorOf(principal), {
    action: "export_audit",
    resourceType: "system",
    details: { format, count: entries.length, filter: Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== "")) },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  if (format === "json") {
    return { filename: `audit-${stamp}.json`, contentType: "application/json; charset=utf-8", body: JSON.stringify(entries.map(jsonEntry), null, 2), count: entries.length };
  }
  // A cell that starts with = + - @ is prefixed with a quote, so a spreadsheet never runs a name or a statement as a formula.
  const body = stringify([[...AUDIT_CSV_COLUMNS], ...entries.map(csvRow)], { escape_formulas: true });
  return { filename: `audit-${stamp}.csv`, contentType: "text/csv; charset=utf-8", body, count: entries.length };
}
