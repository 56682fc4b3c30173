import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { validationFailed } from "../../errors";
import { dayStart, limitStatus, monthStart } from "../ai/usage";
import { requireActingUser, requireAdmin, type Principal } from "../principal";

/**
 * Statistics of the recorded AI calls (model and built-in): totals, per model, per
 * category (purpose), per provider, per day. Each is computed from the same rows, so
 * the parts add up to the totals. A user sees their own; admins may ask for everyone.
 */
export interface TokenTotals {
  calls: number;
  modelCalls: number;
  builtinCalls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  failedCalls: number;
  avgLatencyMs: number;
}

export interface TokenGroup extends TokenTotals {
  key: string;
}

export interface DailyPoint extends TokenTotals {
  date: string;
}

export interface TokenStats {
  from: string;
  to: string;
  days: number;
  totals: TokenTotals;
  byModel: (TokenGroup & { provider: string; engine: string })[];
  byPurpose: TokenGroup[];
  byProvider: TokenGroup[];
  byOutcome: TokenGroup[];
  daily: DailyPoint[];
  dailyByModel: { date: string; model: string; calls: number; promptTokens: number; completionTokens: number; totalTokens: number }[];
}

const MAX_DAYS = 366;
const MAX_ROWS = 200_000;

export function windowOf(input: { days?: number; from?: Date; to?: Date }, now = new Date()): { from: Date; to: Date; days: number } {
  const days = input.days ?? 30;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw validationFailed([{ field: "days", message: `a whole number from 1 to ${MAX_DAYS}` }]);
  const to = input.to ?? now;
  const from = input.from ?? new Date(dayStart(to).getTime() - (days - 1) * 86_400_000);
  if (from > to) throw validationFailed([{ field: "start_date", message: "must be before the end date" }]);
  return { from, to, days: Math.max(1, Math.round((dayStart(to).getTime() - dayStart(from).getTime()) / 86_400_000) + 1) };
}

type Row = { createdAt: Date; model: string; engine: string; providerName: string; purpose: string; outcome: string; promptTokens: number | null; completionTokens: number | null; latencyMs: number };

const empty = (): TokenTotals & { latencySum: number } => ({ calls: 0, modelCalls: 0, builtinCalls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, failedCalls: 0, avgLatencyMs: 0, latencySum: 0 });

function add(t: ReturnType<typeof empty>, r: Row) {
  t.calls++;
  if (r.engine === "provider") t.modelCalls++;
  else t.builtinCalls++;
  t.promptTokens += r.promptTokens ?? 0;
  t.completionTokens += r.completionTokens ?? 0;
  t.totalTokens = t.promptTokens + t.completionTokens;
  if (r.outcome === "failed") t.failedCalls++;
  t.latencySum += r.latencyMs;
}

const finish = ({ latencySum, ...t }: ReturnType<typeof empty>): TokenTotals => ({ ...t, avgLatencyMs: t.calls ? Math.round(latencySum / t.calls) : 0 });

function grouped(rows: Row[], keyOf: (r: Row) => string): TokenGroup[] {
  const m = new Map<string, ReturnType<typeof empty>>();
  for (const r of rows) {
    const k = keyOf(r);
    if (!m.has(k)) m.set(k, empty());
    add(m.get(k)!, r);
  }
  return [...m.entries()].map(([key, t]) => ({ key, ...finish(t) })).sort((a, b) => b.totalTokens - a.totalTokens || b.calls - a.calls);
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Who the statistics are about: the caller, or (admins, `allUsers`) everyone or one user. */
async function scope(principal: Principal, opts: { allUsers?: boolean; userId?: string }): Promise<Prisma.AiCallWhereInput> {
  const me = requireActingUser(principal);
  if (opts.allUsers || (opts.userId && opts.userId !== me.id)) {
    requireAdmin(principal);
    return opts.userId ? { userId: opts.userId } : {};
  }
  return { userId: me.id };
}

export async function tokenStats(principal: Principal, opts: { days?: number; from?: Date; to?: Date; allUsers?: boolean; userId?: string } = {}): Promise<TokenStats> {
  const where = await scope(principal, opts);
  const w = windowOf(opts);
  const rows: Row[] = await db.aiCall.findMany({
    where: { ...where, createdAt: { gte: w.from, lte: w.to } },
    select: { createdAt: true, model: true, engine: true, providerName: true, purpose: true, outcome: true, promptTokens: true, completionTokens: true, latencyMs: true },
    orderBy: { createdAt: "asc" },
    take: MAX_ROWS,
  });
  const totals = empty();
  for (const r of rows) add(totals, r);
  const byModelKey = new Map<string, Row>();
  for (const r of rows) byModelKey.set(r.model, r);
  const days = new Map<string, ReturnType<typeof empty>>();
  for (let t = dayStart(w.from).getTime(); t <= w.to.getTime(); t += 86_400_000) days.set(isoDay(new Date(t)), empty());
  const perDayModel = new Map<string, { date: string; model: string; calls: number; promptTokens: number; completionTokens: number; totalTokens: number }>();
  for (const r of rows) {
    const day = isoDay(r.createdAt);
    if (!days.has(day)) days.set(day, empty());
    add(days.get(day)!, r);
    const k = `${day}|${r.model}`;
    const e = perDayModel.get(k) ?? { date: day, model: r.model, calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    e.calls++;
    e.promptTokens += r.promptTokens ?? 0;
    e.completionTokens += r.completionTokens ?? 0;
    e.totalTokens = e.promptTokens + e.completionTokens;
    perDayModel.set(k, e);
  }
  return {
    from: w.from.toISOString(),
    to: w.to.toISOString(),
    days: w.days,
    totals: finish(totals),
    byModel: grouped(rows, (r) => r.model).map((g) => ({ ...g, provider: byModelKey.get(g.key)!.providerName, engine: byModelKey.get(g.key)!.engine })),
    byPurpose: grouped(rows, (r) => r.purpose),
    byProvider: grouped(rows, (r) => r.providerName),
    byOutcome: grouped(rows, (r) => r.outcome),
    daily: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, t]) => ({ date, ...finish(t) })),
    dailyByModel: [...perDayModel.values()].sort((a, b) => a.date.localeCompare(b.date) || a.model.localeCompare(b.model)),
  };
}

/** The caller's usage dashboard: today, this month, limits left, the last 30 days. */
export async function tokenDashboard(principal: Principal, now = new Date()) {
  const user = requireActingUser(principal);
  const [stats, today, month, limits, recent] = await Promise.all([
    tokenStats(principal, { days: 30 }),
    tokenStats(principal, { from: dayStart(now), to: now }),
    tokenStats(principal, { from: monthStart(now), to: now }),
    limitStatus(user, now),
    db.aiCall.findMany({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, take: 20 }),
  ]);
  return {
    today: today.totals,
    month: month.totals,
    last30Days: stats,
    limits,
    recentCalls: recent.map((c) => ({
      id: c.id, createdAt: c.createdAt.toISOString(), purpose: c.purpose, engine: c.engine, model: c.model, provider: c.providerName,
      promptTokens: c.promptTokens ?? 0, completionTokens: c.completionTokens ?? 0, latencyMs: c.latencyMs, outcome: c.outcome, question: c.question.slice(0, 200),
    })),
  };
}
