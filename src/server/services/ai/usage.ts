import "server-only";
import type { AiProvider } from "@prisma/client";
import { db } from "../../db";
import { AppError, notFound, validationFailed } from "../../errors";
import { isRole, ROLES } from "@/lib/roles";
import { recordAudit } from "../audit";
import { auditActorOf, requireAdmin, type Principal } from "../principal";
import type { SessionUser } from "../auth/session";

/**
 * Token usage: every answer (model or built-in) is one AiCall row with its tokens,
 * model, provider, purpose, latency and outcome; built-in answers carry zero tokens so
 * the counts stay complete. Limits (tokens and model calls, daily and monthly, per user
 * or per role) refuse the next model call with 429; the built-in engine is never limited.
 */
export const AI_PURPOSES = ["nl2sql", "chat", "auto-guess"] as const;
export type AiPurpose = (typeof AI_PURPOSES)[number];

export interface AiCallInput {
  userId: string;
  purpose: AiPurpose;
  provider: AiProvider | null;
  model?: string;
  dataSourceId?: string | null;
  question: string;
  sql?: string | null;
  outcome: string;
  error?: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  attempts?: number;
  latencyMs: number;
  chatSessionId?: string | null;
}

export async function recordAiCall(input: AiCallInput): Promise<void> {
  const builtin = !input.provider;
  await db.aiCall.create({
    data: {
      userId: input.userId,
      providerId: input.provider?.id ?? null,
      providerKind: input.provider?.provider ?? "builtin",
      providerName: input.provider?.name ?? "built-in engine",
      engine: builtin ? "builtin" : "provider",
      model: input.model ?? input.provider?.model ?? "builtin",
      purpose: input.purpose,
      dataSourceId: input.dataSourceId ?? null,
      question: input.question.slice(0, 2000),
      sql: input.sql ?? null,
      outcome: input.outcome,
      error: input.error ?? null,
      // built-in answers spend no tokens; a model that reported none stays unknown (null, summed as 0)
      promptTokens: builtin ? 0 : input.promptTokens,
      completionTokens: builtin ? 0 : input.completionTokens,
      attempts: Math.max(1, input.attempts ?? 1),
      latencyMs: Math.max(0, Math.round(input.latencyMs)),
      chatSessionId: input.chatSessionId ?? null,
    },
  });
}

export interface LimitValues {
  dailyTokens: number | null;
  monthlyTokens: number | null;
  dailyRequests: number | null;
  monthlyRequests: number | null;
}

export interface LimitRow extends LimitValues {
  id: string;
  scope: "user" | "role";
  subject: string;
  updatedAt: string;
}

const NO_LIMITS: LimitValues = { dailyTokens: null, monthlyTokens: null, dailyRequests: null, monthlyRequests: null };

export const dayStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
export const monthStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const nextDay = (now: Date) => new Date(dayStart(now).getTime() + 86_400_000);
const nextMonth = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));

/** The limits that apply to a user: each value from their own row, else their role's. */
export async function effectiveLimits(user: Pick<SessionUser, "id" | "role">): Promise<LimitValues & { source: { user: boolean; role: boolean } }> {
  const rows = await db.tokenLimit.findMany({ where: { OR: [{ scope: "user", subject: user.id }, { scope: "role", subject: user.role }] } });
  const own = rows.find((r) => r.scope === "user");
  const role = rows.find((r) => r.scope === "role");
  const pick = (k: keyof LimitValues) => own?.[k] ?? role?.[k] ?? null;
  return { dailyTokens: pick("dailyTokens"), monthlyTokens: pick("monthlyTokens"), dailyRequests: pick("dailyRequests"), monthlyRequests: pick("monthlyRequests"), source: { user: !!own, role: !!role } };
}

/** Tokens and model calls a user spent since `since` (built-in answers spend none and are not model calls). */
export async function spentSince(userId: string, since: Date): Promise<{ tokens: number; requests: number }> {
  const agg = await db.aiCall.aggregate({
    where: { userId, createdAt: { gte: since }, engine: "provider" },
    _sum: { promptTokens: true, completionTokens: true },
    _count: { _all: true },
  });
  return { tokens: (agg._sum.promptTokens ?? 0) + (agg._sum.completionTokens ?? 0), requests: agg._count._all };
}

export interface LimitWindow {
  tokensUsed: number;
  tokensLimit: number | null;
  tokensRemaining: number | null;
  requestsUsed: number;
  requestsLimit: number | null;
  requestsRemaining: number | null;
  resetsAt: string;
}

export interface LimitStatus {
  allowed: boolean;
  /** Why the next model call would be refused. */
  reason: string | null;
  daily: LimitWindow;
  monthly: LimitWindow;
  retryAfterSeconds: number | null;
}

