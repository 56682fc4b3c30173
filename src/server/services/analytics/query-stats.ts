import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { dayStart } from "../ai/usage";
import { requireActingUser, requireAdmin, type Principal } from "../principal";
import { tokenStats, windowOf } from "./token-stats";

/**
 * Query analytics from the run records: totals and averages (InsightEngine's
 * `/analytics/queries`), usage over time, by source and data source, performance
 * (slowest queries, error rate), for the caller or, for admins, the whole system.
 */
const MAX_ROWS = 200_000;
const FAILED = new Set(["failed", "rejected"]);

type Scope = { userId?: string };
const whereOf = (s: Scope): Prisma.QueryRunWhereInput => (s.userId ? { userId: s.userId } : {});

/** Monday 00:00 UTC of the week `now` is in. */
const weekStart = (now: Date) => new Date(dayStart(now).getTime() - ((now.getUTCDay() + 6) % 7) * 86_400_000);

async function scopeOf(principal: Principal, system: boolean): Promise<Scope> {
  const me = requireActingUser(principal);
  if (system) {
    requireAdmin(principal);
    return {};
  }
  return { userId: me.id };
}

export async function querySummary(principal: Principal, opts: { system?: boolean } = {}, now = new Date()) {
  const s = await scopeOf(principal, !!opts.system);
  const where = whereOf(s);
  const [all, today, week, failed] = await Promise.all([
    db.queryRun.aggregate({ where, _count: { _all: true }, _avg: { executionTimeMs: true } }),
    db.queryRun.count({ where: { ...where, createdAt: { gte: dayStart(now) } } }),
    db.queryRun.count({ where: { ...where, createdAt: { gte: weekStart(now) } } }),
    db.queryRun.count({ where: { ...where, status: { in: [...FAILED] } } }),
  ]);
  return {
    totalQueries: all._count._all,
    avgExecutionTimeMs: Math.round(all._avg.executionTimeMs ?? 0),
    queriesToday: today,
    queriesThisWeek: week,
    failedQueries: failed,
    errorRate: all._count._all ? failed / all._count._all : 0,
  };
}

type Run = { id: string; userId: string; dataSourceId: string | null; sql: string; kind: string; status: string; source: string; rowCount: number; executionTimeMs: number | null; error: string | null; createdAt: Date };

async function runsIn(s: Scope, from: Date, to: Date): Promise<Run[]> {
  return db.queryRun.findMany({
    where: { ...whereOf(s), createdAt: { gte: from, lte: to } },
    select: { id: true, userId: true, dataSourceId: true, sql: true, kind: true, status: true, source: true, rowCount: true, executionTimeMs: true, error: true, createdAt: true },
    orderBy: { createdAt: "asc" },
    take: MAX_ROWS,
  });
}

const countBy = <T>(rows: T[], key: (r: T) => string) => {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return [...m.entries()].map(([k, count]) => ({ key: k, count })).sort((a, b) => b.count - a.count);
};

