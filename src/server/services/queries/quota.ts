import "server-only";
import type { Role } from "@/lib/roles";
import { config } from "../../config";
import { db } from "../../db";
import { AppError } from "../../errors";
import type { SessionUser } from "../auth/session";
import { runIdsSince } from "../execution/run-ledger";
import { flushRuns } from "../execution/run-records";

/**
 * Daily query quotas per tier, as InsightEngine documents them (free: 100 a day, pro:
 * unlimited). Tiers follow roles; QUARRY_DAILY_QUERY_QUOTAS overrides, e.g.
 * "viewer=100,analyst=0" (0 = unlimited).
 */
const DEFAULTS: Record<Role, number> = { viewer: 100, analyst: 0, developer: 0, admin: 0 };

export function dailyQuota(role: Role): number {
  const overrides = Object.fromEntries(
    (config().QUARRY_DAILY_QUERY_QUOTAS ?? "")
      .split(",")
      .map((pair) => pair.split("=").map((s) => s.trim()))
      .filter(([k, v]) => k && v !== undefined && /^\d+$/.test(v)),
  ) as Record<string, string>;
  return overrides[role] !== undefined ? Number(overrides[role]) : DEFAULTS[role];
}

function startOfUtcDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export interface QuotaState {
  limit: number | null;
  used: number;
  resetsAt: string;
}

/**
 * Today's runs are counted from the in-memory ledger (run-ledger.ts): flushing the
 * written-behind records and counting them in the app database is done once per user
 * and day (and minute), not on every query.
 */
export async function quotaState(user: SessionUser): Promise<QuotaState> {
  const limit = dailyQuota(user.role);
  const since = startOfUtcDay();
  const ids = await runIdsSince(user.id, since.getTime(), async () => {
    await flushRuns(); // runs are written behind the response (run-records.ts)
    const runs = await db.queryRun.findMany({ where: { userId: user.id, createdAt: { gte: since } }, select: { id: true } });
    return runs.map((r) => r.id);
  });
  const used = ids.size;
  return { limit: limit || null, used, resetsAt: new Date(since.getTime() + 86_400_000).toISOString() };
}

export async function assertWithinQuota(user: SessionUser): Promise<void> {
  // Unlimited tiers have nothing to count: no app-database read on their every query.
  if (!dailyQuota(user.role)) return;
  const state = await quotaState(user);
  if (state.limit !== null && state.used >= state.limit) {
    const retryAfter = Math.ceil((Date.parse(state.resetsAt) - Date.now()) / 1000);
    throw new AppError("RATE_LIMITED", `Daily query quota of ${state.limit} reached; it resets at ${state.resetsAt}`, {
      retryAfter,
      details: state,
    });
  }
}
