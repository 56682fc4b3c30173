import "server-only";
import { z } from "zod";
import { isDateBound, type AuditEntryView } from "../services/audit/query";

export const dateBound = z.string().trim().max(40).refine(isDateBound, "an ISO date (YYYY-MM-DD) or date-time");

export const auditEntryDto = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  outcome: z.string(),
  ip: z.string(),
  principalType: z.string(),
  principalId: z.string().nullable(),
  actorName: z.string(),
  sql: z.string().nullable(),
  timestamp: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export type AuditEntryDto = z.infer<typeof auditEntryDto>;

export const toAuditEntryDto = (e: AuditEntryView): AuditEntryDto => ({ ...e, timestamp: e.timestamp.toISOString() });
