import "server-only";
import { z } from "zod";
import { exportAnalytics, performanceAnalytics, querySummary, usageAnalytics } from "../../services/analytics/query-stats";
import { defineRoute } from "../route";
import { snakeKeys } from "../snake";

/**
 * Analytics: InsightEngine's query statistics (`/analytics/queries`) and the Analytics
 * Assistant's usage, performance, export and system-wide views (`/analytics/...`).
 */
const tag = "analytics";
const daysQuery = z.object({ days: z.coerce.number().int().min(1).max(366).optional() });

const str = z.string();
const num = z.number();
/** `querySummary`, snake_cased. */
export const querySummarySchema = z.object({
  total_queries: num, avg_execution_time_ms: num, queries_today: num, queries_this_week: num, failed_queries: num, error_rate: num,
});
/** A `TokenTotals`, snake_cased. */
export const tokenTotalsSchema = z.object({
  calls: num, model_calls: num, builtin_calls: num, prompt_tokens: num, completion_tokens: num, total_tokens: num, failed_calls: num, avg_latency_ms: num,
});
const counted = z.array(z.object({ key: str, count: num }));
const usageFields = {
  from: str, to: str, days: num,
  summary: querySummarySchema,
  totals: z.object({ queries: num, failed: num, rows: num, active_users: num }),
  daily: z.array(z.object({ date: str, queries: num, failed: num, rows: num, avg_execution_time_ms: num, ai_calls: num, tokens: num })),
  by_source: counted, by_status: counted, by_kind: counted,
  by_data_source: z.array(z.object({ data_source_id: str.nullable(), name: str.nullable(), count: num })),
  tokens: tokenTotalsSchema,
};
const byUser = z.array(z.object({ user_id: str, username: str.nullable(), queries: num }));
const usageSchema = z.object(usageFields);
const systemUsageSchema = z.object({ ...usageFields, by_user: byUser });
const performanceSchema = z.object({
  from: str, to: str, days: num,
  total_queries: num, avg_execution_time_ms: num, p50_execution_time_ms: num, p95_execution_time_ms: num, max_execution_time_ms: num,
  error_rate: num, failed_queries: num,
  slowest_queries: z.array(z.object({ id: str, sql: str, execution_time_ms: num, row_count: num, status: str, data_source_id: str.nullable(), data_source_name: str.nullable(), created_at: str })),
  recent_errors: z.array(z.object({ id: str, sql: str, error: str.nullable(), status: str, created_at: str })),
  by_data_source: z.array(z.object({ data_source_id: str.nullable(), name: str.nullable(), queries: num, avg_execution_time_ms: num, p95_execution_time_ms: num, error_rate: num, failed: num })),
  daily: z.array(z.object({ date: str, queries: num, failed: num, avg_execution_time_ms: num })),
  ai: z.object({ calls: num, avg_latency_ms: num, failed_calls: num }),
});
const exportSchema = z.object({
  user: z.object({ id: str, username: str }),
  exported_at: str,
  usage: usageSchema,
  performance: performanceSchema,
  tokens: z.looseObject({ from: str, to: str, days: num, totals: tokenTotalsSchema, by_model: z.array(z.looseObject({ key: str })), daily: z.array(z.looseObject({ date: str })) }),
});

export const analyticsRoutes = [
  defineRoute({
    method: "GET", path: "/analytics/queries", format: "insight", auth: "user", procedure: "usage.usage", tag,
    response: querySummarySchema, summary: "Query statistics: totals, average execution time, today, this week (admins: `scope=system` for everyone)",
    query: z.object({ scope: z.enum(["me", "system"]).optional() }),
    async handle({ principal, query }) {
      return { body: snakeKeys(await querySummary(principal, { system: query.scope === "system" })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/analytics/usage", format: "insight", auth: "user", procedure: "usage.usage", tag,
    response: usageSchema, summary: "The caller's usage per day, by source, status and data source (default last 30 days)", query: daysQuery,
    async handle({ principal, query }) {
      return { body: snakeKeys(await usageAnalytics(principal, { days: query.days })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/analytics/performance", format: "insight", auth: "user", procedure: "usage.performance", tag,
    response: performanceSchema, summary: "The caller's slowest queries, error rate and timings by data source", query: daysQuery,
    async handle({ principal, query }) {
      return { body: snakeKeys(await performanceAnalytics(principal, { days: query.days })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/analytics/export", format: "insight", auth: "user", procedure: "usage.usage", tag,
    response: exportSchema, summary: "The caller's analytics as a JSON document or CSV rows (`format=json|csv`)",
    query: daysQuery.extend({ format: z.enum(["json", "csv"]).default("json") }),
    async handle({ principal, query }) {
      const out = await exportAnalytics(principal, { days: query.days, format: query.format });
      const disposition = { "Content-Disposition": `attachment; filename="${out.filename}"` };
      if (out.format === "json") return { body: snakeKeys(out.document), headers: disposition };
      const bytes = new TextEncoder().encode(out.csv);
      return {
        body: new ReadableStream<Uint8Array>({ start(c) { c.enqueue(bytes); c.close(); } }),
        headers: { ...disposition, "Content-Type": "text/csv; charset=utf-8" },
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/analytics/system/usage", format: "insight", auth: "user", procedure: "usage.usage", tag,
    response: systemUsageSchema, summary: "Usage of the whole system, with the most active users (admin)", query: daysQuery,
    async handle({ principal, query }) {
      return { body: snakeKeys(await usageAnalytics(principal, { days: query.days, system: true })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/analytics/system/performance", format: "insight", auth: "user", procedure: "usage.performance", tag,
    response: performanceSchema, summary: "Performance of the whole system (admin)", query: daysQuery,
    async handle({ principal, query }) {
      return { body: snakeKeys(await performanceAnalytics(principal, { days: query.days, system: true })) };
    },
  }),
];
