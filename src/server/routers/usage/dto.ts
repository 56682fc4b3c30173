import "server-only";
import { z } from "zod";

export const tokenTotalsDto = z.object({
  calls: z.number(), modelCalls: z.number(), builtinCalls: z.number(), promptTokens: z.number(), completionTokens: z.number(),
  totalTokens: z.number(), failedCalls: z.number(), avgLatencyMs: z.number(),
});
const group = tokenTotalsDto.extend({ key: z.string() });

export const tokenStatsDto = z.object({
  from: z.string(), to: z.string(), days: z.number(), totals: tokenTotalsDto,
  byModel: z.array(group.extend({ provider: z.string(), engine: z.string() })),
  byPurpose: z.array(group), byProvider: z.array(group), byOutcome: z.array(group),
  daily: z.array(tokenTotalsDto.extend({ date: z.string() })),
  dailyByModel: z.array(z.object({ date: z.string(), model: z.string(), calls: z.number(), promptTokens: z.number(), completionTokens: z.number(), totalTokens: z.number() })),
});

const window = z.object({
  tokensUsed: z.number(), tokensLimit: z.number().nullable(), tokensRemaining: z.number().nullable(),
  requestsUsed: z.number(), requestsLimit: z.number().nullable(), requestsRemaining: z.number().nullable(), resetsAt: z.string(),
});
export const limitStatusDto = z.object({ allowed: z.boolean(), reason: z.string().nullable(), daily: window, monthly: window, retryAfterSeconds: z.number().nullable() });

export const limitValuesDto = z.object({ dailyTokens: z.number().nullable(), monthlyTokens: z.number().nullable(), dailyRequests: z.number().nullable(), monthlyRequests: z.number().nullable() });
export const limitRowDto = limitValuesDto.extend({ id: z.string(), scope: z.enum(["user", "role"]), subject: z.string(), updatedAt: z.string() });

export const dashboardDto = z.object({
  today: tokenTotalsDto, month: tokenTotalsDto, last30Days: tokenStatsDto, limits: limitStatusDto,
  recentCalls: z.array(z.object({
    id: z.string(), createdAt: z.string(), purpose: z.string(), engine: z.string(), model: z.string(), provider: z.string(),
    promptTokens: z.number(), completionTokens: z.number(), latencyMs: z.number(), outcome: z.string(), question: z.string(),
  })),
});

const counted = z.array(z.object({ key: z.string(), count: z.number() }));
export const usageAnalyticsDto = z.object({
  from: z.string(), to: z.string(), days: z.number(),
  summary: z.object({ totalQueries: z.number(), avgExecutionTimeMs: z.number(), queriesToday: z.number(), queriesThisWeek: z.number(), failedQueries: z.number(), errorRate: z.number() }),
  totals: z.object({ queries: z.number(), failed: z.number(), rows: z.number(), activeUsers: z.number() }),
  daily: z.array(z.object({ date: z.string(), queries: z.number(), failed: z.number(), rows: z.number(), avgExecutionTimeMs: z.number(), aiCalls: z.number(), tokens: z.number() })),
  bySource: counted, byStatus: counted, byKind: counted,
  byDataSource: z.array(z.object({ dataSourceId: z.string().nullable(), name: z.string().nullable(), count: z.number() })),
  tokens: tokenTotalsDto,
  byUser: z.array(z.object({ userId: z.string(), username: z.string().nullable(), queries: z.number() })).optional(),
});

export const performanceDto = z.object({
  from: z.string(), to: z.string(), days: z.number(), totalQueries: z.number(), avgExecutionTimeMs: z.number(), p50ExecutionTimeMs: z.number(),
  p95ExecutionTimeMs: z.number(), maxExecutionTimeMs: z.number(), errorRate: z.number(), failedQueries: z.number(),
  slowestQueries: z.array(z.object({ id: z.string(), sql: z.string(), executionTimeMs: z.number(), rowCount: z.number(), status: z.string(), dataSourceId: z.string().nullable(), dataSourceName: z.string().nullable(), createdAt: z.string() })),
  recentErrors: z.array(z.object({ id: z.string(), sql: z.string(), error: z.string().nullable(), status: z.string(), createdAt: z.string() })),
  byDataSource: z.array(z.object({ dataSourceId: z.string().nullable(), name: z.string().nullable(), queries: z.number(), avgExecutionTimeMs: z.number(), p95ExecutionTimeMs: z.number(), errorRate: z.number(), failed: z.number() })),
  daily: z.array(z.object({ date: z.string(), queries: z.number(), failed: z.number(), avgExecutionTimeMs: z.number() })),
  ai: z.object({ calls: z.number(), avgLatencyMs: z.number(), failedCalls: z.number() }),
});
