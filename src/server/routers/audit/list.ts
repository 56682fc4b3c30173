import "server-only";
import { z } from "zod";
import { isDateBound, queryAudit } from "../../services/audit/query";
import { adminProcedure } from "../../trpc";

export const dateBound = z.string().trim().max(40).refine(isDateBound, "an ISO date (YYYY-MM-DD) or date-time");

export const auditListInput = z
  .object({
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(500).default(50),
    userId: z.string().trim().max(100).optional(),
    resourceType: z.string().trim().max(100).optional(),
    action: z.string().trim().max(100).optional(),
    outcome: z.enum(["success", "failure"]).optional(),
    dateFrom: dateBound.optional(),
    dateTo: dateBound.optional(),
  })
  .default({ page: 1, pageSize: 50 });

export const auditEntryDto = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  outcome: z.string(),
  ip: z.string(),
  timestamp: z.string(),
  details: z.record(z.string(), z.unknown()),
});

/** The audit trail, newest first. Admins only: it names who did what. */
export const list = adminProcedure
  .input(auditListInput)
  .output(z.object({ items: z.array(auditEntryDto), total: z.number(), page: z.number(), pageSize: z.number() }))
  .query(async ({ input }) => {
    const { items, total } = await queryAudit(input);
    return {
      items: items.map((e) => ({ ...e, timestamp: e.timestamp.toISOString() })),
      total,
      page: input.page,
      pageSize: input.pageSize,
    };
  });
