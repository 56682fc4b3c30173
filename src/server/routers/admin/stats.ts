import "server-only";
import { z } from "zod";
import { ROLES } from "@/lib/roles";
import { adminStats } from "../../services/users/stats";
import { adminProcedure } from "../../trpc";

export const statsDto = z.object({
  totalUsers: z.number(),
  usersByRole: z.record(z.enum(ROLES), z.number()),
  activeUsers: z.number(),
  inactiveUsers: z.number(),
  logins24h: z.number(),
  logins7d: z.number(),
  activeUsers24h: z.number(),
  failedLogins24h: z.number(),
  registrations7d: z.number(),
  newUsers7d: z.number(),
  generatedAt: z.string(),
});

export const stats = adminProcedure.output(statsDto).query(async ({ ctx }) => {
  const s = await adminStats(ctx.principal);
  return { ...s, generatedAt: s.generatedAt.toISOString() };
});
