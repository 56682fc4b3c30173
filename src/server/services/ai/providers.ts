import "server-only";
import type { AiProvider } from "@prisma/client";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, streamText, type LanguageModel, type ModelMessage } from "ai";
import { db } from "../../db";
import { AppError, conflict, forbidden, notFound, validationFailed } from "../../errors";
import { recordAudit } from "../audit";
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import { auditActorOf, isAdminPrincipal, requireActingUser, type Principal } from "../principal";

/**
 * Model providers for natural-language questions: OpenAI, Anthropic, or any
 * OpenAI-compatible endpoint (Ollama, vLLM, LM Studio) by base URL. Keys are encrypted
 * at rest and never returned; one provider may be the default.
 */
export const PROVIDER_KINDS = ["openai", "anthropic", "openai-compatible"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface ProviderView {
  id: string;
  name: string;
  provider: ProviderKind;
  model: string;
  baseUrl: string | null;
  hasApiKey: boolean;
  isDefault: boolean;
  contextWindow: number | null;
  timeoutMs: number;
  createdAt: string;
}

export interface ProviderInput {
  name?: string;
  provider: string;
  model: string;
  apiKey?: string;
  baseUrl?: string;
  isDefault?: boolean;
  contextWindow?: number;
  timeoutMs?: number;
}

const view = (p: AiProvider): ProviderView => ({
  id: p.id,
  name: p.name,
  provider: p.provider as ProviderKind,
  model: p.model,
  baseUrl: p.baseUrl,
  hasApiKey: !!p.encryptedApiKey,
  isDefault: p.isDefault,
  contextWindow: p.contextWindow,
  timeoutMs: p.timeoutMs,
  createdAt: p.createdAt.toISOString(),
});

function assertAdmin(principal: Principal) {
  requireActingUser(principal);
  if (!isAdminPrincipal(principal)) throw forbidden("Only administrators manage AI providers");
}

const ALIASES: Record<string, ProviderKind> = { openai: "openai", anthropic: "anthropic", "openai-compatible": "openai-compatible", openai_compatible: "openai-compatible", ollama: "openai-compatible", vllm: "openai-compatible", lmstudio: "openai-compatible", "lm-studio": "openai-compatible", custom: "openai-compatible" };

export async function createProvider(principal: Principal, input: ProviderInput): Promise<ProviderView> {
  assertAdmin(principal);
  const kind = ALIASES[input.provider.toLowerCase()];
  const issues: { field: string; message: string }[] = [];
  if (!kind) issues.push({ field: "provider", message: `one of ${PROVIDER_KINDS.join(", ")} (or ollama, vllm, lmstudio)` });
  if (!input.model.trim()) issues.push({ field: "model", message: "required" });
  if (input.baseUrl !== undefined && input.baseUrl !== "") {
    try {
      const u = new URL(input.baseUrl);
      if (u.protocol !== "http:" && u.protocol !== "https:") issues.push({ field: "base_url", message: "must be http(s)" });
    } catch {
      issues.push({ field: "base_url", message: "not a URL" });
    }
  } else if (kind === "openai-compatible") issues.push({ field: "base_url", message: "required for an OpenAI-compatible endpoint" });
  if (issues.length) throw validationFailed(issues);
  const name = (input.name?.trim() || `${kind} ${input.model}`).slice(0, 100);
  if (await db.aiProvider.findUnique({ where: { name } })) throw conflict(`An AI provider named "${name}" exists`);
  const user = requireActingUser(principal);
  const isDefault = input.isDefault ?? (await db.aiProvider.count()) === 0;
  const row = await db.$transaction(async (tx) => {
    if (isDefault) await tx.aiProvider.updateMany({ data: { isDefault: false } });
    return tx.aiProvider.create({
      data: {
        name,
        provider: kind!,
        model: input.model.trim(),
        baseUrl: input.baseUrl || null,
        encryptedApiKey: input.apiKey ? encryptSecret(input.apiKey) : null,
        isDefault,
        contextWindow: input.contextWindow ?? null,
        timeoutMs: input.timeoutMs ?? 30_000,
        createdById: user.id,
      },
    });
  });
  await recordAudit(auditActorOf(principal), { action: "create_ai_provider", resourceType: "ai_provider", resourceId: row.id, details: { provider: kind, model: row.model } });
  return view(row);
}

export async function listProviders(principal: Principal): Promise<ProviderView[]> {
  requireActingUser(principal);
  const rows = await db.aiProvider.findMany({ orderBy: [{ isDefault: "desc" }, { name: "asc" }] });
  return rows.map(view);
}

export async function deleteProvider(principal: Principal, id: string): Promise<void> {
  assertAdmin(principal);
  const row = await db.aiProvider.findUnique({ where: { id } });
  if (!row) throw notFound("AI provider", id);
  await db.aiProvider.delete({ where: { id } });
  await recordAudit(auditActorOf(principal), { action: "delete_ai_provider", resourceType: "ai_provider", resourceId: id });
}

export async function providerRow(id?: string): Promise<AiProvider | null> {
  if (id) {
    const row = await db.aiProvider.findUnique({ where: { id } });
    if (!row) throw notFound("AI provider", id);
    return row;
  }
  return db.aiProvider.findFirst({ where: { isDefault: true } });
}

export function languageModel(p: AiProvider): LanguageModel {
  const apiKey = p.encryptedApiKey ? decryptSecret(p.encryptedApiKey) : undefined;
  const baseURL = p.baseUrl ?? undefined;
  switch (p.provider) {
    case "openai":
      return createOpenAI({ apiKey: apiKey ?? "", baseURL })(p.model);
    case "anthropic":
      return createAnthropic({ apiKey: apiKey ?? "", baseURL })(p.model);
    default:
      // includeUsage: streamed answers report their tokens too
      return createOpenAICompatible({ name: p.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase() || "custom", baseURL: baseURL!, apiKey, includeUsage: true })(p.model);
  }
}

export interface Completion {
  text: string;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
}

/** One call to the model. Timeouts, 401s and unreachable servers become clear errors (never a 500). */
export async function complete(p: AiProvider, input: { system: string; prompt: string }): Promise<Completion> {
  const started = Date.now();
  try {
    const out = await generateText({
      model: languageModel(p),
      system: input.system,
      prompt: input.prompt,
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(p.timeoutMs),
      temperature: 0,
    });
    return { text: out.text, promptTokens: out.usage.inputTokens ?? null, completionTokens: out.usage.outputTokens ?? null, latencyMs: Date.now() - started };
  } catch (error) {
    throw providerError(p, error);
  }
}

export type StreamPart = { type: "delta"; text: string } | { type: "done"; completion: Completion };

/**
 * One streamed call with a conversation (chat): text deltas as they arrive, then the
 * whole text with its token counts. Failures become the same clear errors as `complete`.
 */
export async function* streamComplete(p: AiProvider, input: { system: string; messages: ModelMessage[] }): AsyncGenerator<StreamPart> {
  const started = Date.now();
  let text = "";
  try {
    const result = streamText({
      model: languageModel(p),
      system: input.system,
      messages: input.messages,
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(p.timeoutMs),
      temperature: 0,
    });
    let usage: { inputTokens?: number; outputTokens?: number } = {};
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") {
        text += part.text;
        yield { type: "delta", text: part.text };
      } else if (part.type === "error") throw part.error;
      else if (part.type === "finish") usage = part.totalUsage;
    }
    yield { type: "done", completion: { text, promptTokens: usage.inputTokens ?? null, completionTokens: usage.outputTokens ?? null, latencyMs: Date.now() - started } };
  } catch (error) {
    throw providerError(p, error);
  }
}

