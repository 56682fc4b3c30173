import "server-only";
import { z } from "zod";
import { validationFailed } from "../../errors";
import { effectiveLimits, limitStatus, listLimits, setLimit } from "../../services/ai/usage";
import { querySummary } from "../../services/analytics/query-stats";
import { tokenDashboard, tokenStats, type TokenStats } from "../../services/analytics/token-stats";
import { db } from "../../db";
import { defineRoute } from "../route";
import { snakeKeys } from "../snake";
import { querySummarySchema } from "./analytics";

/**
 * The Analytics Assistant's token usage (`/tokens/...`) and statistics (`/auth/stats`,
 * `/auth/model-stats`, `/auth/token-breakdown`, `/auth/daily-model-stats`): every AI
 * call the caller made (built-in answers with zero tokens), totals that the per-model,
 * per-category and per-day parts add up to. Admins may pass `user_id` or `all_users`.
 */
const tag = "tokens";
const windowQuery = z.object({
  days: z.coerce.number().int().min(1).max(366).optional(),
  start_date: z.coerce.date().optional(),
  end_date: z.coerce.date().optional(),
  user_id: z.string().min(1).max(100).optional(),
  all_users: z.enum(["true", "false", "1", "0"]).optional(),
});
type WindowQuery = z.infer<typeof windowQuery>;
const statsOf = (principal: Parameters<typeof tokenStats>[0], q: WindowQuery) =>
  tokenStats(principal, { days: q.days, from: q.start_date, to: q.end_date, userId: q.user_id, allUsers: q.all_users === "true" || q.all_users === "1" });

const totalsBody = (t: TokenStats["totals"]) => ({
  total_requests: t.calls,
  total_calls: t.calls,
  model_calls: t.modelCalls,
  builtin_calls: t.builtinCalls,
  prompt_tokens: t.promptTokens,
  completion_tokens: t.completionTokens,
  total_tokens: t.totalTokens,
  failed_calls: t.failedCalls,
  success_rate: t.calls ? (t.calls - t.failedCalls) / t.calls : 1,
  avg_latency_ms: t.avgLatencyMs,
});
const groupBody = (name: string) => (g: TokenStats["byPurpose"][number]) => ({ [name]: g.key, ...totalsBody(g) });
const period = (s: TokenStats) => ({ start_date: s.from, end_date: s.to, days: s.days });

const limitsBody = (l: Awaited<ReturnType<typeof limitStatus>>) => snakeKeys(l) as Record<string, unknown>;

const str = z.string();
const num = z.number();
const totalsFields = {
  total_requests: num, total_calls: num, model_calls: num, builtin_calls: num, prompt_tokens: num, completion_tokens: num, total_tokens: num,
  failed_calls: num, success_rate: num, avg_latency_ms: num,
};
const totalsSchema = z.object(totalsFields);
const groupSchema = (name: string) => z.array(z.object({ [name]: str, ...totalsFields }));
const periodFields = { start_date: str, end_date: str, days: num };
const dailySchema = z.array(z.object({ date: str, ...totalsFields }));
const limitWindowSchema = z.object({
  tokens_used: num, tokens_limit: num.nullable(), tokens_remaining: num.nullable(),
  requests_used: num, requests_limit: num.nullable(), requests_remaining: num.nullable(), resets_at: str,
});
/** `limitStatus`, snake_cased. */
const limitStatusFields = { allowed: z.boolean(), reason: str.nullable(), daily: limitWindowSchema, monthly: limitWindowSchema, retry_after_seconds: num.nullable() };
const limitValuesFields = { daily_tokens: num.nullable(), monthly_tokens: num.nullable(), daily_requests: num.nullable(), monthly_requests: num.nullable() };
const limitRowSchema = z.object({ id: str, scope: z.enum(["user", "role"]), subject: str, ...limitValuesFields, updated_at: str });
const modelRow = z.object({ model: str, model_name: str, provider: str, engine: str, ...totalsFields });
const dailyModels = z.array(z.object({ date: str, ...totalsFields, models: z.array(z.object({ model: str, calls: num, prompt_tokens: num, completion_tokens: num, total_tokens: num })) }));

const limitBody = z.object({
  scope: z.enum(["user", "role"]).optional(),
  subject: z.string().min(1).max(100).optional(),
  user_id: z.string().min(1).max(100).optional(),
  role: z.string().min(1).max(30).optional(),
  daily_tokens: z.number().int().min(0).nullable().optional(),
  monthly_tokens: z.number().int().min(0).nullable().optional(),
  daily_requests: z.number().int().min(0).nullable().optional(),
  monthly_requests: z.number().int().min(0).nullable().optional(),
});

