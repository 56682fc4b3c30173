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

export const analyticsRoutes = [
  defineRoute({
    method: "GET", path: "/analytics/queries", format: "insight", auth: "user", procedure: "usage.usage", tag,
    summary: "Query statistics: totals, average execution time, today, this week (admins: `scope=system` for everyone)",
    query: z.object({ scope: z.enum(["me", "system"]).optional() }),
    async handle({ principal, query }) {
      return { body: snakeKeys(await querySummary(principal, { system: query.scope === "system" })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/analytics/usage", format: "insight", auth: "user", procedure: "usage.usage", tag,
    summary: "The caller's usage per day, by source, status and data source (default last 30 days)", query: daysQuery,
    async handle({ principal, query }) {
      return { body: snakeKeys(await usageAnalytics(principal, { days: query.days })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/analytics/performance", format: "insight", auth: "user", procedure: "usage.performance", tag,
    summary: "The caller's slowest queries, error rate and timings by data source", query: daysQuery,
    async handle({ principal, query }) {
      return { body: snakeKeys(await performanceAnalytics(principal, { days: query.days })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/analytics/export", format: "insight", auth: "user", procedure: "usage.usage", tag,
    summary: "The caller's analytics as a JSON document or CSV rows (`format=json|csv`)",
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
    summary: "Usage of the whole system, with the most active users (admin)", query: daysQuery,
    async handle({ principal, query }) {
      return { body: snakeKeys(await usageAnalytics(principal, { days: query.days, system: true })) };
    },
  }),
  defineRoute({
    method: "GET", path: "/analytics/system/performance", format: "insight", auth: "user", procedure: "usage.performance", tag,
    summary: "Performance of the whole system (admin)", query: daysQuery,
    async handle({ principal, query }) {
      return { body: snakeKeys(await performanceAnalytics(principal, { days: query.days, system: true })) };
    },
  }),
];