function providerError(p: AiProvider, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as { name?: string; message?: string };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return new AppError("SERVICE_UNAVAILABLE", `The AI provider "${p.name}" did not answer within ${p.timeoutMs} ms`);
  if (APICallError.isInstance(error)) {
    if (error.statusCode === 401 || error.statusCode === 403) return new AppError("SERVICE_UNAVAILABLE", `The AI provider "${p.name}" refused the API key (${error.statusCode}); check it in the provider settings`);
    return new AppError("SERVICE_UNAVAILABLE", `The AI provider "${p.name}" answered ${error.statusCode ?? "an error"}`);
  }
  return new AppError("SERVICE_UNAVAILABLE", `The AI provider "${p.name}" could not be reached`, { cause: error });
}

export async function testProvider(principal: Principal, id: string): Promise<{ success: boolean; model: string; latencyMs: number; message: string }> {
  assertAdmin(principal);
  const row = await providerRow(id);
  let result: { success: boolean; model: string; latencyMs: number; message: string };
  const started = Date.now();
  try {
    const out = await complete(row!, { system: "You are a connectivity check.", prompt: "Reply with the single word OK." });
    result = { success: true, model: row!.model, latencyMs: out.latencyMs, message: "The provider answered" };
  } catch (error) {
    result = { success: false, model: row!.model, latencyMs: Date.now() - started, message: error instanceof AppError ? error.message : "The provider failed" };
  }
  await recordAudit(auditActorOf(principal), { action: "test_ai_provider", resourceType: "ai_provider", resourceId: id, outcome: result.success ? "success" : "failure" });
  return result;
}
