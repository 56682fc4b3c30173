import "server-only";
import { ROLES, type Role } from "@/lib/roles";
import { db } from "../../db";
import { flushAudit } from "../audit";
import { requireAdmin, type Principal } from "../principal";

export interface AdminStats {
  totalUsers: number;
  usersByRole: Record<Role, number>;
  activeUsers: number;
  inactiveUsers: number;
  logins24h: number;
  logins7d: number;
  /** Distinct users who signed in during the last 24 hours. */
  activeUsers24h: number;
  failedLogins24h: number;
  /** Self-service sign-ups (POST /auth/register). */
  registrations7d: number;
  /** Every account created, by sign-up, by an admin or by invitation. */
  newUsers7d: number;
  generatedAt: Date;
}

const HOUR = 3600_000;

/** Sign-in figures come from the audit log, so they cover every way of signing in. */
export async function adminStats(principal: Principal, now = new Date()): Promise<AdminStats> {
  requireAdmin(principal);
  await flushAudit();
  const since24h = new Date(now.getTime() - 24 * HOUR);
  const since7d = new Date(now.getTime() - 7 * 24 * HOUR);
  const login = { action: "login", resourceType: "session" } as const;
  const [byRole, active, inactive, logins24h, logins7d, distinct24h, failed24h, registrations7d, newUsers7d] =
    await Promise.all([
      db.user.groupBy({ by: ["role"], where: { deletedAt: null }, _count: { _all: true } }),
      db.user.count({ where: { isActive: true, deletedAt: null } }),
      db.user.count({ where: { isActive: false, deletedAt: null } }),
      db.auditEntry.count({ where: { ...login, outcome: "success", createdAt: { gte: since24h } } }),
      db.auditEntry.count({ where: { ...login, outcome: "success", createdAt: { gte: since7d } } }),
      db.auditEntry.findMany({
        where: { ...login, outcome: "success", createdAt: { gte: since24h }, userId: { not: null } },
        distinct: ["userId"],
        select: { userId: true },
      }),
      db.auditEntry.count({ where: { ...login, outcome: "failure", createdAt: { gte: since24h } } }),
      db.auditEntry.count({ where: { action: "register", outcome: "success", createdAt: { gte: since7d } } }),
      db.user.count({ where: { createdAt: { gte: since7d }, deletedAt: null } }),
    ]);
  const usersByRole = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
  for (const row of byRole) {
    if (row.role in usersByRole) usersByRole[row.role as Role] = row._count._all;
  }
  return {
    totalUsers: active + inactive,
    usersByRole,
    activeUsers: active,
    inactiveUsers: inactive,
    logins24h,
    logins7d,
    activeUsers24h: distinct24h.length,
    failedLogins24h: failed24h,
    registrations7d,
    newUsers7d,
    generatedAt: now,
  };
}
