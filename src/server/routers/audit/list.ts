import "server-only";
import { z } from "zod";
import { auditEntryDto, dateBound, toAuditEntryDto } from "../../dto/audit";
import { queryAudit } from "../../services/audit/query";
import { adminProcedure } from "../../trpc";

export { dateBound };

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

/** The audit trail, newest first. Admins only: it names who did what. */
export const list = adminProcedure
  .input(auditListInput)
  .output(z.object({ items: z.array(auditEntryDto), total: z.number(), page: z.number(), pageSize: z.number() }))
  .query(async ({ ctx, input }) => {
    const { items, total } = await queryAudit(ctx.principal, input);
    return {
      items: items.map(toAuditEntryDto),
      total,
      page: input.page,
      pageSize: input.pageSize,
    };
  });