function windowOf(used: { tokens: number; requests: number }, tokens: number | null, requests: number | null, resets: Date): LimitWindow {
  return {
    tokensUsed: used.tokens,
    tokensLimit: tokens,
    tokensRemaining: tokens === null ? null : Math.max(0, tokens - used.tokens),
    requestsUsed: used.requests,
    requestsLimit: requests,
    requestsRemaining: requests === null ? null : Math.max(0, requests - used.requests),
    resetsAt: resets.toISOString(),
  };
}

/** Whether the user's next model call would pass, with what is used and left today and this month. */
export async function limitStatus(user: Pick<SessionUser, "id" | "role">, now = new Date()): Promise<LimitStatus> {
  const limits = await effectiveLimits(user);
  const [day, month] = await Promise.all([spentSince(user.id, dayStart(now)), spentSince(user.id, monthStart(now))]);
  const daily = windowOf(day, limits.dailyTokens, limits.dailyRequests, nextDay(now));
  const monthly = windowOf(month, limits.monthlyTokens, limits.monthlyRequests, nextMonth(now));
  let reason: string | null = null;
  let resets: Date | null = null;
  if (daily.tokensRemaining === 0) (reason = `The daily limit of ${daily.tokensLimit} model tokens is used up`), (resets = nextDay(now));
  else if (daily.requestsRemaining === 0) (reason = `The daily limit of ${daily.requestsLimit} model calls is used up`), (resets = nextDay(now));
  if (monthly.tokensRemaining === 0) (reason = `The monthly limit of ${monthly.tokensLimit} model tokens is used up`), (resets = nextMonth(now));
  else if (monthly.requestsRemaining === 0) (reason = `The monthly limit of ${monthly.requestsLimit} model calls is used up`), (resets = nextMonth(now));
  return { allowed: !reason, reason, daily, monthly, retryAfterSeconds: resets ? Math.ceil((resets.getTime() - now.getTime()) / 1000) : null };
}

/** Refuses a model call over the limit: 429 with when it resets (the built-in engine is not limited). */
export async function assertWithinLimits(user: Pick<SessionUser, "id" | "role">): Promise<void> {
  const status = await limitStatus(user);
  if (status.allowed) return;
  const resets = new Date(Date.now() + (status.retryAfterSeconds ?? 0) * 1000).toISOString();
  throw new AppError("RATE_LIMITED", `${status.reason} (it resets at ${resets}); the built-in engine still answers`, {
    retryAfter: status.retryAfterSeconds ?? undefined,
    details: { daily: status.daily, monthly: status.monthly },
  });
}

const toRow = (r: { id: string; scope: string; subject: string; updatedAt: Date } & LimitValues): LimitRow => ({
  id: r.id, scope: r.scope as "user" | "role", subject: r.subject, dailyTokens: r.dailyTokens, monthlyTokens: r.monthlyTokens, dailyRequests: r.dailyRequests, monthlyRequests: r.monthlyRequests, updatedAt: r.updatedAt.toISOString(),
});

export async function listLimits(principal: Principal): Promise<LimitRow[]> {
  requireAdmin(principal);
  return (await db.tokenLimit.findMany({ orderBy: [{ scope: "asc" }, { subject: "asc" }] })).map(toRow);
}

/** Sets (or with every value null, clears) the limits of a user or a role. */
export async function setLimit(principal: Principal, input: { scope: "user" | "role"; subject: string } & Partial<LimitValues>): Promise<LimitRow | null> {
  const admin = requireAdmin(principal);
  if (input.scope === "role" && !isRole(input.subject)) throw validationFailed([{ field: "subject", message: `one of ${ROLES.join(", ")}` }]);
  if (input.scope === "user" && !(await db.user.findUnique({ where: { id: input.subject }, select: { id: true } }))) throw notFound("User", input.subject);
  const values: LimitValues = { ...NO_LIMITS, ...Object.fromEntries(Object.entries(input).filter(([k]) => k in NO_LIMITS)) };
  for (const [k, v] of Object.entries(values)) {
    if (v !== null && (!Number.isInteger(v) || v < 0)) throw validationFailed([{ field: k, message: "a whole number ≥ 0, or null for no limit" }]);
  }
  const key = { scope_subject: { scope: input.scope, subject: input.subject } };
  let row: LimitRow | null = null;
  if (Object.values(values).every((v) => v === null)) await db.tokenLimit.deleteMany({ where: { scope: input.scope, subject: input.subject } });
  else row = toRow(await db.tokenLimit.upsert({ where: key, create: { scope: input.scope, subject: input.subject, ...values, updatedById: admin.id }, update: { ...values, updatedById: admin.id } }));
  await recordAudit(auditActorOf(principal), { action: "set_token_limit", resourceType: "token_limit", resourceId: `${input.scope}:${input.subject}`, details: { ...values } });
  return row;
}
