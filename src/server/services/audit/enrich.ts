import "server-only";
import { db } from "../../db";
import type { AuditEntryView } from "./query";

type Bare = Omit<AuditEntryView, "actorName" | "sql">;

/** The name to show for a user: the full name, else the username, else the email. */
export function displayName(user: { fullName: string; username: string; email: string } | undefined, label: string): string {
  if (!user) return label;
  return user.fullName.trim() || user.username || user.email || label;
}

/** An entry's own SQL (`details.sql`), when it recorded one. */
export function ownSql(details: Record<string, unknown>): string | null {
  return typeof details.sql === "string" && details.sql.trim() ? details.sql : null;
}

/**
 * Adds who acted by name and the SQL each entry is about: its own, else the run's
 * (`query` entries name a run) or the approval request's. One query per kind, however
 * many entries.
 */
export async function enrichAudit(entries: Bare[]): Promise<AuditEntryView[]> {
  const ids = (pick: (e: Bare) => string | null | undefined) => [...new Set(entries.map(pick).filter((v): v is string => Boolean(v)))];
  const userIds = ids((e) => e.userId);
  const runIds = ids((e) => (e.resourceType === "query" && !ownSql(e.details) ? e.resourceId : null));
  const approvalIds = ids((e) => (e.resourceType === "approval" && !ownSql(e.details) ? e.resourceId : null));
  const [users, runs, approvals] = await Promise.all([
    userIds.length ? db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, fullName: true, username: true, email: true, deletedAt: true } }) : [],
    runIds.length ? db.queryRun.findMany({ where: { id: { in: runIds } }, select: { id: true, sql: true } }) : [],
    approvalIds.length ? db.approvalRequest.findMany({ where: { id: { in: approvalIds } }, select: { id: true, sql: true } }) : [],
  ]);
  // A deleted user's row is anonymised: the label stored with the entry names them better.
  const userById = new Map(users.filter((u) => !u.deletedAt).map((u) => [u.id, u]));
  const runSql = new Map(runs.map((r) => [r.id, r.sql]));
  const approvalSql = new Map(approvals.map((a) => [a.id, a.sql]));
  return entries.map((e) => {
    const related = e.resourceId ? (e.resourceType === "query" ? runSql.get(e.resourceId) : e.resourceType === "approval" ? approvalSql.get(e.resourceId) : undefined) : undefined;
    return {
      ...e,
      actorName: displayName(e.userId ? userById.get(e.userId) : undefined, e.actor),
      sql: ownSql(e.details) ?? related ?? null,
    };
  });
}
