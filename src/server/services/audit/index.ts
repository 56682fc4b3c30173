import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "../../db";
import { insertBatches } from "../../db/bulk-insert";
import { processState } from "../../process-state";
import type { AuditAction } from "../../events/audit-actions";

export interface AuditActor {
  userId?: string | null;
  /** Email or name, kept so the entry still reads well after the user is deleted. */
  label?: string;
  ip?: string;
  /** Who acted: a user, a job (its id) or a share link (its id); see services/principal.ts. */
  principalType?: "user" | "job" | "share-link";
  principalId?: string | null;
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
    await db.auditEntry.create({ data: entryData(actor, record, new Date()) });
  } catch (error) {
    console.error("[audit] could not record", record.action, (error as Error).message);
  }
}

function entryData(actor: AuditActor, record: AuditRecord, createdAt: Date) {
  return {
    userId: actor.userId ?? null,
    actor: actor.label ?? "",
    ip: actor.ip ?? "",
    principalType: actor.principalType ?? (actor.userId ? "user" : "system"),
    principalId: actor.principalId ?? actor.userId ?? null,
    action: record.action,
    resourceType: record.resourceType,
    resourceId: record.resourceId ?? null,
    outcome: record.outcome ?? "success",
    details: JSON.stringify(record.details ?? {}),
    createdAt,
  };
}

type EntryData = ReturnType<typeof entryData>;

/**
 * Entries of the hottest successful actions (reads run through the API) wait here and
 * are written together, off the response path: one statement per batch instead of one
 * commit per request. Nothing reads the trail without `flushAudit()` first (the audit
 * services do), the batch is written within FLUSH_AFTER_MS, and server.mjs flushes on
 * shutdown, so an entry is late by milliseconds but never lost or missing from a read.
 */
const FLUSH_AFTER_MS = 50;
const MAX_PENDING = 500;
// Once per process (process-state.ts): the shutdown flush must see every bundle's entries.
const state = processState("audit.pending", () => ({
  pending: [] as EntryData[],
  timer: null as NodeJS.Timeout | null,
  flushing: Promise.resolve() as Promise<void>,
}));

export function recordAuditLater(actor: AuditActor, record: AuditRecord): void {
  state.pending.push(entryData(actor, record, new Date()));
  if (state.pending.length >= MAX_PENDING) {
    void flushAudit();
  } else if (!state.timer) {
    state.timer = setTimeout(() => void flushAudit(), FLUSH_AFTER_MS);
    state.timer.unref();
  }
}

/** Writes every queued entry; resolves once they (and any batch already being written) are stored. */
export function flushAudit(): Promise<void> {
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = null;
  }
  const batch = state.pending;
  state.pending = [];
  state.flushing = state.flushing.then(() => (batch.length ? writeBatch(batch) : undefined));
  return state.flushing;
}

async function writeBatch(batch: EntryData[]): Promise<void> {
  try {
    // Through the driver (db/bulk-insert.ts): createMany cost about half a millisecond per entry.
    await insertBatches([{ table: "AuditEntry", rows: batch.map((data) => ({ id: randomUUID(), ...data })) }]);
    return;
  } catch {
    // One bad entry (say, its user was deleted meanwhile) must not cost the others.
  }
  for (const data of batch) {
    try {
      await db.auditEntry.create({ data });
    } catch {
      try {
        await db.auditEntry.create({ data: { ...data, userId: null } }); // the actor label still names them
      } catch (error) {
        console.error("[audit] could not record", data.action, (error as Error).message);
      }
    }
  }
}