export const usageRoutes = [
  defineRoute({
    method: "GET", path: "/auth/stats", format: "insight", auth: "user", procedure: "usage.stats", tag,
    response: z.object({
      user_id: str, username: str, ...periodFields, ...totalsFields,
      queries: querySummarySchema, total_queries: num, chat_sessions: num, chat_messages: num,
      by_model: groupSchema("model"), by_category: groupSchema("category"),
    }),
    summary: "The caller's usage: AI calls and tokens, queries, chat sessions (default last 30 days)", query: windowQuery,
    async handle({ principal, query }) {
      const s = await statsOf(principal, query);
      const me = principal.user;
      const [queries, sessions, messages] = await Promise.all([
        querySummary(principal),
        db.chatSession.count({ where: { userId: me.id } }),
        db.chatMessage.count({ where: { session: { userId: me.id } } }),
      ]);
      return {
        body: {
          user_id: me.id, username: me.username, ...period(s), ...totalsBody(s.totals),
          queries: snakeKeys(queries), total_queries: queries.totalQueries, chat_sessions: sessions, chat_messages: messages,
          by_model: s.byModel.map(groupBody("model")), by_category: s.byPurpose.map(groupBody("category")),
        },
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/auth/model-stats", format: "insight", auth: "user", procedure: "usage.stats", tag,
    response: z.object({ ...periodFields, models: z.array(modelRow), model_stats: z.array(modelRow), total_models: num, totals: totalsSchema }),
    summary: "Usage per model: calls, tokens, latency, failures", query: windowQuery,
    async handle({ principal, query }) {
      const s = await statsOf(principal, query);
      const models = s.byModel.map((m) => ({ model: m.key, model_name: m.key, provider: m.provider, engine: m.engine, ...totalsBody(m) }));
      return { body: { ...period(s), models, model_stats: models, total_models: models.length, totals: totalsBody(s.totals) } };
    },
  }),
  defineRoute({
    method: "GET", path: "/auth/token-breakdown", format: "insight", auth: "user", procedure: "usage.stats", tag,
    response: z.object({
      ...periodFields, ...totalsFields,
      breakdown: z.object({ prompt_tokens: num, completion_tokens: num }),
      by_category: groupSchema("category"), by_provider: groupSchema("provider"), by_outcome: groupSchema("outcome"), by_model: groupSchema("model"),
    }),
    summary: "Tokens by category (nl2sql, chat, auto-guess), provider, outcome, prompt vs completion", query: windowQuery,
    async handle({ principal, query }) {
      const s = await statsOf(principal, query);
      return {
        body: {
          ...period(s), ...totalsBody(s.totals),
          breakdown: { prompt_tokens: s.totals.promptTokens, completion_tokens: s.totals.completionTokens },
          by_category: s.byPurpose.map(groupBody("category")),
          by_provider: s.byProvider.map(groupBody("provider")),
          by_outcome: s.byOutcome.map(groupBody("outcome")),
          by_model: s.byModel.map(groupBody("model")),
        },
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/auth/daily-model-stats", format: "insight", auth: "user", procedure: "usage.stats", tag,
    response: z.object({
      ...periodFields, daily: dailyModels, daily_stats: dailyModels,
      stats: z.array(z.object({ date: str, model: str, calls: num, prompt_tokens: num, completion_tokens: num, total_tokens: num })), totals: totalsSchema,
    }),
    summary: "Per day and model (default last 30 days; `days` up to 366)", query: windowQuery,
    async handle({ principal, query }) {
      const s = await statsOf(principal, query);
      const byDay = new Map<string, typeof s.dailyByModel>();
      for (const r of s.dailyByModel) byDay.set(r.date, [...(byDay.get(r.date) ?? []), r]);
      const daily = s.daily.map((d) => ({
        date: d.date, ...totalsBody(d),
        models: (byDay.get(d.date) ?? []).map((m) => ({ model: m.model, calls: m.calls, prompt_tokens: m.promptTokens, completion_tokens: m.completionTokens, total_tokens: m.totalTokens })),
      }));
      return { body: { ...period(s), daily, daily_stats: daily, stats: snakeKeys(s.dailyByModel), totals: totalsBody(s.totals) } };
    },
  }),
  defineRoute({
    method: "GET", path: "/tokens/usage", format: "insight", auth: "user", procedure: "usage.stats", tag,
    response: z.object({
      user_id: str, ...periodFields, ...totalsFields, totals: totalsSchema,
      by_model: groupSchema("model"), by_category: groupSchema("category"), by_provider: groupSchema("provider"), daily: dailySchema,
    }),
    summary: "The caller's token usage: totals, per model, per category, per day", query: windowQuery,
    async handle({ principal, query }) {
      const s = await statsOf(principal, query);
      return {
        body: {
          user_id: query.user_id ?? principal.user.id, ...period(s), ...totalsBody(s.totals), totals: totalsBody(s.totals),
          by_model: s.byModel.map(groupBody("model")), by_category: s.byPurpose.map(groupBody("category")), by_provider: s.byProvider.map(groupBody("provider")),
          daily: s.daily.map((d) => ({ date: d.date, ...totalsBody(d) })),
        },
      };
    },
  }),
  defineRoute({
    method: "GET", path: "/tokens/limits", format: "insight", auth: "user", procedure: "usage.limits", tag,
    response: z.object({
      limits: z.object(limitValuesFields), source: z.object({ user: z.boolean(), role: z.boolean() }), within_limits: z.boolean(),
      ...limitStatusFields, configured: z.array(limitRowSchema).optional(),
    }),
    summary: "The limits that apply to the caller and what is used of them (admins: every configured limit too)",
    async handle({ principal }) {
      const [limits, status] = await Promise.all([effectiveLimits(principal.user), limitStatus(principal.user)]);
      const configured = principal.user.role === "admin" ? snakeKeys(await listLimits(principal)) : undefined;
      return {
        body: {
          limits: { daily_tokens: limits.dailyTokens, monthly_tokens: limits.monthlyTokens, daily_requests: limits.dailyRequests, monthly_requests: limits.monthlyRequests },
          source: limits.source, within_limits: status.allowed, ...limitsBody(status), ...(configured ? { configured } : {}),
        },
      };
    },
  }),
  defineRoute({
    method: "PUT", path: "/tokens/limits", format: "insight", auth: "user", procedure: "usage.setLimit", tag,
    addition: "Admins configure the limits `/tokens/limits` reports; the document names no route for it",
    response: z.union([limitRowSchema, z.object({ scope: z.enum(["user", "role"]), subject: str, cleared: z.literal(true) })]),
    summary: "Set (or clear, with nulls) a user's or a role's daily and monthly limits (admin)", body: limitBody,
    async handle({ principal, body }) {
      const scope = body.scope ?? (body.user_id ? "user" : body.role ? "role" : undefined);
      const subject = body.subject ?? body.user_id ?? body.role;
      if (!scope || !subject) throw validationFailed([{ field: "scope", message: "give user_id, role, or scope with subject" }]);
      const row = await setLimit(principal, { scope, subject, dailyTokens: body.daily_tokens ?? null, monthlyTokens: body.monthly_tokens ?? null, dailyRequests: body.daily_requests ?? null, monthlyRequests: body.monthly_requests ?? null });
      return { body: row ? snakeKeys(row) : { scope, subject, cleared: true } };
    },
  }),
  defineRoute({
    method: "GET", path: "/tokens/rate-limit-check", format: "insight", auth: "user", procedure: "usage.limits", tag,
    response: z.object({ ...limitStatusFields, within_limits: z.boolean(), can_proceed: z.boolean() }),
    summary: "Whether the caller's next model call would pass its limits",
    async handle({ principal }) {
      const status = await limitStatus(principal.user);
      return { body: { allowed: status.allowed, within_limits: status.allowed, can_proceed: status.allowed, ...limitsBody(status) } };
    },
  }),
  defineRoute({
    method: "GET", path: "/tokens/dashboard", format: "insight", auth: "user", procedure: "usage.dashboard", tag,
    response: z.object({
      today: totalsSchema, this_month: totalsSchema, limits: z.object(limitStatusFields),
      last_30_days: z.object({ ...periodFields, totals: totalsSchema, daily: dailySchema, by_model: groupSchema("model"), by_category: groupSchema("category") }),
      recent_calls: z.array(z.object({
        id: str, created_at: str, purpose: str, engine: str, model: str, provider: str,
        prompt_tokens: num, completion_tokens: num, latency_ms: num, outcome: str, question: str,
      })),
    }),
    summary: "The caller's usage dashboard: today, this month, limits left, the last 30 days, recent calls",
    async handle({ principal }) {
      const d = await tokenDashboard(principal);
      return {
        body: {
          today: totalsBody(d.today), this_month: totalsBody(d.month), limits: limitsBody(d.limits),
          last_30_days: { ...period(d.last30Days), totals: totalsBody(d.last30Days.totals), daily: d.last30Days.daily.map((x) => ({ date: x.date, ...totalsBody(x) })), by_model: d.last30Days.byModel.map(groupBody("model")), by_category: d.last30Days.byPurpose.map(groupBody("category")) },
          recent_calls: snakeKeys(d.recentCalls),
        },
      };
    },
  }),
];