async function sourceNames(ids: (string | null)[]): Promise<Map<string, string>> {
  const list = [...new Set(ids.filter((x): x is string => !!x))];
  const rows = await db.dataSource.findMany({ where: { id: { in: list } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Queries and AI calls per day, by source, status and data source (default last 30 days). */
export async function usageAnalytics(principal: Principal, opts: { days?: number; system?: boolean } = {}) {
  const s = await scopeOf(principal, !!opts.system);
  const w = windowOf(opts);
  const runs = await runsIn(s, w.from, w.to);
  const tokens = await tokenStats(principal, { days: w.days, allUsers: !!opts.system });
  const names = await sourceNames(runs.map((r) => r.dataSourceId));
  const daily = new Map<string, { queries: number; failed: number; rows: number; timeSum: number; timed: number }>();
  for (let t = dayStart(w.from).getTime(); t <= w.to.getTime(); t += 86_400_000) daily.set(new Date(t).toISOString().slice(0, 10), { queries: 0, failed: 0, rows: 0, timeSum: 0, timed: 0 });
  for (const r of runs) {
    const day = r.createdAt.toISOString().slice(0, 10);
    const d = daily.get(day) ?? { queries: 0, failed: 0, rows: 0, timeSum: 0, timed: 0 };
    d.queries++;
    if (FAILED.has(r.status)) d.failed++;
    d.rows += r.rowCount;
    if (r.executionTimeMs !== null) (d.timeSum += r.executionTimeMs), d.timed++;
    daily.set(day, d);
  }
  const tokenDay = new Map(tokens.daily.map((d) => [d.date, d]));
  return {
    from: w.from.toISOString(),
    to: w.to.toISOString(),
    days: w.days,
    summary: await querySummary(principal, { system: opts.system }),
    totals: { queries: runs.length, failed: runs.filter((r) => FAILED.has(r.status)).length, rows: runs.reduce((n, r) => n + r.rowCount, 0), activeUsers: new Set(runs.map((r) => r.userId)).size },
    daily: [...daily.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, d]) => ({
      date, queries: d.queries, failed: d.failed, rows: d.rows, avgExecutionTimeMs: d.timed ? Math.round(d.timeSum / d.timed) : 0,
      aiCalls: tokenDay.get(date)?.calls ?? 0, tokens: tokenDay.get(date)?.totalTokens ?? 0,
    })),
    bySource: countBy(runs, (r) => r.source),
    byStatus: countBy(runs, (r) => r.status),
    byKind: countBy(runs, (r) => r.kind),
    byDataSource: countBy(runs, (r) => r.dataSourceId ?? "").map((x) => ({ dataSourceId: x.key || null, name: names.get(x.key) ?? null, count: x.count })),
    tokens: tokens.totals,
    ...(opts.system ? { byUser: await usersOf(countBy(runs, (r) => r.userId)) } : {}),
  };
}

async function usersOf(counts: { key: string; count: number }[]) {
  const users = await db.user.findMany({ where: { id: { in: counts.map((c) => c.key) } }, select: { id: true, username: true } });
  const names = new Map(users.map((u) => [u.id, u.username]));
  return counts.slice(0, 50).map((c) => ({ userId: c.key, username: names.get(c.key) ?? null, queries: c.count }));
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

/** Slowest queries, error rate, timing by data source and per day (default last 30 days). */
export async function performanceAnalytics(principal: Principal, opts: { days?: number; system?: boolean; limit?: number } = {}) {
  const s = await scopeOf(principal, !!opts.system);
  const w = windowOf(opts);
  const runs = await runsIn(s, w.from, w.to);
  const names = await sourceNames(runs.map((r) => r.dataSourceId));
  const timed = runs.filter((r) => r.executionTimeMs !== null);
  const times = timed.map((r) => r.executionTimeMs!).sort((a, b) => a - b);
  const failed = runs.filter((r) => FAILED.has(r.status));
  const bySource = new Map<string, Run[]>();
  for (const r of runs) bySource.set(r.dataSourceId ?? "", [...(bySource.get(r.dataSourceId ?? "") ?? []), r]);
  const ai = await tokenStats(principal, { days: w.days, allUsers: !!opts.system });
  return {
    from: w.from.toISOString(),
    to: w.to.toISOString(),
    days: w.days,
    totalQueries: runs.length,
    avgExecutionTimeMs: times.length ? Math.round(times.reduce((a, b) => a + b, 0) / times.length) : 0,
    p50ExecutionTimeMs: percentile(times, 50),
    p95ExecutionTimeMs: percentile(times, 95),
    maxExecutionTimeMs: times.at(-1) ?? 0,
    errorRate: runs.length ? failed.length / runs.length : 0,
    failedQueries: failed.length,
    slowestQueries: [...timed].sort((a, b) => b.executionTimeMs! - a.executionTimeMs!).slice(0, opts.limit ?? 10).map((r) => ({
      id: r.id, sql: r.sql.slice(0, 2000), executionTimeMs: r.executionTimeMs!, rowCount: r.rowCount, status: r.status, dataSourceId: r.dataSourceId, dataSourceName: r.dataSourceId ? (names.get(r.dataSourceId) ?? null) : null, createdAt: r.createdAt.toISOString(),
    })),
    recentErrors: failed.slice(-10).reverse().map((r) => ({ id: r.id, sql: r.sql.slice(0, 500), error: r.error, status: r.status, createdAt: r.createdAt.toISOString() })),
    byDataSource: [...bySource.entries()].map(([id, list]) => {
      const t = list.filter((r) => r.executionTimeMs !== null).map((r) => r.executionTimeMs!).sort((a, b) => a - b);
      const f = list.filter((r) => FAILED.has(r.status)).length;
      return { dataSourceId: id || null, name: names.get(id) ?? null, queries: list.length, avgExecutionTimeMs: t.length ? Math.round(t.reduce((a, b) => a + b, 0) / t.length) : 0, p95ExecutionTimeMs: percentile(t, 95), errorRate: list.length ? f / list.length : 0, failed: f };
    }).sort((a, b) => b.queries - a.queries),
    daily: (await usageAnalytics(principal, opts)).daily.map((d) => ({ date: d.date, queries: d.queries, failed: d.failed, avgExecutionTimeMs: d.avgExecutionTimeMs })),
    ai: { calls: ai.totals.calls, avgLatencyMs: ai.totals.avgLatencyMs, failedCalls: ai.totals.failedCalls },
  };
}

/** A user's analytics as one document (JSON) or as CSV rows of their queries and AI calls. */
export async function exportAnalytics(principal: Principal, opts: { days?: number; format: "json" | "csv" }) {
  const me = requireActingUser(principal);
  const w = windowOf(opts);
  if (opts.format === "json") {
    const [usage, performance, tokens] = await Promise.all([usageAnalytics(principal, opts), performanceAnalytics(principal, opts), tokenStats(principal, { days: w.days })]);
    return { format: "json" as const, filename: `analytics-${me.username}.json`, document: { user: { id: me.id, username: me.username }, exportedAt: new Date().toISOString(), usage, performance, tokens } };
  }
  const runs = await runsIn({ userId: me.id }, w.from, w.to);
  const calls = await db.aiCall.findMany({ where: { userId: me.id, createdAt: { gte: w.from, lte: w.to } }, orderBy: { createdAt: "asc" }, take: MAX_ROWS });
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    // a leading = + - @ would run as a formula in a spreadsheet
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = ["type,id,created_at,status,source_or_purpose,data_source_id,execution_time_ms,row_count,model,prompt_tokens,completion_tokens,text"];
  for (const r of runs) lines.push(["query", r.id, r.createdAt.toISOString(), r.status, r.source, r.dataSourceId, r.executionTimeMs, r.rowCount, "", "", "", r.sql.slice(0, 2000)].map(cell).join(","));
  for (const c of calls) lines.push(["ai_call", c.id, c.createdAt.toISOString(), c.outcome, c.purpose, c.dataSourceId, c.latencyMs, "", c.model, c.promptTokens ?? 0, c.completionTokens ?? 0, c.question].map(cell).join(","));
  return { format: "csv" as const, filename: `analytics-${me.username}.csv`, csv: `${lines.join("\n")}\n` };
}
