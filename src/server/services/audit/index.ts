import "server-only";
import { db } from "../../db";
import type { AuditAction } from "../../events/audit-actions";

export interface AuditActor {
  userId?: string | null;
  /** Email or name, kept so the entry still reads well after the user is deleted. */
  label?: string;
  ip?: string;
}

export interface AuditRecord {
  /** One of the catalogue's actions (src/server/events/audit-actions.ts). */
  action: AuditAction;
  resourceType: string;
  resourceId?: string | null;
  outcome?: "success" | "failure";
  details?: Record<string, unknown>;
}

/**
 * Appends one audit entry. Auditing must never break the action it records, so a
 * failure to write is reported on stderr and swallowed.
 */
export async function recordAudit(actor: AuditActor, record: AuditRecord): Promise<void> {
  try {
    await db.auditEntry.create({
      data: {
        userId: actor.userId ?? null,
        actor: actor.label ?? "",
        ip: actor.ip ?? "",
        action: record.action,
        resourceType: record.resourceType,
        resourceId: record.resourceId ?? null,
        outcome: record.outcome ?? "success",
        details: JSON.stringify(record.details ?? {}),
      },
    });
  } catch (error) {
    console.error("[audit] could not record", record.action, (error as Error).message);
  }
}
